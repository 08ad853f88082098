/**
 * The KMS token signer against the local KMS (a real RSA_2048 key, the SDK's KMS client): its tokens verify with
 * aws-jwt-verify against the JWKS it publishes, carry the claims STS checks and a unique jti, the JWKS carries the
 * previous key during a rotation, public keys are read once, and a KMS outage is a 503.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { JwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsTokenSigner } from '../../../shared/adapters/kms-token-signer';
import { AppError } from '../../../shared/errors';
import { startTestStack, type TestStack } from '../../support/local-stack';

const ISSUER = 'https://gateway.example.com';
let stack: TestStack;
let client: KMSClient;
let current: string;
let previous: string;
let sends: string[];

beforeAll(async () => {
  stack = await startTestStack();
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  const kms = new KMSClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: { accessKeyId, secretAccessKey } });
  sends = [];
  // Counts the calls by command, so the tests can tell what reached KMS.
  client = {
    send: (command: { constructor: { name: string } }) => (sends.push(command.constructor.name), kms.send(command as never)),
  } as never;
  const create = () => kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
  [current, previous] = await Promise.all([create(), create()]).then((keys) => keys.map((k) => k.KeyMetadata!.KeyId!));
}, 60_000);
afterAll(async () => stack?.close());

const verifier = (jwks: { keys: unknown[] }, audience = 'sts.amazonaws.com') => {
  const v = JwtVerifier.create({ issuer: ISSUER, audience, jwksUri: `${ISSUER}/.well-known/jwks.json` });
  v.cacheJwks(jwks as never);
  return v;
};

describe('KmsTokenSigner', () => {
  it('signs RS256 tokens with the claims STS checks, which verify against its JWKS', async () => {
    const signer = new KmsTokenSigner({ client, issuer: `${ISSUER}/`, signingKeyId: current });
    const token = await signer.sign({ sub: 'volume:vol-1', aud: 'sts.amazonaws.com', lifetimeSeconds: 300 });
    const jwks = await signer.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]!.kid });
    const payload = await verifier(jwks).verify(token);
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'volume:vol-1', aud: 'sts.amazonaws.com' });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBe(payload.iat);
    expect(signer.issuer).toBe(ISSUER);
  });

  it('gives every token its own jti, and is refused by a verifier expecting another audience', async () => {
    const signer = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current });
    const tokens = await Promise.all(
      [1, 2, 3].map(() => signer.sign({ sub: 'volume:vol-1', aud: 'sts.amazonaws.com', lifetimeSeconds: 60 })),
    );
    const jtis = tokens.map((t) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti);
    expect(new Set(jtis).size).toBe(3);
    await expect(verifier(await signer.jwks(), 'another-audience').verify(tokens[0]!)).rejects.toThrow(/audience/i);
  });

  it('writes the source identity and session tags under the claim names STS reads', async () => {
    const signer = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current });
    const token = await signer.sign({
      sub: 'volume:v',
      aud: 'sts.amazonaws.com',
      lifetimeSeconds: 60,
      sourceIdentity: 'alice',
      sessionTags: { volume: 'v' },
    });
    const payload = await verifier(await signer.jwks()).verify(token);
    expect(payload['https://aws.amazon.com/source_identity']).toBe('alice');
    expect(payload['https://aws.amazon.com/tags']).toEqual({ principal_tags: { volume: ['v'] } });
  });

  it('refuses a lifetime over five minutes, before calling KMS', async () => {
    const signer = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current });
    sends.length = 0;
    await expect(signer.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 301 })).rejects.toThrow(RangeError);
    expect(sends).toEqual([]);
  });

  it('publishes the current key first and the previous one, so tokens of both keys verify during a rotation', async () => {
    const before = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: previous });
    const oldToken = await before.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 300 });
    const after = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current, previousSigningKeyId: previous });
    const newToken = await after.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 300 });
    const jwks = await after.jwks();
    const currentKid = (await new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current }).jwks()).keys[0]!.kid;
    expect(jwks.keys.map((k) => k.kid)).toEqual([currentKid, (await before.jwks()).keys[0]!.kid]);
    await expect(verifier(jwks).verify(oldToken)).resolves.toMatchObject({ sub: 'volume:v' });
    await expect(verifier(jwks).verify(newToken)).resolves.toMatchObject({ sub: 'volume:v' });
  });

  it('reads each public key from KMS once, and signs each token with one Sign call', async () => {
    const signer = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current, previousSigningKeyId: previous });
    sends.length = 0;
    await signer.jwks();
    await signer.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 60 });
    await signer.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 60 });
    await signer.jwks();
    expect(sends.sort()).toEqual(['GetPublicKeyCommand', 'GetPublicKeyCommand', 'SignCommand', 'SignCommand']);
  });

  it('leaves out a previous key KMS no longer has, and answers 503 TokenSigningUnavailable while KMS is throttling', async () => {
    const gone = '00000000-0000-0000-0000-000000000000';
    const signer = new KmsTokenSigner({ client, issuer: ISSUER, signingKeyId: current, previousSigningKeyId: gone });
    expect((await signer.jwks()).keys).toHaveLength(1);
    stack.faults.add({ target: 'kms', action: 'Sign', fault: { kind: 'throttle' } });
    try {
      const quick = new KMSClient({
        endpoint: stack.info.awsEndpoint,
        region: stack.info.region,
        credentials: { accessKeyId: stack.info.customers[0]!.accessKeyId, secretAccessKey: stack.info.customers[0]!.secretAccessKey },
        maxAttempts: 1,
      });
      const throttled = new KmsTokenSigner({ client: quick, issuer: ISSUER, signingKeyId: current });
      const error = await throttled.sign({ sub: 'volume:v', aud: 'sts.amazonaws.com', lifetimeSeconds: 60 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 503, code: 'TokenSigningUnavailable' });
    } finally {
      stack.faults.clear('kms');
    }
  });
});
