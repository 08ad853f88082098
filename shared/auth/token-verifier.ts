import { createHash } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import * as jwtErrors from 'aws-jwt-verify/error';
import { type JwksCache, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config';
import { DependencyUnavailable, Unauthenticated } from '../errors';
import { type Identity, identityFromClaims } from './identity';
import { createJwksFetcher } from './jwks-fetcher';

export interface TokenVerifier {
  /** Verifies a bearer token; resolves to the caller's identity or throws {@link Unauthenticated}. */
  verify(token: string): Promise<Identity>;
}

/** How each library error is explained to the caller. Order matters: subclasses before their parents. */
const explanations: Array<[abstract new (...args: never[]) => Error, string, string]> = [
  [jwtErrors.JwtExpiredError, 'TokenExpired', 'The token has expired; sign in again to get a new one.'],
  [
    jwtErrors.JwtNotBeforeError,
    'TokenNotYetValid',
    'The token is not valid yet (nbf is in the future); check the clock of the machine that issued it.',
  ],
  [jwtErrors.JwtInvalidIssuerError, 'WrongIssuer', 'The token was issued by an identity provider this service does not trust.'],
  [jwtErrors.JwtInvalidAudienceError, 'WrongAudience', 'The token was issued for another application (audience mismatch).'],
  [jwtErrors.CognitoJwtInvalidClientIdError, 'WrongAudience', 'The token was issued for another app client of the user pool.'],
  [
    jwtErrors.CognitoJwtInvalidTokenUseError,
    'WrongTokenUse',
    'The token is of the wrong kind (ID token versus access token) for this service.',
  ],
  [jwtErrors.JwtInvalidSignatureAlgorithmError, 'UnsupportedAlgorithm', 'The token is not signed with an accepted algorithm.'],
  [
    jwtErrors.JwtInvalidSignatureError,
    'InvalidSignature',
    'The token signature is not valid; the token was altered or not issued by the trusted provider.',
  ],
  [jwtErrors.KidNotFoundInJwksError, 'UnknownSigningKey', 'The token was signed with a key the identity provider does not publish.'],
  [jwtErrors.JwtWithoutValidKidError, 'UnknownSigningKey', 'The token names no usable signing key (kid).'],
  // After a miss the JWKS cache refuses to refetch for a while: the kid is just as unknown, so the same answer.
  [jwtErrors.WaitPeriodNotYetEndedJwkError, 'UnknownSigningKey', 'The token was signed with a key the identity provider does not publish.'],
  [jwtErrors.JwtInvalidClaimError, 'InvalidClaims', 'The token claims are not acceptable.'],
  [jwtErrors.JwtParseError, 'MalformedToken', 'The bearer token is not a well-formed JWT.'],
];

function explain(error: unknown): Error {
  if (error instanceof jwtErrors.FetchError || error instanceof jwtErrors.JwksValidationError) {
    return new DependencyUnavailable(
      'The identity provider’s signing keys could not be fetched; try again shortly.',
      'IdentityProviderUnavailable',
    );
  }
  // The Cognito verifier knows two issuer URLs per pool and looks the token's iss up among them: an iss
  // it does not know surfaces as a parameter error ("issuer not configured"), not as JwtInvalidIssuerError.
  if (error instanceof jwtErrors.ParameterValidationError && /^issuer /.test(error.message)) {
    return new Unauthenticated('WrongIssuer', 'The token was issued by an identity provider this service does not trust.');
  }
  for (const [type, code, message] of explanations) {
    if (error instanceof type) return new Unauthenticated(code, message);
  }
  // Unsigned "alg: none" tokens never get here: an empty signature is a MalformedToken, and a made-up one
  // fails the JWK's alg (UnsupportedAlgorithm) or names no kid (UnknownSigningKey).
  if (error instanceof jwtErrors.JwtBaseError) return new Unauthenticated('InvalidToken', 'The token could not be verified.');
  return error instanceof Error ? error : new Error(String(error));
}

export interface TokenVerifierOptions {
  /**
   * Where the signing keys come from. Leave unset in production: Cognito mode then uses the library's
   * HTTPS cache, OIDC mode one with the loopback-aware fetcher. Tests inject a cache they have filled.
   */
  jwksCache?: JwksCache;
  /**
   * Tokens that passed a full verification, kept so a warm container does not check the same signature on
   * every request: at most `max` (lru-cache), each for `ttlMs` and never past its `exp`, which is checked
   * again on every hit. `max: 0` turns it off. Default: 1,000 tokens for 60 s.
   */
  verifiedTokens?: { max: number; ttlMs: number };
}

type Verified = Omit<Identity, 'token'>;

/** Copies without the token, so that no caller can change what the next request of the same token gets. */
const snapshot = (identity: Verified): Verified => ({
  subject: identity.subject,
  issuer: identity.issuer,
  ...(identity.email !== undefined ? { email: identity.email } : {}),
  groups: [...identity.groups],
  authMethods: [...identity.authMethods],
  expiresAt: new Date(identity.expiresAt),
});

export function createTokenVerifier(auth: AuthConfig, options: TokenVerifierOptions = {}): TokenVerifier {
  const verifier =
    auth.mode === 'cognito'
      ? CognitoJwtVerifier.create(
          { userPoolId: auth.userPoolId, clientId: auth.clientId, tokenUse: auth.tokenUse },
          options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
        )
      : JwtVerifier.create(
          { issuer: auth.issuer, audience: auth.audience, jwksUri: auth.jwksUri },
          {
            jwksCache:
              options.jwksCache ?? new SimpleJwksCache({ fetcher: createJwksFetcher({ allowHttpLoopback: auth.allowHttpLoopbackJwks }) }),
          },
        );
  const { max, ttlMs } = options.verifiedTokens ?? { max: 1000, ttlMs: 60_000 };
  // Keyed by the token's SHA-256, so the cache holds no bearer token of its own.
  const verified = max > 0 ? new LRUCache<string, Verified>({ max }) : undefined;
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64');

  return {
    async verify(token) {
      const key = verified ? keyOf(token) : '';
      const hit = verified?.get(key);
      if (hit) {
        // Past its exp the token goes through the full verification again, which refuses it as expired.
        if (hit.expiresAt.getTime() > Date.now()) return { ...snapshot(hit), token };
        verified!.delete(key);
      }
      try {
        const claims = (await verifier.verify(token)) as Record<string, unknown>;
        if (typeof claims.sub !== 'string' || !claims.sub) {
          throw new Unauthenticated('InvalidClaims', 'The token has no subject (sub claim).');
        }
        // The library only checks exp when present; a token without one would never expire.
        if (typeof claims.exp !== 'number') {
          throw new Unauthenticated('InvalidClaims', 'The token has no expiry (exp claim).');
        }
        const identity = identityFromClaims(claims, token);
        const remainingMs = identity.expiresAt.getTime() - Date.now();
        if (verified && remainingMs > 0) verified.set(key, snapshot(identity), { ttl: Math.min(ttlMs, remainingMs) });
        return identity;
      } catch (error) {
        throw error instanceof Unauthenticated || error instanceof DependencyUnavailable ? error : explain(error);
      }
    },
  };
}
