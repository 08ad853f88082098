/**
 * A development OIDC issuer: publishes a discovery document and a JWKS over plain HTTP on loopback,
 * and signs tokens with the key persisted under the local data dir. The service verifies its tokens
 * exactly as it would a real identity provider's (with JWKS_ALLOW_HTTP_LOOPBACK=true).
 *
 * Two ways to a token: `sign` (the tests, `npm run token`), and a real sign-in (authorization code + PKCE) through
 * an OpenID provider (oidc-provider, local/oidc/provider.ts) on the same server, with a login form where you type
 * who you are (local/oidc/interactions.ts). Both sign with the persisted key, so one JWKS verifies both.
 */
import { generateKeyPair, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Provider } from 'oidc-provider';
import { delay, type FaultInjector, faultAnswer } from '../aws/faults';
import type { DevClient } from './console-client';
import { interactionHandler } from './interactions';
import { memoryAdapterFactory } from './memory-adapter';
import { clientOrigins, createDevProvider, type DevAccount, newCookieKeys, PROVIDER_ROUTES } from './provider';
import { loadOrCreateSigningKey, privateSigningJwk, type SigningKey, signToken } from './token';
import { DISCOVERY_PATH, JWKS_PATH } from './well-known';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export { DISCOVERY_PATH, JWKS_PATH };

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
  /** The clients users sign in to (public, code + PKCE S256), e.g. `[consoleClient(origin)]`; more with `registerClient`. */
  clients?: DevClient[];
  /** Where the sign-in side's unexpected failures are told (one line, no stack); stderr when absent. */
  onError?: (message: string) => void;
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
   * A key rotation for `sign`: a new key (kept in memory only) is published next to the old ones and signs `sign`'s
   * tokens from now on. Resolves with its kid. Sign-in (the OpenID provider) keeps signing with the persisted key,
   * which stays published.
   */
  rotate(): Promise<string>;
  /**
   * Registers a client users can sign in to (replacing one of the same id): for a client whose address is only known
   * once it listens, e.g. the console on port 0.
   */
  registerClient(client: DevClient): void;
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

/** The JWKS, with the JWKS route's faults (the discovery document is the provider's, see provider.ts). */
function serveJwks(request: IncomingMessage, response: ServerResponse, jwks: unknown, faults: FaultInjector | undefined) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, { code: 'MethodNotAllowed', message: 'Use GET.' }, { allow: 'GET, HEAD' });
  }
  const fault = faults?.take('jwks', request.method);
  if (fault?.kind === 'down' || fault?.kind === 'reset-mid-body') return void request.socket.destroy();
  if (fault?.kind === 'throttle' || fault?.kind === 'fail') {
    const { status, code, message } = faultAnswer('jwks', fault);
    return send(response, status, { code, message }, fault.kind === 'throttle' ? { 'retry-after': '1' } : {});
  }
  if (fault?.kind === 'slow') return void delay(fault.delayMs).then(() => send(response, 200, jwks));
  send(response, 200, jwks);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`The dev OIDC issuer could not listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error })),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The provider's paths: its discovery document and its routes, with what lies below them (`/auth/{uid}`, ...). */
const isProviderPath = (path: string): boolean =>
  path === DISCOVERY_PATH || Object.values(PROVIDER_ROUTES).some((route) => path === route || path.startsWith(`${route}/`));

export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const { host = '127.0.0.1', port, dataDir, audience, now = () => new Date(), faults } = options;
  const onError = options.onError ?? ((message: string) => void process.stderr.write(`${message}\n`));
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`The dev OIDC issuer serves plain HTTP, so only on loopback (got host "${host}")`);
  const keys = [await loadOrCreateSigningKey(dataDir)];
  let key = keys[0]!;
  const jwks = () => ({ keys: keys.map((k) => k.publicJwk) });
  // Sign-in state, kept across provider rebuilds (registerClient) and lost on restart: sessions live in memory.
  const clients = new Map((options.clients ?? []).map((client) => [client.clientId, client]));
  const accounts = new Map<string, DevAccount>();
  const adapter = memoryAdapterFactory();
  const cookieKeys = newCookieKeys();
  let provider: Provider | undefined;
  let callback: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  let allowedOrigins = new Set<string>();
  const interactions = interactionHandler({
    provider: () => provider!,
    accounts,
    clientName: (clientId) => clients.get(clientId)?.name ?? clientId,
    onError,
  });
  const toProvider = (request: IncomingMessage, response: ServerResponse, path: string) => {
    if (path === DISCOVERY_PATH && !['GET', 'HEAD', 'OPTIONS'].includes(request.method ?? '')) {
      return send(response, 405, { code: 'MethodNotAllowed', message: 'Use GET.' }, { allow: 'GET, HEAD' });
    }
    // A preflight from an origin no client redirects to gets no CORS headers (oidc-provider would allow any preflight).
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && path !== DISCOVERY_PATH && origin && !allowedOrigins.has(origin)) {
      response.writeHead(204, { vary: 'Origin' }).end();
      return;
    }
    callback!(request, response);
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://issuer').pathname;
    if (path === JWKS_PATH) return serveJwks(request, response, jwks(), faults);
    if (isProviderPath(path)) return toProvider(request, response, path);
    void interactions(request, response, path).then((answered) => {
      if (!answered) send(response, 404, { code: 'NotFound', message: `No such document: ${path}` });
    });
  });
  const realPort = await listen(server, host, port);
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${realPort}`;
  // The provider signs with the persisted key only: a rotation (below) is for `sign`, and its JWKS is ours (JWKS_PATH).
  const signingJwk = privateSigningJwk(keys[0]!);
  const build = () => {
    provider = createDevProvider({
      issuer,
      signingJwk,
      jwksPath: JWKS_PATH,
      clients: [...clients.values()],
      accounts,
      adapter,
      cookieKeys,
      onError,
    });
    callback = provider.callback();
    allowedOrigins = clientOrigins([...clients.values()]);
  };
  build();
  return {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    audience,
    port: realPort,
    get kid() {
      return key.kid;
    },
    registerClient: (client) => {
      clients.set(client.clientId, client);
      build();
    },
    rotate: async () => {
      key = await freshKey();
      keys.push(key);
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
