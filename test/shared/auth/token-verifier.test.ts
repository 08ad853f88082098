import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FetchError } from 'aws-jwt-verify/error';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevIssuer, startDevIssuer } from '../../../local/oidc/issuer';
import { loadOrCreateSigningKey, signToken } from '../../../local/oidc/token';
import { bearerToken } from '../../../shared/auth/bearer';
import { createJwksFetcher } from '../../../shared/auth/jwks-fetcher';
import { createTokenVerifier, type TokenVerifier } from '../../../shared/auth/token-verifier';
import { ConfigError, loadAuthConfig } from '../../../shared/config';
import { Unauthenticated } from '../../../shared/errors';

const AUDIENCE = 'volume-gateway-test';
const HOUR = 3600_000;

let dataDir: string;
let issuer: DevIssuer;
let verifier: TokenVerifier;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** The verifier's refusal for `run`, as the error mapper would see it. */
async function refusal(run: () => unknown): Promise<Unauthenticated> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(Unauthenticated);
    return error as Unauthenticated;
  }
  throw new Error('expected a refusal, but the token was accepted');
}

async function expectRefused(token: string, code: string): Promise<void> {
  const error = await refusal(() => verifier.verify(token));
  expect({ code: error.code, status: error.status }).toEqual({ code, status: 401 });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verifier-'));
  issuer = await startDevIssuer({ port: 0, dataDir, audience: AUDIENCE });
  const config = loadAuthConfig({
    AUTH_MODE: 'oidc',
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: AUDIENCE,
    JWKS_ALLOW_HTTP_LOOPBACK: 'true',
    AWS_REGION: 'us-east-1',
  });
  verifier = createTokenVerifier(config);
});

afterAll(async () => {
  await issuer?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a token from the trusted issuer', () => {
  it('yields the identity its claims describe', async () => {
    const token = issuer.sign({ sub: 'alice', email: 'alice@example.org', groups: ['lab-a', 'lab-b'], amr: ['pwd', 'mfa'] });
    const identity = await verifier.verify(token);
    expect(identity).toMatchObject({
      subject: 'alice',
      issuer: issuer.issuer,
      email: 'alice@example.org',
      groups: ['lab-a', 'lab-b'],
      authMethods: ['pwd', 'mfa'],
      token,
    });
    expect(identity.expiresAt.getTime()).toBe(Number(decode(token.split('.')[1]!).exp) * 1000);
  });

  it('is accepted when its audience list includes ours', async () => {
    await expect(verifier.verify(issuer.sign({ sub: 'alice' }, { audience: ['other-app', AUDIENCE] }))).resolves.toMatchObject({
      subject: 'alice',
    });
  });
});

describe('the Authorization header', () => {
  it('missing is refused as MissingToken', async () => {
    const error = await refusal(() => bearerToken(undefined));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'MissingToken', status: 401 });
  });

  it.each(['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer a b', 'token abc'])('"%s" is refused as MalformedAuthorization', async (header) => {
    const error = await refusal(() => bearerToken(header));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'MalformedAuthorization', status: 401 });
  });

  it('"Bearer <token>" yields the token, whatever the scheme\'s case', () => {
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });
});

describe('a token that must be refused', () => {
  it('garbage is MalformedToken', () => expectRefused('not-a-jwt', 'MalformedToken'));

  it('expired is TokenExpired', () =>
    expectRefused(issuer.sign({ sub: 'alice' }, { now: new Date(Date.now() - 2 * HOUR), ttlSeconds: 3600 }), 'TokenExpired'));

  it('not yet valid (nbf in the future) is TokenNotYetValid', () =>
    expectRefused(issuer.sign({ sub: 'alice' }, { now: new Date(Date.now() + HOUR) }), 'TokenNotYetValid'));

  it('from another issuer, though signed with the trusted key, is WrongIssuer', () =>
    expectRefused(issuer.sign({ sub: 'alice' }, { issuer: 'https://idp.example.org' }), 'WrongIssuer'));

  it('for another audience is WrongAudience', () =>
    expectRefused(issuer.sign({ sub: 'alice' }, { audience: 'other-app' }), 'WrongAudience'));

  it('with a tampered payload is InvalidSignature', async () => {
    const [header, payload, signature] = issuer.sign({ sub: 'alice', groups: ['lab-a'] }).split('.');
    const forged = b64url({ ...decode(payload!), sub: 'mallory', groups: ['admins'] });
    await expectRefused(`${header}.${forged}.${signature}`, 'InvalidSignature');
  });

  it('unsigned with alg "none" (empty signature) is MalformedToken', async () => {
    const payload = decode(issuer.sign({ sub: 'alice' }).split('.')[1]!);
    await expectRefused(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`, 'MalformedToken');
  });

  it('with alg "none", our kid and a made-up signature is UnsupportedAlgorithm', async () => {
    const payload = decode(issuer.sign({ sub: 'alice' }).split('.')[1]!);
    await expectRefused(`${b64url({ alg: 'none', typ: 'JWT', kid: issuer.kid })}.${b64url(payload)}.AAAA`, 'UnsupportedAlgorithm');
  });

  it('with alg "none", no kid and a made-up signature is UnknownSigningKey', async () => {
    const payload = decode(issuer.sign({ sub: 'alice' }).split('.')[1]!);
    await expectRefused(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.AAAA`, 'UnknownSigningKey');
  });

  it('HMAC-signed with the public key as secret (algorithm confusion) is UnsupportedAlgorithm', async () => {
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<{ n: string }> };
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: issuer.kid })}.${issuer.sign({ sub: 'alice' }).split('.')[1]}`;
    const signature = createHmac('sha256', jwks.keys[0]!.n).update(signingInput).digest('base64url');
    await expectRefused(`${signingInput}.${signature}`, 'UnsupportedAlgorithm');
  });

  it('signed by another key under the trusted kid is InvalidSignature', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = signToken({ privateKey, kid: issuer.kid, issuer: issuer.issuer, audience: AUDIENCE, sub: 'alice', now: new Date() });
    await expectRefused(token, 'InvalidSignature');
  });

  it('naming a kid the issuer does not publish is UnknownSigningKey, every time', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sign = (kid: string) => signToken({ privateKey, kid, issuer: issuer.issuer, audience: AUDIENCE, sub: 'alice', now: new Date() });
    await expectRefused(sign('unknown-kid'), 'UnknownSigningKey');
    // The JWKS cache will not refetch for a while after a miss; the caller's answer must not change.
    await expectRefused(sign('another-unknown-kid'), 'UnknownSigningKey');
  });

  it('without a subject is InvalidClaims', async () => {
    const key = await loadOrCreateSigningKey(dataDir);
    const token = signToken({
      ...key,
      issuer: issuer.issuer,
      audience: AUDIENCE,
      sub: 'alice',
      now: new Date(),
      extraClaims: { sub: undefined },
    });
    expect(decode(token.split('.')[1]!)).not.toHaveProperty('sub');
    await expectRefused(token, 'InvalidClaims');
  });

  it('without an expiry is InvalidClaims', async () => {
    const key = await loadOrCreateSigningKey(dataDir);
    const token = signToken({
      ...key,
      issuer: issuer.issuer,
      audience: AUDIENCE,
      sub: 'alice',
      now: new Date(),
      extraClaims: { exp: undefined },
    });
    expect(decode(token.split('.')[1]!)).not.toHaveProperty('exp');
    await expectRefused(token, 'InvalidClaims');
  });
});

describe('plain-HTTP signing keys', () => {
  const oidcEnv = { AUTH_MODE: 'oidc', OIDC_AUDIENCE: AUDIENCE, AWS_REGION: 'us-east-1' };

  function configError(env: Record<string, string>): ConfigError {
    try {
      loadAuthConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected loadAuthConfig to refuse the configuration');
  }

  it('from a non-loopback issuer are refused by the configuration even with JWKS_ALLOW_HTTP_LOOPBACK=true', () => {
    const error = configError({ ...oidcEnv, OIDC_ISSUER: 'http://example.org', JWKS_ALLOW_HTTP_LOOPBACK: 'true' });
    expect(error.variable).toBe('OIDC_ISSUER');
    expect(error.message).toContain('OIDC_ISSUER');
  });

  it('from a loopback issuer are refused by the configuration without JWKS_ALLOW_HTTP_LOOPBACK=true', () => {
    const error = configError({ ...oidcEnv, OIDC_ISSUER: issuer.issuer });
    expect(error.variable).toBe('OIDC_ISSUER');
    expect(error.message).toContain('OIDC_ISSUER');
  });

  it('at a non-loopback OIDC_JWKS_URI are refused by the configuration, naming that variable', () => {
    const error = configError({
      ...oidcEnv,
      OIDC_ISSUER: 'https://idp.example.org',
      OIDC_JWKS_URI: 'http://example.org/jwks.json',
      JWKS_ALLOW_HTTP_LOOPBACK: 'true',
    });
    expect(error.variable).toBe('OIDC_JWKS_URI');
    expect(error.message).toContain('OIDC_JWKS_URI');
  });

  it('from a non-loopback host are refused by the fetcher even when loopback HTTP is allowed', async () => {
    await expect(createJwksFetcher({ allowHttpLoopback: true }).fetch('http://example.org/.well-known/jwks.json')).rejects.toBeInstanceOf(
      FetchError,
    );
  });

  it('from the loopback issuer are refused by the fetcher unless allowed', async () => {
    await expect(createJwksFetcher({ allowHttpLoopback: false }).fetch(issuer.jwksUri)).rejects.toBeInstanceOf(FetchError);
    const body = await createJwksFetcher({ allowHttpLoopback: true }).fetch(issuer.jwksUri);
    expect(JSON.parse(new TextDecoder().decode(body))).toMatchObject({ keys: [{ kid: issuer.kid }] });
  });
});
