/** Who is calling, and how each kind of caller is refused, through the proxy's core. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { bodyText, KEY_ID, proxyWorld, SECRET, type ProxyWorld } from './world';

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
  expect(text).toMatch(new RegExp(`<Error><Code>${code}</Code><Message>[^<]+</Message>[\\s\\S]*<RequestId>${response.headers['x-amz-request-id']}</RequestId></Error>$`));
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
    const response = await w.send({ method: 'PUT', path: '/shared-genomes/x', body: 'x', as: { accessKeyId: KEY_ID, secretAccessKey: `${SECRET}-wrong` } });
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
    const response = await w.send({ method: 'PUT', path: '/shared-genomes/t.txt', body: 'by token', as: { accessKeyId: JWT, secretAccessKey: 'N/A' } });
    expect(response.status).toBe(200);
    const event = w.audit.events.find((e) => e.action === 'proxy.PutObject')!;
    expect(event).toMatchObject({ subject: 'alice', outcome: 'succeeded', detail: { via: 'jwt', key: 't.txt' } });
    expect(JSON.stringify(w.audit.events)).not.toContain(JWT);
    expect(w.logs.join('\n')).not.toContain(JWT.split('.')[2]);
  });

  it('that has expired gets ExpiredToken, one that does not verify InvalidAccessKeyId', async () => {
    const expired = 'eyJhbGciOiJSUzI1NiJ9.expired.c2ln';
    await expectS3Error(await w.send({ path: '/shared-genomes/a', as: { accessKeyId: expired, secretAccessKey: 'N/A' } }), 400, 'ExpiredToken');
    await expectS3Error(await w.send({ path: '/shared-genomes/a', as: { accessKeyId: JWT, secretAccessKey: 'N/A' } }), 403, 'InvalidAccessKeyId');
  });
});

describe('callers that are not S3 clients', () => {
  const raw = (headers: Record<string, string>) => ({ method: 'GET', rawPath: '/shared-genomes/a', rawQuery: '', headers: { host: 'proxy.test', ...headers }, body: Readable.from([]), requestId: 'R1' });

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
  expect(line).toMatchObject({ requestId: 'REQ-1', operation: 'PutObject', volume: 'shared-genomes', key: 'hello.txt', subject: 'alice', status: 200 });
  const request = await w.sign({ path: '/shared-genomes/hello.txt' });
  await w.proxy(request);
  const signature = /Signature=([0-9a-f]+)/.exec(request.headers.authorization!)![1]!;
  expect(w.logs.join('\n')).not.toContain(signature);
  expect(w.logs.join('\n')).not.toContain(SECRET);
});
