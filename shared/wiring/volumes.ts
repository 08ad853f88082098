/**
 * Wiring for the volume routes, once per cold start: the DynamoDB, STS and S3 adapters behind the
 * domain's ports, with the clients at module scope so a warm Lambda reuses them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { createDynamoVolumeRepository } from '../adapters/dynamodb/volume-repository';
import { createS3ObjectProbe } from '../adapters/s3-object-probe';
import { createStsCredentialIssuer } from '../adapters/sts-credential-issuer';
import type { Config } from '../config';
import { httpDefaults } from '../http/defaults';
import type { HttpDeps } from '../http/route';
import type { VolumeDeps } from '../volumes/service';
import { createVolumeLookup, invalidating } from '../volumes/volume-lookup';
import { randomIds, systemClock } from './ids';

export interface VolumeHandlerDeps extends HttpDeps {
  volumes: VolumeDeps;
}

/** Who customers' web-identity trust policies name: our issuer and audience, as AWS IAM spells the provider. */
function oidcSettings(config: Config): VolumeDeps['settings']['oidc'] {
  const { auth } = config;
  if (auth.mode === 'cognito') {
    return {
      issuer: `https://cognito-idp.${config.region}.amazonaws.com/${auth.userPoolId}`,
      audience: auth.clientId[0]!,
      thumbprints: config.oidcThumbprints,
    };
  }
  return { issuer: auth.issuer, audience: auth.audience[0]!, thumbprints: config.oidcThumbprints };
}

/** The volume ports over `dynamo` (one client per wiring: the proxy's shares it with its access-key resolver). */
export function buildVolumeDeps(config: Config, dynamo = new DynamoDBClient({ region: config.region })): VolumeDeps {
  const stored = createDynamoVolumeRepository({
    client: dynamo,
    tableName: config.tables.volumes,
    audit: { tableName: config.tables.audit, retentionDays: config.auditRetentionDays },
  });
  // The hot paths' 5 s cache; writes through this container's repository make it forget what they changed.
  const lookup = createVolumeLookup({ repo: stored, clock: systemClock });
  return {
    repo: invalidating(stored, lookup),
    lookup,
    audit: createDynamoAuditLog({
      client: dynamo,
      tableName: config.tables.audit,
      retentionDays: config.auditRetentionDays,
      clock: systemClock,
    }),
    sts: createStsCredentialIssuer({}),
    s3: createS3ObjectProbe({ forcePathStyle: config.s3ForcePathStyle }),
    clock: systemClock,
    ids: randomIds,
    settings: { gatewayPrincipalArn: config.gatewayPrincipalArn, oidc: oidcSettings(config) },
  };
}

let cached: VolumeHandlerDeps | undefined;

export function volumeDefaults(): VolumeHandlerDeps {
  if (cached) return cached;
  const http = httpDefaults();
  cached = { ...http, volumes: buildVolumeDeps(http.config as Config) };
  return cached;
}
