/**
 * Hostile campaign, authentication, on the real stack: forged, tampered and replayed signatures, expired and
 * over-long presigned URLs, x-amz-* headers added unsigned (presigned and header-signed, through the proxy and
 * straight at the local S3), credential scopes for another service or region, tokens as access key ids that are
 * forged, expired or for another audience, bearer tokens on the proxy, and bad tokens on the API. Each is the
 * refusal S3 (or the API contract) gives; nothing is written by a refused request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectS3Error, type HostileWorld, startHostileWorld } from './hostile-world';

let w: HostileWorld;
const FRONTS = ['functionUrl', 'node'] as const;
const MINUTE = 60_000;
const now = () => new Date(Date.now() + w.stack.clockOffsetMs());

beforeAll(async () => {
  w = await startHostileWorld();
  expect((await w.signed(w.fronts.node, { method: 'PUT', path: '/alice-rw/keep.txt', body: 'legit' })).status).toBe(200);
}, 120_000);
afterAll(() => w?.close());

const exists = async (key: string) => (await w.signed(w.fronts.node, { method: 'HEAD', path: `/alice-rw/${key}` })).status === 200;

describe.each(FRONTS)('the proxy (%s front)', (front) => {
  const base = () => w.fronts[front];

  it('refuses an anonymous request with 403 AccessDenied', async () => {
    expectS3Error(await w.raw(base(), { path: '/alice-rw/keep.txt' }), 403, 'AccessDenied');
  });

  it('refuses a bearer token with 401 AccessDenied, saying to use an S3 client', async () => {
    const answer = await w.raw(base(), { path: '/alice-rw/keep.txt', headers: { authorization: `Bearer ${w.tokens.alice}` } });
    expectS3Error(answer, 401, 'AccessDenied');
    expect(answer.body).toMatch(/S3 client/);
  });

  it('refuses an unknown access key id with 403 InvalidAccessKeyId', async () => {
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', as: { accessKeyId: 'VGAKNOSUCHKEY0000000', secretAccessKey: 'x' } }),
      403,
      'InvalidAccessKeyId',
    );
  });

  it('refuses a forged signature (the key id, another secret) with 403 SignatureDoesNotMatch', async () => {
    const forged = { accessKeyId: w.keys.alice.accessKeyId, secretAccessKey: `${w.keys.alice.secretAccessKey}x` };
    expectS3Error(await w.signed(base(), { path: '/alice-rw/keep.txt', as: forged }), 403, 'SignatureDoesNotMatch');
    expectS3Error(await w.signed(base(), { path: '/alice-rw/keep.txt', as: forged, presign: true }), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a signed request whose path, query or signed header was changed on the way', async () => {
    const signed = await w.sign(base(), { path: '/alice-rw/keep.txt', headers: { 'x-amz-meta-note': 'a' } });
    expectS3Error(await w.raw(base(), { ...signed, path: '/alice-rw/other.txt' }), 403, 'SignatureDoesNotMatch');
    expectS3Error(await w.raw(base(), { ...signed, path: '/alice-rw/keep.txt?versionId=x' }), 403, 'SignatureDoesNotMatch');
    expectS3Error(await w.raw(base(), { ...signed, headers: { ...signed.headers, 'x-amz-meta-note': 'b' } }), 403, 'SignatureDoesNotMatch');
    const presigned = await w.sign(base(), { path: '/alice-rw/keep.txt', presign: true });
    expectS3Error(
      await w.raw(base(), { ...presigned, path: presigned.path.replace('/keep.txt', '/other.txt') }),
      403,
      'SignatureDoesNotMatch',
    );
    expectS3Error(await w.raw(base(), { ...presigned, method: 'DELETE' }), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a header-signed request replayed 16 minutes later with 403 RequestTimeTooSkewed', async () => {
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', signingDate: new Date(now().getTime() - 16 * MINUTE) }),
      403,
      'RequestTimeTooSkewed',
    );
  });

  it('refuses an expired presigned URL, and one signed for the future, with 403 AccessDenied', async () => {
    const expired = await w.signed(base(), {
      path: '/alice-rw/keep.txt',
      presign: true,
      expiresIn: 60,
      signingDate: new Date(now().getTime() - 10 * MINUTE),
    });
    expectS3Error(expired, 403, 'AccessDenied');
    expect(expired.body).toMatch(/expired/i);
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', presign: true, signingDate: new Date(now().getTime() + 60 * MINUTE) }),
      403,
      'AccessDenied',
    );
  });

  it('refuses X-Amz-Expires over a week with 400 AuthorizationQueryParametersError', async () => {
    const signed = await w.sign(base(), { path: '/alice-rw/keep.txt', presign: true });
    expectS3Error(
      await w.raw(base(), { ...signed, path: signed.path.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801') }),
      400,
      'AuthorizationQueryParametersError',
    );
  });

  // Finding 2: S3 refuses every x-amz-* header SignedHeaders does not name.
  it.each([
    ['x-amz-copy-source', 'alice-rw/keep.txt'],
    ['x-amz-acl', 'public-read'],
    ['x-amz-meta-evil', '1'],
    ['x-amz-tagging', 'a=b'],
  ])('refuses a presigned PUT with an unsigned %s added, writing nothing (403 AccessDenied)', async (name, value) => {
    const key = `presigned-${name}.txt`;
    const answer = await w.signed(base(), {
      method: 'PUT',
      path: `/alice-rw/${key}`,
      presign: true,
      body: 'x',
      unsigned: { [name]: value },
    });
    expectS3Error(answer, 403, 'AccessDenied');
    expect(answer.body).toMatch(/not signed/);
    expect(await exists(key)).toBe(false);
  });

  it('refuses a header-signed PUT with an unsigned x-amz-acl or x-amz-meta-* added (403 AccessDenied)', async () => {
    for (const extra of [{ 'x-amz-acl': 'public-read' }, { 'x-amz-meta-added': 'y' }] as Array<Record<string, string>>) {
      const answer = await w.signed(base(), { method: 'PUT', path: '/alice-rw/header-signed.txt', body: 'x', unsigned: extra });
      expectS3Error(answer, 403, 'AccessDenied');
    }
    expect(await exists('header-signed.txt')).toBe(false);
  });

  // Finding 4: scopes for another service or region are the client's mistake, a 400, never a 500 or accepted.
  it('refuses a scope for another service with 400, with or without x-amz-content-sha256', async () => {
    expectS3Error(await w.signed(base(), { path: '/alice-rw/keep.txt', service: 'sts' }), 400, 'AuthorizationHeaderMalformed');
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', service: 'sts', payloadHash: null }),
      400,
      /^(AuthorizationHeaderMalformed|InvalidRequest)$/,
    );
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', service: 'dynamodb', presign: true }),
      400,
      'AuthorizationQueryParametersError',
    );
  });

  it('refuses a scope for another region than the volume’s with 400 AuthorizationHeaderMalformed naming the region', async () => {
    const answer = await w.signed(base(), { path: '/alice-rw/keep.txt', region: 'eu-west-1' });
    expectS3Error(answer, 400, 'AuthorizationHeaderMalformed');
    expect(answer.body).toContain('us-east-1');
  });

  // Finding 4: response-* overrides with CR/LF, NUL or non-Latin-1 reached the local S3 and came back 500.
  it.each([
    ['response-content-type', 'text/plain\r\nx-injected: 1'],
    ['response-content-disposition', 'attachment; filename="a\u0000b"'],
    ['response-cache-control', 'no-cache\n'],
    ['response-content-language', '\u2603'],
    ['response-expires', '\u{1F600}'],
  ])('refuses a %s override with CR/LF, NUL or non-Latin-1 with 400 InvalidArgument', async (name, value) => {
    const answer = await w.signed(base(), { path: '/alice-rw/keep.txt', query: { [name]: value } });
    expectS3Error(answer, 400, 'InvalidArgument');
    expect(answer.headers['x-injected']).toBeUndefined();
    const presigned = await w.signed(base(), { path: '/alice-rw/keep.txt', query: { [name]: value }, presign: true });
    expectS3Error(presigned, 400, 'InvalidArgument');
  });

  it('refuses AWS signature version 2 and two auth mechanisms at once', async () => {
    expectS3Error(
      await w.raw(base(), { path: '/alice-rw/keep.txt?AWSAccessKeyId=AKID&Signature=abc&Expires=9999999999' }),
      400,
      'InvalidRequest',
    );
    const signed = await w.sign(base(), { path: '/alice-rw/keep.txt', presign: true });
    expectS3Error(
      await w.raw(base(), {
        ...signed,
        headers: {
          ...signed.headers,
          authorization: 'AWS4-HMAC-SHA256 Credential=a/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
        },
      }),
      400,
      'InvalidArgument',
    );
  });

  it('refuses a token as access key id that is forged, expired, for another audience or unsigned', async () => {
    const [header, payload] = w.tokens.alice.split('.');
    const asKey = (token: string) => ({ accessKeyId: token, secretAccessKey: 'any' });
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', as: asKey(`${header}.${payload}.AAAA`) }),
      403,
      'InvalidAccessKeyId',
    );
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', as: asKey(`${noneHeader}.${payload}.`) }),
      403,
      'InvalidAccessKeyId',
    );
    const expired = w.stack.issuer.sign({ sub: 'alice' }, { now: new Date(Date.now() - 3 * 3600_000), ttlSeconds: 60 });
    expectS3Error(await w.signed(base(), { path: '/alice-rw/keep.txt', as: asKey(expired) }), 400, 'ExpiredToken');
    const otherAudience = w.stack.issuer.sign({ sub: 'alice' }, { audience: 'someone-else' });
    expectS3Error(await w.signed(base(), { path: '/alice-rw/keep.txt', as: asKey(otherAudience) }), 403, 'InvalidAccessKeyId');
  });

  it('gives a valid token of a non-member NoSuchBucket, and a read member AccessDenied on PutObject', async () => {
    expectS3Error(
      await w.signed(base(), { path: '/alice-rw/keep.txt', as: { accessKeyId: w.tokens.mallory, secretAccessKey: 'any' } }),
      404,
      'NoSuchBucket',
    );
    expectS3Error(
      await w.signed(base(), { method: 'PUT', path: '/alice-rw/by-reader.txt', body: 'x', as: w.keys.reader }),
      403,
      'AccessDenied',
    );
    expect(await exists('by-reader.txt')).toBe(false);
  });
});

describe('the local S3, straight (the verifier the proxy shares)', () => {
  const admin = () => ({
    accessKeyId: w.stack.info.customers[0]!.accessKeyId,
    secretAccessKey: w.stack.info.customers[0]!.secretAccessKey,
  });

  it('refuses unsigned x-amz-* headers, presigned or header-signed (403 AccessDenied)', async () => {
    const aws = w.stack.info.awsEndpoint;
    expectS3Error(
      await w.signed(aws, {
        method: 'PUT',
        path: '/hostile-lab/project-x/direct.txt',
        presign: true,
        body: 'x',
        as: admin(),
        unsigned: { 'x-amz-copy-source': 'hostile-lab/other/secret.txt' },
      }),
      403,
      'AccessDenied',
    );
    expectS3Error(
      await w.signed(aws, {
        method: 'PUT',
        path: '/hostile-lab/project-x/direct.txt',
        body: 'x',
        as: admin(),
        unsigned: { 'x-amz-acl': 'public-read' },
      }),
      403,
      'AccessDenied',
    );
  });

  it('refuses response-* overrides with CR/LF, NUL or non-Latin-1 with 400 InvalidArgument (finding 4)', async () => {
    const aws = w.stack.info.awsEndpoint;
    for (const value of ['text/plain\r\nx-injected: 1', 'a\u0000b', '\u2603']) {
      const answer = await w.signed(aws, { path: '/hostile-lab/other/secret.txt', query: { 'response-content-type': value }, as: admin() });
      expectS3Error(answer, 400, 'InvalidArgument');
      expect(answer.headers['x-injected']).toBeUndefined();
    }
  });

  it('refuses scopes for another service or region with 400', async () => {
    const aws = w.stack.info.awsEndpoint;
    // The local AWS picks the service by the scope: an sts scope with an S3 path is STS's to refuse, never a 500.
    const sts = await w.signed(aws, { path: '/hostile-lab/other/secret.txt', as: admin(), service: 'sts', payloadHash: null });
    expect(sts.status, sts.body).toBeGreaterThanOrEqual(400);
    expect(sts.status, sts.body).toBeLessThan(500);
    const region = await w.signed(aws, { path: '/hostile-lab/other/secret.txt', as: admin(), region: 'eu-west-1' });
    expectS3Error(region, 400, 'AuthorizationHeaderMalformed');
  });
});

describe('the API', () => {
  it.each([
    ['no token', undefined, 'MissingToken'],
    ['a basic credential', 'Basic YWxpY2U6cHc=', 'MalformedAuthorization'],
    ['a token that is not a JWT', 'Bearer not-a-token', 'MalformedToken'],
  ])('refuses %s with 401 %s', async (_what, authorization, code) => {
    const answer = await w.api(null, 'GET', '/volumes', undefined, authorization ? { authorization } : {});
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe(code);
  });

  it('refuses forged, expired, foreign-audience and unsigned tokens with 401 and a stable code', async () => {
    const [header, payload] = w.tokens.alice.split('.');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const cases: Array<[string, string[]]> = [
      [`${header}.${payload}.AAAA`, ['InvalidSignature']],
      [`${noneHeader}.${payload}.`, ['UnsupportedAlgorithm', 'MalformedToken', 'InvalidSignature']],
      [w.stack.issuer.sign({ sub: 'alice' }, { now: new Date(Date.now() - 3 * 3600_000), ttlSeconds: 60 }), ['TokenExpired']],
      [w.stack.issuer.sign({ sub: 'alice' }, { audience: 'someone-else' }), ['WrongAudience']],
      [w.stack.issuer.sign({ sub: 'alice' }, { issuer: 'https://evil.example' }), ['WrongIssuer']],
    ];
    for (const [token, codes] of cases) {
      const answer = await w.api(null, 'GET', '/volumes', undefined, { authorization: `Bearer ${token}` });
      expect(answer.status, answer.body).toBe(401);
      expect(codes).toContain(answer.json.code);
      expect(answer.body).not.toContain(token);
    }
  });
});

describe('after the auth cases', () => {
  it('nothing outside a volume root was written, changed or deleted, and the stack still answers', async () => {
    await w.assertNothingOutside();
    await w.assertStackUp();
  });
});
