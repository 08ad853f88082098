/** Who is calling, and how each kind of caller is refused, through the proxy's core. */

import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_SHA256 } from '../../../shared/sigv4';
import { bodyText, KEY_ID, type ProxyWorld, proxyWorld, SECRET } from './world';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

async function expectS3Error(response: Awaited<ReturnType<ProxyWorld['send']>>, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/xml');
  const text = await bodyText(response);
  expect(text).toMatch(
    new RegExp(
      `<Error><Code>${code}</Code><Message>[^<]+</Message>[\\s\\S]*<RequestId>${response.headers['x-amz-request-id']}</RequestId></Error>$`,
    ),
  );
  return text;
}

describe('a gateway access key', () => {
  it('signs a request whose whole signature the proxy verifies', async () => {
    const response = await w.send({ method: 'PUT', path: '/shared-genomes/hello.txt', body: 'hello' });
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-request-id']).toBe('REQ-1');
    expect(w.sent).toHaveLength(1);
  });

  it('works in a presigned URL', async () => {
    await w.send({ method: 'PUT', path: '/shared-genomes/hello.txt', body: 'hello' });
    const response = await w.send({ path: '/shared-genomes/hello.txt', presign: true });
    expect(response.status).toBe(200);
    expect(await bodyText(response)).toBe('hello');
    expect(w.sent[1]!.query).toEqual([]);
  });

  it('with a wrong secret gets SignatureDoesNotMatch, and nothing is forwarded', async () => {
    const response = await w.send({
      method: 'PUT',
      path: '/shared-genomes/x',
      body: 'x',
      as: { accessKeyId: KEY_ID, secretAccessKey: `${SECRET}-wrong` },
    });
    await expectS3Error(response, 403, 'SignatureDoesNotMatch');
    expect(w.sent).toEqual([]);
  });

  it('whose request was altered after signing gets SignatureDoesNotMatch', async () => {
    const request = await w.sign({ path: '/shared-genomes/a' });
    const response = await w.proxy({ ...request, rawPath: '/shared-genomes/b' });
    await expectS3Error(response, 403, 'SignatureDoesNotMatch');
  });

  it('that is unknown, revoked or expired gets InvalidAccessKeyId', async () => {
    const response = await w.send({ path: '/shared-genomes/a', as: { accessKeyId: 'VGAKNOSUCHKEYNOSUCH2', secretAccessKey: 'x' } });
    const text = await expectS3Error(response, 403, 'InvalidAccessKeyId');
    expect(text).toMatch(/revoked or have expired/);
  });

  it('signed long ago gets RequestTimeTooSkewed', async () => {
    const request = await w.sign({ path: '/shared-genomes/a' });
    w.clock.advance(16 * 60_000);
    await expectS3Error(await w.proxy(request), 403, 'RequestTimeTooSkewed');
  });
});

describe('a token as the access key id (Gen3-compatible, the weaker option)', () => {
  it('is accepted with any secret: the token is verified, the signature is not', async () => {
    w.identities.set(JWT, { subject: 'alice', issuer: 'i', groups: [], authMethods: [], expiresAt: new Date('2030-01-01'), token: JWT });
    const response = await w.send({
      method: 'PUT',
      path: '/shared-genomes/t.txt',
      body: 'by token',
      as: { accessKeyId: JWT, secretAccessKey: 'N/A' },
    });
    expect(response.status).toBe(200);
    const event = w.audit.events.find((e) => e.action === 'proxy.PutObject')!;
    expect(event).toMatchObject({ subject: 'alice', outcome: 'succeeded', detail: { via: 'jwt', key: 't.txt' } });
    expect(JSON.stringify(w.audit.events)).not.toContain(JWT);
    expect(w.logs.join('\n')).not.toContain(JWT.split('.')[2]);
  });

  it('that has expired gets ExpiredToken, one that does not verify InvalidAccessKeyId', async () => {
    const expired = 'eyJhbGciOiJSUzI1NiJ9.expired.c2ln';
    await expectS3Error(
      await w.send({ path: '/shared-genomes/a', as: { accessKeyId: expired, secretAccessKey: 'N/A' } }),
      400,
      'ExpiredToken',
    );
    await expectS3Error(
      await w.send({ path: '/shared-genomes/a', as: { accessKeyId: JWT, secretAccessKey: 'N/A' } }),
      403,
      'InvalidAccessKeyId',
    );
  });
});

describe('callers that are not S3 clients', () => {
  const raw = (headers: Record<string, string>) => ({
    method: 'GET',
    rawPath: '/shared-genomes/a',
    rawQuery: '',
    headers: { host: 'proxy.test', ...headers },
    body: Readable.from([]),
    requestId: 'R1',
  });

  it('a Bearer token gets 401 saying to use an S3 client with a gateway key or the token as access key id', async () => {
    const response = await w.proxy(raw({ authorization: `Bearer ${JWT}` }));
    const text = await expectS3Error(response, 401, 'AccessDenied');
    expect(text).toMatch(/Use an S3 client/);
    expect(text).toMatch(/gateway access key/);
    expect(text).toMatch(/your token as the access key id/);
  });

  it('an anonymous request gets 403 AccessDenied', async () => {
    await expectS3Error(await w.proxy(raw({})), 403, 'AccessDenied');
  });

  it('a HEAD refusal carries no body, as S3’s do', async () => {
    const response = await w.proxy({ ...raw({}), method: 'HEAD' });
    expect(response.status).toBe(403);
    expect(response.body).toBe('');
  });

  it('a SigV2 request is told which mechanism to use', async () => {
    const response = await w.proxy(raw({ authorization: 'AWS AKID:sig' }));
    expect(await expectS3Error(response, 400, 'InvalidRequest')).toMatch(/AWS4-HMAC-SHA256/);
  });
});

it('logs every request on one line with the request id, and never a signature or secret', async () => {
  await w.send({ method: 'PUT', path: '/shared-genomes/hello.txt', body: 'hello' });
  const line = JSON.parse(w.logs.find((l) => l.includes('"proxy request"'))!);
  expect(line).toMatchObject({
    requestId: 'REQ-1',
    operation: 'PutObject',
    volume: 'shared-genomes',
    key: 'hello.txt',
    subject: 'alice',
    status: 200,
  });
  const request = await w.sign({ path: '/shared-genomes/hello.txt' });
  await w.proxy(request);
  const signature = /Signature=([0-9a-f]+)/.exec(request.headers.authorization!)![1]!;
  expect(w.logs.join('\n')).not.toContain(signature);
  expect(w.logs.join('\n')).not.toContain(SECRET);
});

describe('x-amz-* headers the signature does not cover (S3: "There were headers present in the request which were not signed")', () => {
  const addHeaders = (request: Awaited<ReturnType<ProxyWorld['sign']>>, headers: Record<string, string>) => ({
    ...request,
    headers: { ...request.headers, ...headers },
  });

  it.each([
    ['x-amz-copy-source', '/shared-genomes/hello.txt'],
    ['x-amz-acl', 'public-read'],
    ['x-amz-meta-foo', 'bar'],
  ])('a presigned PUT with %s added is 403 AccessDenied, and nothing is forwarded', async (name, value) => {
    await w.send({ method: 'PUT', path: '/shared-genomes/hello.txt', body: 'hello' });
    const url = await w.sign({ method: 'PUT', path: '/shared-genomes/copy.txt', presign: true });
    const text = await expectS3Error(await w.proxy(addHeaders(url, { [name]: value })), 403, 'AccessDenied');
    expect(text).toContain(`<HeadersNotSigned>${name}</HeadersNotSigned>`);
    expect(w.sent).toHaveLength(1);
  });

  it('so is a presigned URL of a token (JWT mode, where the signature itself is not verified)', async () => {
    w.identities.set(JWT, { subject: 'alice', issuer: 'i', groups: [], authMethods: [], expiresAt: new Date('2030-01-01'), token: JWT });
    const url = await w.sign({
      method: 'PUT',
      path: '/shared-genomes/copy.txt',
      presign: true,
      as: { accessKeyId: JWT, secretAccessKey: 'N/A' },
    });
    await expectS3Error(await w.proxy(addHeaders(url, { 'x-amz-copy-source': '/shared-genomes/hello.txt' })), 403, 'AccessDenied');
    expect(w.sent).toEqual([]);
  });

  it('and a header-signed request with an x-amz-meta header added after signing', async () => {
    const request = await w.sign({ method: 'PUT', path: '/shared-genomes/m.txt', body: 'm', headers: { 'x-amz-meta-signed': 'yes' } });
    await expectS3Error(await w.proxy(addHeaders(request, { 'x-amz-meta-extra': 'no' })), 403, 'AccessDenied');
    expect(
      (await w.proxy(await w.sign({ method: 'PUT', path: '/shared-genomes/m.txt', body: 'm', headers: { 'x-amz-meta-signed': 'yes' } })))
        .status,
    ).toBe(200);
  });
});

describe('the credential scope', () => {
  const rescoped = (request: Awaited<ReturnType<ProxyWorld['sign']>>, from: string, to: string) => ({
    ...request,
    headers: { ...request.headers, authorization: request.headers.authorization!.replace(from, to) },
  });

  it('for another service, even without x-amz-content-sha256, is 400 AuthorizationHeaderMalformed (never a 500)', async () => {
    const request = await w.sign({ path: '/shared-genomes/a' });
    const { 'x-amz-content-sha256': _hash, ...headers } = request.headers;
    const sts = rescoped({ ...request, headers }, '/s3/aws4_request', '/sts/aws4_request');
    sts.headers.authorization = sts.headers.authorization!.replace(';x-amz-content-sha256', '');
    const text = await expectS3Error(await w.proxy(sts), 400, 'AuthorizationHeaderMalformed');
    expect(text).toContain('incorrect service &quot;sts&quot;. This endpoint belongs to &quot;s3&quot;.');
    expect(w.sent).toEqual([]);
  });

  /** A GET of `path` signed with the gateway key for `region`, in either form. */
  async function signedFor(
    region: string,
    path: string,
    presign = false,
    query: Record<string, string> = {},
  ): Promise<Awaited<ReturnType<ProxyWorld['sign']>>> {
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      region,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const unsigned = new HttpRequest({
      method: 'GET',
      hostname: 'proxy.test',
      path,
      query,
      headers: { host: 'proxy.test', 'x-amz-content-sha256': presign ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256 },
    });
    const signed = presign
      ? await signer.presign(unsigned, { signingDate: w.clock.now(), expiresIn: 300 })
      : await signer.sign(unsigned, { signingDate: w.clock.now() });
    const rawQuery = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return {
      method: 'GET',
      rawPath: path,
      rawQuery,
      headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: Readable.from([]),
      requestId: 'R-REGION',
    };
  }

  it(
    'for a region that is neither the volume’s nor us-east-1 is 400, naming the volume’s region; a presigned URL says it in its own ' +
      'words',
    async () => {
      const text = await expectS3Error(
        await w.proxy(await signedFor('ap-south-1', '/shared-genomes/a')),
        400,
        'AuthorizationHeaderMalformed',
      );
      expect(text).toContain(`the region &apos;ap-south-1&apos; is wrong; expecting &apos;${w.volume.region}&apos;`);
      expect(text).toContain(`<Region>${w.volume.region}</Region>`);
      await expectS3Error(
        await w.proxy(await signedFor('ap-south-1', '/shared-genomes/a', true)),
        400,
        'AuthorizationQueryParametersError',
      );
      // A token's signature is not verified: a scope changed in its request is refused all the same.
      w.identities.set(JWT, { subject: 'alice', issuer: 'i', groups: [], authMethods: [], expiresAt: new Date('2030-01-01'), token: JWT });
      const byToken = await w.sign({ path: '/shared-genomes/a', as: { accessKeyId: JWT, secretAccessKey: 'N/A' } });
      await expectS3Error(await w.proxy(rescoped(byToken, '/us-east-1/', '/ap-south-1/')), 400, 'AuthorizationHeaderMalformed');
      expect(w.sent).toEqual([]);
    },
  );

  it('for the volume’s own region is served; GetBucketLocation and ListBuckets answer whatever the region', async () => {
    expect(w.volume.region).not.toBe('us-east-1');
    expect((await w.proxy(await signedFor(w.volume.region, '/shared-genomes/a'))).status).toBe(404);
    expect(w.sent).toHaveLength(1);
    const location = await w.proxy(await signedFor('ap-south-1', '/shared-genomes', false, { location: '' }));
    expect(await bodyText(location)).toContain(`>${w.volume.region}</LocationConstraint>`);
    expect((await w.proxy(await signedFor('ap-south-1', '/'))).status).toBe(200);
  });
});
