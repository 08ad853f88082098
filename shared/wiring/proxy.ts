/**
 * Wiring for the S3 proxy, once per cold start (or per Node process): the configuration read and checked, and
 * the core built over the DynamoDB, STS and S3 adapters, with every cache at module scope so a warm Lambda (or
 * the long-running Node front) reuses them. Both fronts get their deps here.
 *
 * Configuration, besides the service's (`shared/config.ts`):
 * - `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`: where requests are forwarded instead of
 *   `https://s3.<region>.amazonaws.com` (the local stack sets the latter); path-style either way.
 * - `PROXY_PUBLIC_URL`: where clients reach the proxy, for the Nextflow config and completed uploads' Location.
 * - `NODE_PROXY_PUBLIC_URL`: where clients reach the proxy's Node front, when it runs; the Nextflow config names it
 *   (Nextflow's whole-file uploads do not fit a function URL's 6 MB request limit).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CachingAccessKeyResolver } from '../access-keys/resolver';
import { createStreamAuditLog } from '../adapters/audit-stream';
import { createTokenVerifier } from '../auth/token-verifier';
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../log';
import { createProxyAudit } from '../proxy/audit';
import { createForwardingCredentials } from '../proxy/forwarding-credentials';
import { createProxy, type ProxyDeps, type ProxyHandler } from '../proxy/handle';
import { createHttpUpstream } from '../proxy/upstream/http-upstream';
import { createCredentialCache } from '../vending/credential-cache';
import { createVolumeLookup } from '../volumes/volume-lookup';
import { buildAccessKeyResolver } from './access-keys';
import { systemClock } from './ids';
import { loadProxyConfig, type ProxyConfig } from './proxy-config';
import { buildVolumeDeps } from './volumes';

/** The proxy's deps over one DynamoDB client: the volume repository and the access-key resolver share it. */
export function buildProxyDeps(
  config: Config,
  proxyConfig: ProxyConfig,
  logger: Logger,
  dynamo = new DynamoDBClient({ region: config.region }),
  accessKeys = buildAccessKeyResolver(config, { client: dynamo }),
): ProxyDeps {
  const volumes = buildVolumeDeps(config, dynamo);
  return {
    // The proxy's own sessions (their policy adds the multipart listing): its cache is its own (a separate function at AWS).
    credentials: createForwardingCredentials({
      sts: volumes.sts,
      cache: createCredentialCache({ clock: systemClock }),
      ...(volumes.gatewayTokens ? { gatewayTokens: volumes.gatewayTokens } : {}),
    }),
    repo: volumes.repo,
    clock: volumes.clock,
    accessKeys,
    verifier: createTokenVerifier(config.auth),
    // The hot paths' one cache (5 s), shared with this wiring's repository, whose writes invalidate it.
    lookup: volumes.lookup ?? createVolumeLookup({ repo: volumes.repo, clock: systemClock }),
    // Its events on the audit stream (a log line each; the shipper writes them): no request waits for, or fails on, DynamoDB.
    audit: createProxyAudit({ audit: createStreamAuditLog({ list: volumes.audit.list }), clock: systemClock }),
    upstream: createHttpUpstream({ clock: systemClock, ...(proxyConfig.s3Endpoint ? { endpoint: proxyConfig.s3Endpoint } : {}) }),
    logger,
  };
}

export interface ProxyWiring {
  proxy: ProxyHandler;
  /** The proxy's access-key resolver: 30 s cache, so a revoked key stops working within a minute. */
  accessKeys: CachingAccessKeyResolver;
  config: Readonly<Config>;
  proxyConfig: Readonly<ProxyConfig>;
  logger: Logger;
}

let cached: ProxyWiring | undefined;

/** The proxy of this process, built at the first call from the environment; later calls return the same one. */
export function proxyDefaults(): ProxyWiring {
  if (cached) return cached;
  const config = loadConfig();
  const proxyConfig = loadProxyConfig();
  const logger = createLogger({ service: 'volume-gateway', stage: config.stage, component: 'proxy' }, { level: config.logLevel });
  const dynamo = new DynamoDBClient({ region: config.region });
  const accessKeys = buildAccessKeyResolver(config, { client: dynamo });
  cached = { proxy: createProxy(buildProxyDeps(config, proxyConfig, logger, dynamo, accessKeys)), accessKeys, config, proxyConfig, logger };
  return cached;
}
