import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Base64, putObject, xmlOf } from './helpers';

const CONFIG = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <ID>app</ID>
    <AllowedOrigin>https://*.example.org</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>HEAD</AllowedMethod>
  </CORSRule>
</CORSConfiguration>`;

describe('CORS', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'web');
    await putObject(h, 'web', 'page.html', '<p>hi</p>');
  });
  afterEach(() => h.cleanup());

  const putCors = (body = CONFIG) =>
    h.send({ method: 'PUT', path: '/web', query: 'cors', body, headers: { 'content-md5': md5Base64(body) } });
  const preflight = (headers: Record<string, string>, path = '/web/page.html') =>
    h.send({ method: 'OPTIONS', path, headers, caller: null });

  it('stores, returns and deletes a bucket’s CORS configuration', async () => {
    expect(await errorCode(await h.send({ path: '/web', query: 'cors' }))).toBe('NoSuchCORSConfiguration');
    expect((await putCors()).status).toBe(200);
    const config = (await xmlOf(await h.send({ path: '/web', query: 'cors' }))).CORSConfiguration;
    expect(config.CORSRule[0]).toMatchObject({
      ID: 'app',
      AllowedOrigin: ['https://*.example.org'],
      AllowedMethod: ['GET', 'PUT'],
      AllowedHeader: ['content-type', 'x-amz-*'],
      ExposeHeader: ['ETag', 'x-amz-request-id'],
      MaxAgeSeconds: '600',
    });
    expect(config.CORSRule).toHaveLength(2);
    expect((await h.send({ method: 'DELETE', path: '/web', query: 'cors' })).status).toBe(204);
    expect(await errorCode(await h.send({ path: '/web', query: 'cors' }))).toBe('NoSuchCORSConfiguration');
  });

  it('refuses invalid configurations and ones without a digest', async () => {
    expect(
      await errorCode(await putCors(CONFIG.replace('<AllowedMethod>PUT</AllowedMethod>', '<AllowedMethod>PATCH</AllowedMethod>'))),
    ).toBe('InvalidRequest');
    expect(await errorCode(await putCors(CONFIG.replace('https://*.example.org', 'https://*.*.org')))).toBe('InvalidRequest');
    expect(await errorCode(await putCors('<CORSConfiguration></CORSConfiguration>'))).toBe('MalformedXML');
    expect(await errorCode(await h.send({ method: 'PUT', path: '/web', query: 'cors', body: CONFIG }))).toBe('InvalidRequest');
  });

  it('answers an allowed preflight without authentication, from the first matching rule', async () => {
    await putCors();
    const response = await preflight({
      origin: 'https://app.example.org',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'Content-Type, X-Amz-Date, x-amz-content-sha256',
    });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, PUT',
      'access-control-allow-headers': 'content-type, x-amz-date, x-amz-content-sha256',
      'access-control-expose-headers': 'ETag, x-amz-request-id',
      'access-control-max-age': '600',
    });
    expect(response.headers!.vary).toContain('Origin');
    expect(
      h.auth.calls.filter((c) => c.action !== 's3:CreateBucket' && c.action !== 's3:PutObject' && c.action !== 's3:PutBucketCORS'),
    ).toEqual([]);
  });

  it('answers a wildcard-origin rule with a literal * and no credentials', async () => {
    await putCors();
    const response = await preflight({ origin: 'https://anyone.test', 'access-control-request-method': 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers!['access-control-allow-origin']).toBe('*');
    expect(response.headers!['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses a preflight no rule allows with 403 and no Access-Control headers', async () => {
    await putCors();
    const refusals: Record<string, string>[] = [
      { origin: 'https://evil.test', 'access-control-request-method': 'GET' },
      { origin: 'https://app.example.org', 'access-control-request-method': 'DELETE' },
      { origin: 'https://app.example.org', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' },
      { origin: 'http://app.example.org', 'access-control-request-method': 'GET' },
    ];
    for (const headers of refusals) {
      const response = await preflight(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      const xml = await xmlOf(response);
      expect(xml.Error.Code).toBe('AccessForbidden');
      expect(xml.Error.Message).toMatch(/^CORSResponse: This CORS request is not allowed/);
      expect(response.headers!['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses a preflight to a bucket without CORS, to a missing bucket, and one without Origin', async () => {
    const noCors = await preflight({ origin: 'https://app.example.org', 'access-control-request-method': 'GET' });
    expect(noCors.status).toBe(403);
    expect((await xmlOf(noCors)).Error.Message).toBe('CORSResponse: CORS is not enabled for this bucket.');
    expect((await preflight({ origin: 'https://a.test', 'access-control-request-method': 'GET' }, '/nope/x')).status).toBe(403);
    await putCors();
    expect((await preflight({ 'access-control-request-method': 'GET' })).status).toBe(400);
  });

  it('adds Access-Control headers to actual requests whose Origin matches, errors included', async () => {
    await putCors();
    const ok = await h.send({ path: '/web/page.html', headers: { origin: 'https://app.example.org' } });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-expose-headers': 'ETag, x-amz-request-id',
    });
    expect(ok.headers!['access-control-allow-headers']).toBeUndefined();
    const missing = await h.send({ path: '/web/missing.html', headers: { origin: 'https://app.example.org' } });
    expect(missing.status).toBe(404);
    expect(missing.headers!['access-control-allow-origin']).toBe('https://app.example.org');
    const foreign = await h.send({ path: '/web/page.html', headers: { origin: 'https://evil.test' } });
    expect(foreign.headers!['access-control-allow-origin']).toBeUndefined();
    const noOrigin = await h.send({ path: '/web/page.html' });
    expect(noOrigin.headers!['access-control-allow-origin']).toBeUndefined();
  });
});
