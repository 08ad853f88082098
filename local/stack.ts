/**
 * The whole local stack in one process, on loopback only: the AWS endpoint (DynamoDB, S3, IAM, STS, KMS),
 * the development OIDC issuer, the HTTP API, the proxy's function URL and its Node front (the container
 * deployment's server), wired like a deployment:
 * the handlers get the environment serverless.yml gives them and run as a session of the platform
 * role, fetched from a container-credentials endpoint as on AWS. `npm start` and the tests use it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildConsole } from '../console/build';
import type { ConsoleConfig } from '../console/src/config-shape';
import { startNodeProxy } from '../containers/node-proxy/server';
import { createLogger, type Logger } from '../shared/log';
import { type LocalServer, startApiServer } from './api-server';
import { type LocalAuditStream, startLocalAuditStream } from './audit-stream';
import { ensureTables } from './aws/dynamodb/bootstrap';
import { createDynamoService, type DynamoService } from './aws/dynamodb/service';
import { FaultInjector } from './aws/faults';
import { createAuthorizer } from './aws/iam/authorizer';
import { PLATFORM_ACCOUNT_ID, type SeededAccounts, seedLocalAccounts } from './aws/iam/seed';
import { createIamService } from './aws/iam/service';
import { IamStore } from './aws/iam/store';
import { deployKmsKeys } from './aws/kms/deployed-keys';
import { createKmsService } from './aws/kms/service';
import { KmsStore } from './aws/kms/store';
import { createS3Service } from './aws/s3';
import { startAwsEndpoint } from './aws/server';
import { createStsService } from './aws/sts/service';
import { startConsoleServer } from './console-server';
import type { FunctionUrlModel } from './function-url-model';
import { startFunctionUrlServer } from './function-url-server';
import { CONSOLE_CLIENT_ID, consoleClient } from './oidc/console-client';
import { type DevIssuer, startDevIssuer } from './oidc/issuer';
import { loadServerlessModel, localEnvironment, localRolePolicy } from './serverless-model';

export interface StackPorts {
  api: number;
  proxy: number;
  aws: number;
  oidc: number;
  /** The proxy's Node front (containers; no Lambda size limits). */
  nodeProxy: number;
  /** The web console (console/), when `StackOptions.console` asks for it. */
  console: number;
}

export interface StackOptions {
  dataDir: string;
  /** Project root (where serverless.yml and functions/ are). */
  root?: string;
  host?: string;
  /** 0 picks a free port. */
  ports?: Partial<StackPorts>;
  region?: string;
  audience?: string;
  corsAllowedOrigins?: string;
  log?: Logger;
  /** How often expired DynamoDB items are swept (TTL). */
  ttlSweepMs?: number;
  /** The local AWS's clock (signatures, credential expiry, STS); tests move it to expire credentials. */
  now?: () => Date;
  /** Faults the local AWS and the issuer's JWKS answer with (one is made when absent; see `Stack.faults`). */
  faults?: FaultInjector;
  /** What the local function URL does, as AWS's does by default (npm start sets it from `FUNCTION_URL_MODEL`). */
  functionUrl?: FunctionUrlModel;
  /**
   * Ship the functions' audit stream to the audit table, as the subscription filter does at AWS (true when absent).
   * The benchmarks turn it off: at AWS the shipping runs in another function, not on the measured one's CPU.
   */
  shipAudit?: boolean;
  /** Build the web console and serve it on `ports.console` (npm start does; tests that drive it in Chromium do). */
  console?: boolean;
  /** The console's origin the dev issuer registers as a redirect URI when the stack serves none itself. */
  consoleOrigin?: string;
}

/** What `.local/stack.json` says: everything a user or a test needs to reach the stack. */
export interface StackInfo {
  apiUrl: string;
  /** The proxy behind the local function URL (Lambda's limits: 6 MB requests, 200 MB streamed responses). */
  proxyUrl: string;
  /** The same proxy behind its Node front (no such limits); the PROXY_PUBLIC_URL the Nextflow config names. */
  nodeProxyUrl: string;
  awsEndpoint: string;
  region: string;
  issuer: string;
  audience: string;
  /** The web console, when the stack serves it. */
  consoleUrl?: string;
  /** The principal the service runs as (a role in the platform account); customers' trust policies name it. */
  gatewayPrincipalArn: string;
  customers: Array<{ accountId: string; accessKeyId: string; secretAccessKey: string }>;
}

export interface Stack {
  info: StackInfo;
  iam: IamStore;
  accounts: SeededAccounts;
  dynamo: DynamoService;
  issuer: DevIssuer;
  /** Fault injection for the local AWS (STS, DynamoDB, S3, IAM) and the JWKS; also `POST /_local/faults`. */
  faults: FaultInjector;
  /** The audit stream's local shipper: `settled()` resolves once every audit line written so far is in the table. */
  auditStream?: LocalAuditStream;
  close(): Promise<void>;
}

export const DEFAULT_PORTS: StackPorts = { api: 3000, proxy: 3001, aws: 4566, oidc: 3002, nodeProxy: 3003, console: 3004 };

export const DEFAULT_AUDIENCE = 'volume-gateway-local';
/** serverless.yml's GATEWAY_ISSUER_URL: the HTTP API's own URL at AWS. */
const GATEWAY_ISSUER_INTRINSIC = JSON.stringify({
  'Fn::Join': ['', ['https://', { Ref: 'HttpApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
});
const SERVICE_SESSION_NAME = 'volume-gateway-local';

/** Credentials the SDK must not find before the container endpoint: the developer's own AWS setup. */
const FOREIGN_AWS_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

/** The local deployment's access-key master key: random once, kept with the data (as a deployment keeps it in a secret store). */
function localMasterKey(dataDir: string): string {
  const file = join(dataDir, 'access-key-master.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/** The API's CORS origins plus the console's, which calls it from the browser (as serverless.yml adds the distribution's). */
function withConsoleOrigin(origins: string, consoleOrigin: string | undefined): string {
  const list = origins.split(',').map((origin) => origin.trim());
  return !consoleOrigin || list.includes('*') || list.includes(consoleOrigin)
    ? origins
    : [...list.filter(Boolean), consoleOrigin].join(',');
}

export function writeStackInfo(dataDir: string, info: StackInfo): string {
  const file = join(dataDir, 'stack.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return file;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const root = resolve(options.root ?? process.cwd());
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? createLogger({ component: 'local-stack' });
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  mkdirSync(dataDir, { recursive: true });

  const model = loadServerlessModel(join(root, 'serverless.yml'), { stage: 'local', region });
  const now = options.now ?? (() => new Date());
  const iam = IamStore.open({ dataDir: join(dataDir, 'iam'), now });
  const kmsStore = KmsStore.open({ dataDir: join(dataDir, 'kms') });
  // serverless.yml's KMS keys, as a deploy makes them (once: the data directory keeps them); the role's grants name them.
  deployKmsKeys(kmsStore, model.kmsKeys ?? [], { accountId: PLATFORM_ACCOUNT_ID, region, now: now() });
  // The service's own role gets exactly the IAM statements serverless.yml deploys, so least privilege is exercised locally.
  const accounts = seedLocalAccounts(iam, { platformPolicy: localRolePolicy(model, PLATFORM_ACCOUNT_ID) });
  const authorize = createAuthorizer({ store: iam, now });
  const dynamo = await createDynamoService({ dataDir, authorize, platformAccountId: accounts.platform.accountId, region, now });
  const s3 = createS3Service({
    dataDir: join(dataDir, 's3'),
    region,
    authorize,
    now,
    log: (message, error) => log.error(message, { error }),
  });
  const sts = createStsService({ store: iam, authorize, now });
  const iamService = createIamService({ store: iam, authorize, now });
  const kms = createKmsService({ store: kmsStore, authorize, now });

  const faults = options.faults ?? new FaultInjector();
  const credentialsToken = randomBytes(24).toString('hex');
  const masterKey = localMasterKey(dataDir);
  const servers: LocalServer[] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    // The console listens first: the dev issuer registers its origin as the console client's redirect URI.
    let consoleConfig: ConsoleConfig | undefined;
    let consoleConnect: string[] = [];
    const consoleServer = options.console
      ? await startConsoleServer({
          host,
          port: ports.console,
          dir: (await buildConsole({ outdir: join(dataDir, 'console') })).outdir,
          config: () => consoleConfig,
          connectOrigins: () => consoleConnect,
        })
      : undefined;
    if (consoleServer) closers.push(() => consoleServer.close());
    // The console client's redirect URI at the dev issuer is its origin's root (sign-in comes back there).
    const consoleOrigin =
      consoleServer?.url ?? options.consoleOrigin ?? `http://${host.includes(':') ? `[${host}]` : host}:${DEFAULT_PORTS.console}`;
    const clients = [consoleClient(consoleOrigin)];
    const onError = (message: string) => log.error(message);
    const issuer = await startDevIssuer({ host, port: ports.oidc, dataDir, audience, faults, clients, onError });
    closers.push(() => issuer.close());
    const aws = await startAwsEndpoint({
      host,
      port: ports.aws,
      region,
      credentials: iam,
      services: { s3, sts, iam: iamService, dynamodb: dynamo, kms },
      now,
      log,
      faults,
      localRoutes: {
        // The container-credentials endpoint the SDK's default chain reads on ECS/Lambda-like hosts.
        '/_local/credentials/gateway': (request, response) => {
          if (request.headers.authorization !== credentialsToken) {
            response.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"forbidden"}');
            return;
          }
          const session = accounts.mintRoleSession(accounts.platform.roleArn, { sessionName: SERVICE_SESSION_NAME, durationSeconds: 3600 });
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              AccessKeyId: session.accessKeyId,
              SecretAccessKey: session.secretAccessKey,
              Token: session.sessionToken,
              Expiration: session.expiration.toISOString(),
            }),
          );
        },
      },
    });
    servers.push(aws);
    await ensureTables(dynamo, model.tables);

    for (const name of FOREIGN_AWS_ENV) delete process.env[name];
    // GATEWAY_ISSUER_URL is the API's URL, known once its server listens: set just below it.
    const intrinsics = {
      'GetAtt:IamRoleLambdaExecution.Arn': accounts.platform.roleArn,
      [GATEWAY_ISSUER_INTRINSIC]: '',
      // The console's CloudFront domain, which CORS_ALLOWED_ORIGINS adds at AWS; the local console's origin is added below.
      'GetAtt:ConsoleDistribution.DomainName': '',
    };
    Object.assign(process.env, localEnvironment(model, intrinsics), {
      AWS_REGION: region,
      AWS_ENDPOINT_URL: aws.url,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${aws.url}/_local/credentials/gateway`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: credentialsToken,
      AWS_EC2_METADATA_DISABLED: 'true',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: issuer.issuer,
      // `npm run token`'s audience, and the console's ID tokens (their aud is its client id).
      OIDC_AUDIENCE: `${audience},${CONSOLE_CLIENT_ID}`,
      OIDC_JWKS_URI: issuer.jwksUri,
      JWKS_ALLOW_HTTP_LOOPBACK: 'true',
      S3_FORCE_PATH_STYLE: 'true',
      ACCESS_KEY_MASTER_KEY: masterKey,
      // The local IAM does not check thumbprints; customers' commands still need one.
      OIDC_THUMBPRINTS: '0000000000000000000000000000000000000000',
      CORS_ALLOWED_ORIGINS: withConsoleOrigin(options.corsAllowedOrigins ?? process.env.CORS_ALLOWED_ORIGINS ?? '*', consoleServer?.url),
    });

    const auditStream =
      options.shipAudit === false
        ? undefined
        : startLocalAuditStream({
            tableName: process.env.AUDIT_TABLE!,
            retentionDays: Number(process.env.AUDIT_RETENTION_DAYS ?? 365),
            log,
          });
    if (auditStream) closers.push(() => auditStream.close());

    servers.push(await startApiServer({ root, model, host, port: ports.api, log }));
    // The gateway's own OIDC issuer is the API (gateway-oidc volumes): loopback http, as the dev issuer is.
    process.env.GATEWAY_ISSUER_URL = servers[1]!.url;
    process.env.GATEWAY_ISSUER_THUMBPRINTS = '0000000000000000000000000000000000000000';
    const proxyFn = model.functions.find((fn) => fn.url);
    if (!proxyFn) throw new Error('serverless.yml declares no function with a url (the S3 proxy)');
    servers.push(
      await startFunctionUrlServer({
        root,
        model,
        fn: proxyFn,
        host,
        port: ports.proxy,
        log,
        ...(options.functionUrl ? { behaviour: options.functionUrl } : {}),
      }),
    );
    // The Node front loads and builds its proxy at its first request, from the environment completed just below
    // (loaded lazily like the functions: the AWS SDK must not load before a streaming handler has found `awslambda`).
    const nodeProxy = await startNodeProxy({
      host,
      port: ports.nodeProxy,
      proxy: async () => (await import('../shared/wiring/proxy')).proxyDefaults().proxy,
    });
    servers.push({ url: nodeProxy.url, server: nodeProxy.server, close: () => nodeProxy.close(0) });
    // Nextflow configs name the Node front: Nextflow uploads files whole up to 100 MB, which no function URL carries.
    process.env.PROXY_PUBLIC_URL = nodeProxy.url;
    process.env.NODE_PROXY_PUBLIC_URL = nodeProxy.url;

    const sweep = setInterval(
      () => void dynamo.sweepExpired().catch((error: Error) => log.error('ttl sweep failed', { errorMessage: error.message })),
      options.ttlSweepMs ?? 5000,
    );
    sweep.unref();
    closers.push(async () => clearInterval(sweep));

    const info: StackInfo = {
      apiUrl: servers[1]!.url,
      proxyUrl: servers[2]!.url,
      nodeProxyUrl: servers[3]!.url,
      awsEndpoint: aws.url,
      region,
      issuer: issuer.issuer,
      audience,
      gatewayPrincipalArn: accounts.platform.roleArn,
      customers: accounts.customers.map(({ accountId, accessKeyId, secretAccessKey }) => ({ accountId, accessKeyId, secretAccessKey })),
    };
    if (consoleServer) {
      info.consoleUrl = consoleServer.url;
      consoleConfig = {
        apiUrl: info.apiUrl,
        oidc: { issuer: issuer.issuer, clientId: CONSOLE_CLIENT_ID, scope: 'openid email groups' },
        proxyUrl: info.proxyUrl,
        nodeProxyUrl: info.nodeProxyUrl,
      };
      // Presigned uploads and downloads go to the local AWS's S3 endpoint.
      consoleConnect = [info.apiUrl, issuer.issuer, aws.url];
    }
    writeStackInfo(dataDir, info);
    return {
      info,
      iam,
      accounts,
      dynamo,
      issuer,
      faults,
      ...(auditStream ? { auditStream } : {}),
      close: async () => {
        // First, while the local AWS still answers: the lines written so far reach the table.
        await auditStream?.close();
        for (const server of servers.reverse()) await server.close();
        for (const close of closers.reverse()) await close();
        await dynamo.close();
      },
    };
  } catch (error) {
    for (const server of servers.reverse()) await server.close();
    for (const close of closers.reverse()) await close();
    await dynamo.close();
    throw error;
  }
}
