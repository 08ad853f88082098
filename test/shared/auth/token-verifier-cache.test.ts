/**
 * The verifier keeps tokens that passed a full verification for a short while (lru-cache, keyed by the token's
 * hash), so a warm container checks a signature once per token, not per request. A token is only kept after a
 * full verification, and its exp is enforced on every request, cached or not. Which verifications are full is
 * seen from the JWKS cache the verifier is given: a full one asks it for the signing key.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signToken } from '../../../local/oidc/token';
import { createTokenVerifier, type TokenVerifierOptions } from '../../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../../shared/config';
import { Unauthenticated } from '../../../shared/errors';

const ISSUER = 'https://issuer.example.org';
const AUDIENCE = 'volume-gateway-test';
const KID = 'cache-test-key';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A verifier and the number of times it has looked a signing key up (once per full verification). */
function verifierWith(options: Omit<TokenVerifierOptions, 'jwksCache'> = {}) {
  const keys = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        throw new Error(`the test must not fetch ${uri}`);
      },
    },
  });
  keys.addJwks(`${ISSUER}/jwks.json`, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' } as never] });
  const lookups = { count: 0 };
  const jwksCache: JwksCache = {
    getJwk: (...args) => {
      lookups.count++;
      return keys.getJwk(...args);
    },
    getCachedJwk: (...args) => {
      lookups.count++;
      return keys.getCachedJwk(...args);
    },
    addJwks: (...args) => keys.addJwks(...args),
    getJwks: (...args) => keys.getJwks(...args),
  };
  const auth = loadAuthConfig({
    AUTH_MODE: 'oidc',
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_JWKS_URI: `${ISSUER}/jwks.json`,
    AWS_REGION: 'us-east-1',
  });
  return { verifier: createTokenVerifier(auth, { ...options, jwksCache }), lookups };
}

const token = (ttlSeconds = 3600, claims: Record<string, unknown> = {}) =>
  signToken({
    privateKey,
    kid: KID,
    issuer: ISSUER,
    audience: AUDIENCE,
    sub: 'alice',
    groups: ['lab-a'],
    ttlSeconds,
    now: new Date(),
    extraClaims: claims,
  });

async function refusalCode(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => new Error('expected a refusal, but the token was accepted'),
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(Unauthenticated);
  return (error as Unauthenticated).code;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('verified tokens', () => {
  it('are verified in full once, then served from the cache with the same identity', async () => {
    const { verifier, lookups } = verifierWith();
    const jwt = token();
    const first = await verifier.verify(jwt);
    const full = lookups.count;
    expect(full).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(await verifier.verify(jwt)).toEqual(first);
    expect(lookups.count).toBe(full);
  });

  it('hand each request its own copy: changing one identity does not change the next', async () => {
    const { verifier } = verifierWith();
    const jwt = token();
    const first = await verifier.verify(jwt);
    first.groups.push('lab-admins');
    first.expiresAt.setFullYear(2100);
    const second = await verifier.verify(jwt);
    expect(second.groups).toEqual(['lab-a']);
    expect(second.expiresAt.getFullYear()).toBeLessThan(2100);
    expect(second.token).toBe(jwt);
  });

  it('are refused as expired once past exp, even while cached', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const { verifier } = verifierWith({ verifiedTokens: { max: 10, ttlMs: 3_600_000 } });
    const jwt = token(120);
    await verifier.verify(jwt);
    vi.setSystemTime(Date.now() + 121_000);
    expect(await refusalCode(verifier.verify(jwt))).toBe('TokenExpired');
  });

  it('are verified in full again after the cache lifetime', async () => {
    const { verifier, lookups } = verifierWith({ verifiedTokens: { max: 10, ttlMs: 30 } });
    const jwt = token();
    await verifier.verify(jwt);
    const full = lookups.count;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await verifier.verify(jwt);
    expect(lookups.count).toBeGreaterThan(full);
  });

  it('are not kept at all with max 0', async () => {
    const { verifier, lookups } = verifierWith({ verifiedTokens: { max: 0, ttlMs: 60_000 } });
    const jwt = token();
    await verifier.verify(jwt);
    const full = lookups.count;
    await verifier.verify(jwt);
    expect(lookups.count).toBe(2 * full);
  });
});

describe('a token that fails verification', () => {
  it('is never cached: refused in full on every request, even after the genuine token was accepted', async () => {
    const { verifier, lookups } = verifierWith();
    const jwt = token();
    await verifier.verify(jwt);
    const [header, payload] = jwt.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (let i = 1; i <= 3; i++) {
      const before = lookups.count;
      expect(await refusalCode(verifier.verify(forged))).toBe('InvalidSignature');
      expect(lookups.count).toBeGreaterThan(before);
    }
  });

  it('is refused on every request when its claims are wrong (another audience)', async () => {
    const { verifier } = verifierWith();
    const jwt = token(3600, { aud: 'another-app' });
    for (let i = 0; i < 3; i++) expect(await refusalCode(verifier.verify(jwt))).toBe('WrongAudience');
  });
});
