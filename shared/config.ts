/**
 * The service's configuration, read from the environment once at cold start.
 * A missing or malformed variable fails the cold start with the variable's name, so a bad
 * deployment is caught on its first request, not on some later code path.
 */
export type AuthConfig =
  | {
      mode: 'oidc';
      issuer: string;
      audience: string[];
      jwksUri: string;
      /** Local development only: allow fetching the JWKS over plain HTTP from a loopback address. */
      allowHttpLoopbackJwks: boolean;
    }
  | { mode: 'cognito'; userPoolId: string; clientId: string[]; tokenUse: 'id' | 'access' };

export interface Config {
  stage: string;
  region: string;
  auth: AuthConfig;
  tables: {
    volumes: string;
    audit: string;
    accessKeys: string;
    /** LINKS_TABLE; absent = share links are off (503 `LinksNotConfigured`). */
    links?: string;
  };
  /** Derives gateway access keys' secrets; absent = access keys are not offered (a clear 503 says so). */
  accessKeyMasterKey?: string;
  /**
   * KMS keys (id, ARN or alias; never key material): the RSA key that signs the gateway's OIDC tokens
   * (`GATEWAY_SIGNING_KEY_ID`), the one it replaced, published until its tokens expire
   * (`GATEWAY_PREVIOUS_SIGNING_KEY_ID`), and the HMAC key new access keys' secrets are derived with (`ACCESS_KEY_MAC_KEY_ID`).
   */
  kms: { signingKeyId?: string; previousSigningKeyId?: string; accessKeyMacKeyId?: string };
  /** The role customers' trust policies name: the one this service runs as. */
  gatewayPrincipalArn: string;
  /** How long audit events are kept (DynamoDB TTL). */
  auditRetentionDays: number;
  /** Path-style S3 addressing (needed by S3-compatible endpoints such as the local stack's). */
  s3ForcePathStyle: boolean;
  /** Thumbprints customers register with our OIDC provider (web-identity volumes). */
  oidcThumbprints: string[];
  cors: { allowedOrigins: string[] };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, why = ''): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, `is not set${why ? ` (${why})` : ''}`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name]?.trim() || fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function httpsUrl(name: string, value: string, allowHttpLoopback: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL (got "${value}")`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(allowHttpLoopback && url.protocol === 'http:' && loopback)) {
    throw new ConfigError(name, `must be an https URL (got "${value}")`);
  }
  return value.replace(/\/$/, '');
}

/** The JWT settings alone (also used by tools and tests that need no tables). */
export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const mode = oneOf(env, 'AUTH_MODE', ['oidc', 'cognito'] as const, 'oidc');
  if (mode === 'cognito') {
    const userPoolId = required(env, 'COGNITO_USER_POOL_ID', 'required when AUTH_MODE=cognito');
    if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) {
      throw new ConfigError('COGNITO_USER_POOL_ID', `is not a user pool id like us-east-1_AbCdEf123 (got "${userPoolId}")`);
    }
    const clientId = list(required(env, 'COGNITO_CLIENT_ID', 'required when AUTH_MODE=cognito'));
    const tokenUse = oneOf(env, 'COGNITO_TOKEN_USE', ['id', 'access'] as const, 'access');
    return { mode, userPoolId, clientId, tokenUse };
  }
  const allowHttpLoopbackJwks = env.JWKS_ALLOW_HTTP_LOOPBACK === 'true';
  const issuer = httpsUrl('OIDC_ISSUER', required(env, 'OIDC_ISSUER', 'required when AUTH_MODE=oidc'), allowHttpLoopbackJwks);
  const audience = list(required(env, 'OIDC_AUDIENCE', 'required when AUTH_MODE=oidc'));
  const jwksUri = httpsUrl('OIDC_JWKS_URI', env.OIDC_JWKS_URI?.trim() || `${issuer}/.well-known/jwks.json`, allowHttpLoopbackJwks);
  return { mode, issuer, audience, jwksUri, allowHttpLoopbackJwks };
}

function roleArn(name: string, value: string): string {
  if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(value)) {
    throw new ConfigError(name, `must be an IAM role ARN like arn:aws:iam::123456789012:role/volume-gateway (got "${value}")`);
  }
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ConfigError(name, `must be a whole number of days, at least 1 (got "${raw}")`);
  return Number(raw);
}

function masterKey(value: string | undefined): { accessKeyMasterKey?: string } {
  const key = value?.trim();
  if (!key) return {};
  if (Buffer.byteLength(key) < 32)
    throw new ConfigError('ACCESS_KEY_MASTER_KEY', 'must be at least 32 bytes of randomness (e.g. openssl rand -base64 48)');
  return { accessKeyMasterKey: key };
}

const KMS_KEY_REF =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|arn:aws[\w-]*:kms:[\w-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+)$/;

/** The KMS key references the service is given; each names a key (never holds one). */
function kmsKeys(env: Env): Config['kms'] {
  const keys: Config['kms'] = {};
  for (const [name, field] of [
    ['GATEWAY_SIGNING_KEY_ID', 'signingKeyId'],
    ['GATEWAY_PREVIOUS_SIGNING_KEY_ID', 'previousSigningKeyId'],
    ['ACCESS_KEY_MAC_KEY_ID', 'accessKeyMacKeyId'],
  ] as const) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!KMS_KEY_REF.test(value)) throw new ConfigError(name, `must be a KMS key id, key ARN, alias name or alias ARN (got "${value}")`);
    keys[field] = value;
  }
  return keys;
}

function thumbprints(value: string | undefined): string[] {
  const items = list(value);
  const bad = items.find((item) => !/^[0-9a-fA-F]{40}$/.test(item));
  if (bad !== undefined)
    throw new ConfigError('OIDC_THUMBPRINTS', `must be 40-hex-digit SHA-1 thumbprints separated by commas (got "${bad}")`);
  return items;
}

/** What every API function reads, token or not: a public one (health, openapi, preflight) reads nothing else. */
export function loadHttpConfig(env: Env = process.env): Readonly<Pick<Config, 'stage' | 'cors' | 'logLevel'>> {
  return Object.freeze({
    stage: env.STAGE?.trim() || 'dev',
    cors: Object.freeze({ allowedOrigins: list(env.CORS_ALLOWED_ORIGINS) }),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  });
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  return Object.freeze({
    region: required(env, 'AWS_REGION', 'set by Lambda; set it yourself when running elsewhere'),
    auth: Object.freeze(loadAuthConfig(env)),
    tables: Object.freeze({
      volumes: required(env, 'VOLUMES_TABLE'),
      audit: required(env, 'AUDIT_TABLE'),
      accessKeys: required(env, 'ACCESS_KEYS_TABLE'),
      ...(env.LINKS_TABLE?.trim() ? { links: env.LINKS_TABLE.trim() } : {}),
    }),
    ...masterKey(env.ACCESS_KEY_MASTER_KEY),
    kms: Object.freeze(kmsKeys(env)),
    gatewayPrincipalArn: roleArn('GATEWAY_PRINCIPAL_ARN', required(env, 'GATEWAY_PRINCIPAL_ARN')),
    auditRetentionDays: positiveInteger(env, 'AUDIT_RETENTION_DAYS', 365),
    s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    oidcThumbprints: thumbprints(env.OIDC_THUMBPRINTS),
    ...loadHttpConfig(env),
  });
}
