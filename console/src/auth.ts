/**
 * Sign-in: OpenID Connect authorization code with PKCE (oauth4webapi), against the issuer in config.json. The ID
 * token is the API's bearer (its audience is the console's client id, which the API's OIDC_AUDIENCE lists). It is
 * kept in sessionStorage: one tab's sign-in, gone when the tab closes, never in a cookie the API would take.
 */
import * as oauth from 'oauth4webapi';
import { config } from './config';

export interface User {
  subject: string;
  email?: string;
  groups: string[];
  mfa: boolean;
  expiresAt: number;
}

const SESSION = 'volume-gateway-console.session';
const PENDING = 'volume-gateway-console.pending';

interface Session {
  idToken: string;
  user: User;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** Plain http is only for the local dev issuer on loopback; oauth4webapi refuses it unless told. */
function requestOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

let server: oauth.AuthorizationServer | undefined;

async function authorizationServer(): Promise<oauth.AuthorizationServer> {
  if (server) return server;
  const issuer = new URL(config().oidc.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(issuer) });
  server = await oauth.processDiscoveryResponse(issuer, response);
  return server;
}

const client = (): oauth.Client => ({ client_id: config().oidc.clientId });
const redirectUri = () => `${location.origin}/`;

function read<T>(key: string): T | undefined {
  const raw = sessionStorage.getItem(key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    sessionStorage.removeItem(key);
    return undefined;
  }
}

/** The signed-in user, or undefined when nobody is or the token has expired. */
export function currentUser(): User | undefined {
  const session = read<Session>(SESSION);
  if (!session || session.user.expiresAt <= Date.now() + 10_000) return undefined;
  return session.user;
}

export function idToken(): string | undefined {
  return currentUser() ? read<Session>(SESSION)?.idToken : undefined;
}

/** Leaves for the issuer's sign-in page; after it the console comes back to `returnTo` (a hash route). */
export async function signIn(returnTo: string = location.hash || '#/volumes'): Promise<never> {
  const as = await authorizationServer();
  if (!as.authorization_endpoint) throw new Error('The identity provider publishes no authorization endpoint.');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config().oidc.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config().oidc.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
  return new Promise<never>(() => {});
}

/** True when the page was opened as the issuer's redirect (a `code` or an `error` in the query). */
export function isCallback(): boolean {
  const query = new URLSearchParams(location.search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

/**
 * Finishes a sign-in: checks the state, trades the code (with the PKCE verifier) for tokens, keeps the ID token
 * and returns the hash route to show. Throws with a message a person can act on.
 */
export async function completeSignIn(): Promise<string> {
  const pending = read<Pending>(PENDING);
  sessionStorage.removeItem(PENDING);
  const current = new URL(location.href);
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? '#/volumes'}`);
  if (!pending) throw new Error('This sign-in was not started from this tab (or was already used). Sign in again.');
  const as = await authorizationServer();
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client(), current, pending.state);
  } catch (error) {
    const described = error as { error?: unknown; cause?: { error_description?: string; error?: string } };
    const reason = described.cause?.error_description ?? described.cause?.error ?? (error as Error).message;
    throw new Error(`The identity provider did not sign you in: ${reason}`);
  }
  const issuer = new URL(config().oidc.issuer);
  const response = await oauth.authorizationCodeGrantRequest(as, client(), oauth.None(), params, redirectUri(), pending.verifier, {
    ...requestOptions(issuer),
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client(), response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  const amr = Array.isArray(claims.amr) ? (claims.amr as string[]) : [];
  const user: User = {
    subject: claims.sub,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups: Array.isArray(claims.groups) ? (claims.groups as string[]) : [],
    mfa: amr.includes('mfa'),
    expiresAt: claims.exp * 1000,
  };
  sessionStorage.setItem(SESSION, JSON.stringify({ idToken: result.id_token!, user } satisfies Session));
  return pending.returnTo;
}

/** Forgets the session here and ends it at the issuer when it can (RP-initiated logout). */
export async function signOut(): Promise<void> {
  const token = read<Session>(SESSION)?.idToken;
  sessionStorage.removeItem(SESSION);
  const as = await authorizationServer().catch(() => undefined);
  if (as?.end_session_endpoint && token) {
    const url = new URL(as.end_session_endpoint);
    url.search = new URLSearchParams({
      id_token_hint: token,
      post_logout_redirect_uri: redirectUri(),
      client_id: config().oidc.clientId,
    }).toString();
    location.assign(url.href);
    return;
  }
  location.assign(redirectUri());
}
