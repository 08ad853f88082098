/**
 * The port between the gateway's own OIDC issuer (issue 14: `gateway-oidc` volumes) and the key that signs
 * for it. The gateway mints a short-lived token for each AssumeRoleWithWebIdentity call and publishes the
 * keys that verify those tokens at its JWKS; the private key lives in AWS KMS (RSA_2048, SIGN_VERIFY) and
 * never leaves it. Rotation: the JWKS carries the current key and, when configured, the previous one.
 */

/** The claims the caller chooses; the signer adds `iss`, `iat`, `nbf`, `exp` and a unique `jti`. */
export interface GatewayTokenClaims {
  /** `volume:<volumeId>`: what the customer's trust policy pins. */
  sub: string;
  /** The audience the customer's OIDC provider lists (default `sts.amazonaws.com`). */
  aud: string;
  /** At most 300 (five minutes). */
  lifetimeSeconds: number;
}

/** One public key as the JWKS publishes it (RFC 7517: `kty` RSA, `n`, `e`, `kid`, `alg` RS256, `use` sig). */
export interface GatewayJwk {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

export interface GatewayTokenSigner {
  /** The issuer URL every token names (`iss`) and the discovery document describes. */
  readonly issuer: string;
  /** A compact JWS (RS256, header `kid` = the current key's id) over the claims. */
  sign(claims: GatewayTokenClaims): Promise<string>;
  /** The current key first, then the previous one if configured. */
  jwks(): Promise<{ keys: GatewayJwk[] }>;
}
