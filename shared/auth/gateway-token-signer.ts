/**
 * The port between the gateway's own OIDC issuer (issue 14: `gateway-oidc` volumes) and the key that signs
 * for it. The gateway mints a short-lived token for each AssumeRoleWithWebIdentity call and publishes the
 * keys that verify those tokens at its JWKS; the private key lives in AWS KMS (RSA_2048, SIGN_VERIFY) and
 * never leaves it. Rotation: the JWKS carries the current key and, when configured, the previous one.
 */

/** The claims the caller chooses; the signer adds `iss`, `iat`, `nbf`, `exp`, a unique `jti`, and {@link awsSessionClaims}. */
export interface GatewayTokenClaims {
  /** `volume:<volumeId>`: what the customer's trust policy pins. */
  sub: string;
  /** The audience the customer's OIDC provider lists (default `sts.amazonaws.com`). */
  aud: string;
  /** At most 300 (five minutes). */
  lifetimeSeconds: number;
  /**
   * STS reads a session's SourceIdentity and tags from the token only (AssumeRoleWithWebIdentity has no such
   * parameters): the signer writes these under AWS's claim names, as {@link awsSessionClaims} gives them.
   */
  sourceIdentity?: string;
  sessionTags?: Record<string, string>;
}

/**
 * The payload entries AWS reads for the session: `https://aws.amazon.com/source_identity` and
 * `https://aws.amazon.com/tags` (`principal_tags`, each value a one-element list). Empty when neither is asked.
 */
export function awsSessionClaims(claims: Pick<GatewayTokenClaims, 'sourceIdentity' | 'sessionTags'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (claims.sourceIdentity !== undefined) out['https://aws.amazon.com/source_identity'] = claims.sourceIdentity;
  const tags = Object.entries(claims.sessionTags ?? {});
  if (tags.length > 0) {
    out['https://aws.amazon.com/tags'] = { principal_tags: Object.fromEntries(tags.map(([k, v]) => [k, [v]])) };
  }
  return out;
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
