/**
 * A development OIDC issuer: publishes a discovery document and a JWKS over plain HTTP on loopback,
 * and signs tokens with the key persisted under the local data dir. The service verifies its tokens
 * exactly as it would a real identity provider's (with JWKS_ALLOW_HTTP_LOOPBACK=true).
 */
import { generateKeyPair, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { delay, type FaultInjector, faultAnswer } from '../aws/faults';
import { loadOrCreateSigningKey, type SigningKey, signToken } from './token';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';

export interface DevIssuerOptions {
  /** A loopback address; anything else is refused. */
  host?: string;
  /** 0 picks a free port; the issuer URL names the real one. */
  port: number;
  /** The local data dir; the key lives in `<dataDir>/oidc/signing-key.json`. */
  dataDir: string;
  /** The audience tokens are signed for unless `sign` is told otherwise. */
  audience: string;
  /** The clock `sign` uses when not given a time. */
  now?: () => Date;
  /** Faults for the JWKS route (target `jwks`, action the HTTP method). */
  faults?: FaultInjector;
}

/** The claims a caller chooses; any other member is signed as an extra claim. */
export interface DevClaims {
  sub: string;
  email?: string;
  groups?: string[];
  amr?: string[];
  [claim: string]: unknown;
}

export interface DevSignOptions {
  ttlSeconds?: number;
  now?: Date;
  audience?: string | string[];
  issuer?: string;
}

export interface DevIssuer {
  /** `http://127.0.0.1:PORT`, no trailing slash: the `iss` of every token and `OIDC_ISSUER` for the service. */
  issuer: string;
  jwksUri: string;
  audience: string;
  port: number;
  /** The kid `sign` signs with now. */
  readonly kid: string;
  sign(claims: DevClaims, options?: DevSignOptions): string;
  /**
   * A key rotation: a new key (kept in memory only) is published next to the old ones and signs from now on.
   * Resolves with its kid.
   */
  rotate(): Promise<string>;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/** A fresh signing key for a rotation, held in memory (the persisted key stays the one a restart signs with). */
async function freshKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = `rotated-${randomUUID()}`;
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: String(jwk.n), e: String(jwk.e), kid, alg: 'RS256', use: 'sig' } };
}

function documents(issuer: string, keys: SigningKey[]): Record<string, unknown> {
  return {
    [DISCOVERY_PATH]: {
      issuer,
      jwks_uri: `${issuer}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      response_types_supported: ['id_token'],
      claims_supported: ['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti', 'email', 'groups', 'amr'],
    },
    [JWKS_PATH]: { keys: keys.map((k) => k.publicJwk) },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`The dev OIDC issuer could not listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error })),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const { host = '127.0.0.1', port, dataDir, audience, now = () => new Date(), faults } = options;
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`The dev OIDC issuer serves plain HTTP, so only on loopback (got host "${host}")`);
  const keys = [await loadOrCreateSigningKey(dataDir)];
  let key = keys[0]!;
  let served: Record<string, unknown> = {};
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://issuer').pathname;
    if (!Object.hasOwn(served, path)) return send(response, 404, { code: 'NotFound', message: `No such document: ${path}` });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, { code: 'MethodNotAllowed', message: 'Use GET.' }, { allow: 'GET, HEAD' });
    }
    const fault = path === JWKS_PATH ? faults?.take('jwks', request.method) : undefined;
    if (fault?.kind === 'down' || fault?.kind === 'reset-mid-body') return void request.socket.destroy();
    if (fault?.kind === 'throttle' || fault?.kind === 'fail') {
      const { status, code, message } = faultAnswer('jwks', fault);
      return send(response, status, { code, message }, fault.kind === 'throttle' ? { 'retry-after': '1' } : {});
    }
    if (fault?.kind === 'slow') return void delay(fault.delayMs).then(() => send(response, 200, served[path]));
    send(response, 200, served[path]);
  });
  const realPort = await listen(server, host, port);
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${realPort}`;
  served = documents(issuer, keys);
  return {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    audience,
    port: realPort,
    get kid() {
      return key.kid;
    },
    rotate: async () => {
      key = await freshKey();
      keys.push(key);
      served = documents(issuer, keys);
      return key.kid;
    },
    sign: ({ sub, email, groups, amr, ...extraClaims }, signOptions = {}) =>
      signToken({
        privateKey: key.privateKey,
        kid: key.kid,
        issuer: signOptions.issuer ?? issuer,
        audience: signOptions.audience ?? audience,
        sub,
        ...(email !== undefined ? { email } : {}),
        ...(groups !== undefined ? { groups } : {}),
        ...(amr !== undefined ? { amr } : {}),
        ...(signOptions.ttlSeconds !== undefined ? { ttlSeconds: signOptions.ttlSeconds } : {}),
        now: signOptions.now ?? now(),
        extraClaims,
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
