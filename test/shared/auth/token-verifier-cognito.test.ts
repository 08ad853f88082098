import { generateKeyPairSync } from 'node:crypto';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../../local/oidc/token';
import { createTokenVerifier, type TokenVerifier } from '../../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../../shared/config';
import { Unauthenticated } from '../../../shared/errors';

// Cognito cannot be reached from here: the verifier gets a JWKS cache filled with a local key, and a
// fetcher that fails the test if the verifier ever tries to go to AWS.
const POOL = 'us-east-1_TEST';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const CLIENT = 'client-a';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'cognito-test-key';

let fetched: string[];

function verifierFor(tokenUse: 'id' | 'access'): TokenVerifier {
  const auth = loadAuthConfig({
    AUTH_MODE: 'cognito',
    COGNITO_USER_POOL_ID: POOL,
    COGNITO_CLIENT_ID: CLIENT,
    COGNITO_TOKEN_USE: tokenUse,
    AWS_REGION: 'us-east-1',
  });
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        fetched.push(uri);
        throw new Error(`the test must not fetch ${uri}`);
      },
    },
  });
  jwksCache.addJwks(`${ISSUER}/.well-known/jwks.json`, {
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' } as never],
  });
  return createTokenVerifier(auth, { jwksCache });
}

/** A Cognito-shaped access token: client_id and token_use, no aud. */
const accessToken = (claims: Record<string, unknown> = {}, issuer = ISSUER) =>
  signToken({
    privateKey,
    kid: KID,
    issuer,
    audience: CLIENT,
    sub: 'alice-uuid',
    now: new Date(),
    extraClaims: { aud: undefined, token_use: 'access', client_id: CLIENT, 'cognito:groups': ['lab-a'], ...claims },
  });

async function refusedWith(verifier: TokenVerifier, token: string): Promise<{ code: string; status: number }> {
  const error = await verifier.verify(token).then(
    () => new Error('expected a refusal, but the token was accepted'),
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(Unauthenticated);
  return { code: (error as Unauthenticated).code, status: (error as Unauthenticated).status };
}

beforeEach(() => {
  fetched = [];
});

describe('in cognito mode', () => {
  it('an access token for our app client is accepted, with its Cognito groups', async () => {
    const identity = await verifierFor('access').verify(accessToken());
    expect(identity).toMatchObject({ subject: 'alice-uuid', issuer: ISSUER, groups: ['lab-a'] });
    expect(fetched).toEqual([]);
  });

  it('an ID token whose aud is our app client is accepted when ID tokens are configured', async () => {
    const token = accessToken({ aud: CLIENT, client_id: undefined, token_use: 'id', email: 'alice@example.org' });
    await expect(verifierFor('id').verify(token)).resolves.toMatchObject({ subject: 'alice-uuid', email: 'alice@example.org' });
  });

  it('an access token for another app client is refused as WrongAudience', async () => {
    expect(await refusedWith(verifierFor('access'), accessToken({ client_id: 'client-b' }))).toEqual({
      code: 'WrongAudience',
      status: 401,
    });
  });

  it('an ID token where access tokens are configured is refused as WrongTokenUse', async () => {
    const token = accessToken({ aud: CLIENT, client_id: undefined, token_use: 'id' });
    expect(await refusedWith(verifierFor('access'), token)).toEqual({ code: 'WrongTokenUse', status: 401 });
  });

  it('a token from another user pool is refused as WrongIssuer', async () => {
    const token = accessToken({}, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER');
    expect(await refusedWith(verifierFor('access'), token)).toEqual({ code: 'WrongIssuer', status: 401 });
    expect(fetched).toEqual([]);
  });
});
