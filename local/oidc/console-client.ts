/**
 * The web console as an OpenID Connect client of the dev issuer: a public client (no secret: it runs in the
 * browser) doing authorization code with PKCE S256, redirected back to its own root. Its client id is the `aud`
 * of the ID tokens it sends the API as bearer, so the local stack's OIDC_AUDIENCE lists it.
 */

export const CONSOLE_CLIENT_ID = 'volume-gateway-console';
/** The scopes the console asks for; `email` and `groups` put those claims in its ID token. */
export const CONSOLE_SCOPE = 'openid email groups';

/** A client the dev issuer signs users in for (public, code + PKCE S256). */
export interface DevClient {
  clientId: string;
  /** Where the issuer may send the user back with a code; exact match. */
  redirectUris: string[];
  /** Where end_session may send the user after signing out; exact match. */
  postLogoutRedirectUris?: string[];
  /** Shown on the login form. */
  name?: string;
}

/** The console served at `origin` (e.g. `http://127.0.0.1:3004`): redirected to, and signed out to, its root. */
export function consoleClient(origin: string): DevClient {
  const root = `${new URL(origin).origin}/`;
  return { clientId: CONSOLE_CLIENT_ID, redirectUris: [root], postLogoutRedirectUris: [root], name: 'Volume gateway console' };
}
