/**
 * The dev issuer's well-known paths, in a module of their own: the local tools (`npm run token`, `npm run local-env`)
 * check the running stack's JWKS without loading the issuer and its OpenID provider (about 1 s of CPU a start).
 */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';
