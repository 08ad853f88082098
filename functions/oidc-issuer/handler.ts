/**
 * `GET /.well-known/openid-configuration` and `GET /.well-known/jwks.json`: the gateway as an OpenID Connect issuer
 * (gateway-oidc volumes), no token needed. AWS IAM fetches both when STS verifies a gateway token, and caches them;
 * the discovery document changes only with the deployment, the JWKS at a key rotation (the previous key stays
 * published meanwhile), so an hour and five minutes of caching are safe.
 */
import { discoveryDocument } from '../../shared/auth/gateway-issuer';
import { NotFound } from '../../shared/errors';
import { publicHttpDefaults } from '../../shared/http/public-defaults';
import type { HttpDeps } from '../../shared/http/route';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { gatewayIssuerWiring, type IssuerWiring } from '../../shared/wiring/gateway-issuer';
import { onFirstCall } from '../../shared/wiring/lazy';
import { specs } from './specs';

export interface IssuerDeps extends HttpDeps {
  /** Absent: the deployment has no issuer, and both routes answer 404. */
  issuer?: Pick<IssuerWiring, 'settings' | 'signer'>;
}

const notConfigured = () =>
  new NotFound(
    'This deployment has no OpenID Connect issuer of its own (gateway-oidc volumes are not offered).',
    'GatewayIssuerNotConfigured',
  );

export const makeDiscovery = (deps: IssuerDeps) =>
  route<undefined, undefined>(specs.discovery, () => {
    if (!deps.issuer) throw notConfigured();
    return ok(discoveryDocument(deps.issuer.settings.issuer), 200, { 'cache-control': 'public, max-age=3600' });
  })(deps);

export const makeJwks = (deps: IssuerDeps) =>
  route<undefined, undefined>(specs.jwks, async () => {
    if (!deps.issuer) throw notConfigured();
    return ok(await (await deps.issuer.signer()).jwks(), 200, { 'cache-control': 'public, max-age=300' });
  })(deps);

/** The public routes' logger and CORS, plus the issuer when the deployment has one. */
function issuerDefaults(): IssuerDeps {
  const issuer = gatewayIssuerWiring();
  return { ...publicHttpDefaults(), ...(issuer ? { issuer } : {}) };
}

export const discovery = onFirstCall(() => makeDiscovery(issuerDefaults()));
export const jwks = onFirstCall(() => makeJwks(issuerDefaults()));
