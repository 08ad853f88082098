/**
 * The dev issuer's OpenID provider (oidc-provider): authorization code + PKCE S256 for public clients, our own login
 * form as its interaction (local/oidc/interactions.ts), ID tokens signed with the issuer's persisted key so the one
 * JWKS verifies them and `npm run token`'s alike. State (sessions, codes, grants) lives in memory.
 */
import { randomBytes } from 'node:crypto';
import { type Adapter, type ClientMetadata, Provider, type ProviderContext } from 'oidc-provider';
import type { DevClient } from './console-client';
import { logoutPage, messagePage, PAGE_CSP } from './login-page';

/** The claims a signed-in subject typed on the login form (the subject is the account id). */
export interface DevAccount {
  email?: string;
  groups: string[];
}

/** The provider's endpoints on the issuer's server (its discovery document names them). */
export const PROVIDER_ROUTES = {
  authorization: '/auth',
  token: '/token',
  end_session: '/session/end',
  userinfo: '/me',
} as const;

/** Every claim the dev issuer's tokens may carry (both kinds), for the discovery document's claims_supported. */
const CLAIMS_SUPPORTED = ['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti', 'email', 'groups', 'amr', 'auth_time', 'sid'];

export interface DevProviderOptions {
  issuer: string;
  /** The private signing JWK (the persisted key; see privateSigningJwk). */
  signingJwk: Record<string, unknown>;
  jwksPath: string;
  clients: DevClient[];
  accounts: Map<string, DevAccount>;
  /** Shared by every provider built for this issuer, so sessions outlive a client registered later. */
  adapter: (model: string) => Adapter;
  /** Signs the provider's cookies: random per issuer start, never in the repo. */
  cookieKeys: string[];
  onError: (message: string) => void;
}

export const newCookieKeys = (): string[] => [randomBytes(32).toString('base64url')];

const originOf = (uri: string): string | undefined => URL.parse(uri)?.origin;

function clientMetadata(client: DevClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: client.name ?? client.clientId,
    // A browser app; oidc-provider allows http redirect URIs for web clients doing the code flow (not implicit).
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
  };
}

/** The origins clients may call the token endpoint from: those of their redirect URIs. */
export const clientOrigins = (clients: DevClient[]): Set<string> =>
  new Set(clients.flatMap((client) => client.redirectUris.map(originOf).filter((origin): origin is string => Boolean(origin))));

function html(ctx: ProviderContext, body: string): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.body = body;
}

export function createDevProvider(options: DevProviderOptions): Provider {
  const { accounts } = options;
  const provider = new Provider(options.issuer, {
    clients: options.clients.map(clientMetadata),
    adapter: options.adapter,
    jwks: { keys: [options.signingJwk] },
    cookies: { keys: options.cookieKeys },
    routes: { ...PROVIDER_ROUTES, jwks: options.jwksPath },
    // amr rides with openid (it says how the user signed in); email and groups each with their own scope.
    claims: { openid: ['sub', 'amr'], email: ['email'], groups: ['groups'], auth_time: null, iss: null, sid: null },
    scopes: ['openid'],
    // The console sends its ID token to the API, so the scoped claims belong in it (not only at userinfo).
    conformIdTokenClaims: false,
    responseTypes: ['code', 'id_token'],
    clientAuthMethods: ['none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 12 * 3600, Grant: 12 * 3600 },
    features: {
      devInteractions: { enabled: false },
      // Not routed on the issuer's server (see PROVIDER_ROUTES), so not advertised either.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: ProviderContext, form: string) => html(ctx, logoutPage(form, ctx.host)),
        postLogoutSuccessSource: async (ctx: ProviderContext) =>
          html(ctx, messagePage('Signed out', 'You are signed out of the development issuer. You can close this page.')),
      },
    },
    interactions: { url: (_ctx: ProviderContext, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: () => {
        const account = accounts.get(sub);
        return { sub, ...(account?.email ? { email: account.email } : {}), groups: account?.groups ?? [] };
      },
    }),
    // Only a client's own origins (those of its redirect URIs) may call the token and userinfo endpoints from a browser.
    clientBasedCORS: (_ctx, origin, client) => origin !== 'null' && client.redirectUris.some((uri) => originOf(uri) === origin),
    renderError: async (ctx, out) => {
      const said = String(out.error_description ?? out.error ?? 'the request could not be completed');
      const reason = `${said.charAt(0).toUpperCase()}${said.slice(1)}${/[.!?]$/.test(said) ? '' : '.'}`;
      html(ctx, messagePage('Sign-in could not continue', `${reason} Go back to the application and sign in again.`));
    },
  });
  provider.on('server_error', (_ctx, error) => options.onError(`dev OIDC issuer: ${(error as Error)?.message ?? String(error)}`));
  // A post-middleware: the discovery document also lists the claims `sign` puts in tokens (as it did before sign-in).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'discovery' || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as { claims_supported?: string[] };
    body.claims_supported = [...new Set([...(body.claims_supported ?? []), ...CLAIMS_SUPPORTED])];
  });
  return provider;
}
