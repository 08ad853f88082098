import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, createBucket, errorCode, type Harness, harness, putObject, textOf, xmlOf } from './helpers';

const CONTENT = '0123456789abcdefghij'; // 20 bytes

describe('GetObject and HeadObject', () => {
  let h: Harness;
  let etag: string;
  beforeEach(async () => {
    h = await harness({ now: () => new Date('2030-01-02T03:04:05.678Z') });
    await createBucket(h, 'bkt');
    etag = (await putObject(h, 'bkt', 'k', CONTENT, { 'content-type': 'text/plain', 'x-amz-meta-colour': 'blue' })).headers!.etag!;
  });
  afterEach(() => h.cleanup());

  const get = (headers: Record<string, string> = {}, query = '') => h.send({ path: '/bkt/k', headers, query });

  it('returns the content with its headers', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(await textOf(response)).toBe(CONTENT);
    expect(response.headers).toMatchObject({
      'content-length': '20',
      'content-type': 'text/plain',
      etag,
      'last-modified': 'Wed, 02 Jan 2030 03:04:05 GMT',
      'accept-ranges': 'bytes',
      'x-amz-meta-colour': 'blue',
    });
    expect(response.headers!['x-amz-request-id']).toBeTruthy();
  });

  it('serves byte ranges a-b, a- and the suffix -n as 206 with Content-Range', async () => {
    const cases: [string, string, string][] = [
      ['bytes=0-9', '0123456789', 'bytes 0-9/20'],
      ['bytes=15-', 'fghij', 'bytes 15-19/20'],
      ['bytes=-3', 'hij', 'bytes 17-19/20'],
      ['bytes=-50', CONTENT, 'bytes 0-19/20'],
      ['bytes=18-99', 'ij', 'bytes 18-19/20'],
    ];
    for (const [range, body, contentRange] of cases) {
      const response = await get({ range });
      expect(response.status, range).toBe(206);
      expect(await textOf(response), range).toBe(body);
      expect(response.headers!['content-range'], range).toBe(contentRange);
      expect(response.headers!['content-length'], range).toBe(String(body.length));
    }
  });

  it('answers an unsatisfiable range with 416 InvalidRange', async () => {
    for (const range of ['bytes=20-', 'bytes=25-30', 'bytes=-0']) {
      const response = await get({ range });
      expect(response.status, range).toBe(416);
      const xml = await xmlOf(response);
      expect(xml.Error.Code).toBe('InvalidRange');
      expect(xml.Error.ActualObjectSize).toBe('20');
      expect(response.headers!['content-range']).toBe('bytes */20');
    }
  });

  it('ignores a range it does not understand and sends everything', async () => {
    for (const range of ['bytes=5-2', 'items=0-1', 'bytes=0-1,4-5']) {
      const response = await get({ range });
      expect(response.status, range).toBe(200);
      expect(await textOf(response)).toBe(CONTENT);
    }
  });

  it('answers HEAD with the real Content-Length and no body, ranges included', async () => {
    const response = await h.send({ method: 'HEAD', path: '/bkt/k' });
    expect(response.status).toBe(200);
    expect(response.headers!['content-length']).toBe('20');
    expect(response.body).toBeUndefined();
    const ranged = await h.send({ method: 'HEAD', path: '/bkt/k', headers: { range: 'bytes=2-5' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers!['content-length']).toBe('4');
  });

  it('answers HEAD of a missing key with 404 and no body', async () => {
    const response = await h.send({ method: 'HEAD', path: '/bkt/nope' });
    expect(response.status).toBe(404);
    expect(response.body).toBeUndefined();
  });

  it('answers GET of a missing key with NoSuchKey naming the key', async () => {
    const response = await h.send({ path: '/bkt/nope' });
    expect(response.status).toBe(404);
    const xml = await xmlOf(response);
    expect(xml.Error).toMatchObject({ Code: 'NoSuchKey', Key: 'nope' });
    expect(xml.Error.RequestId).toBe(response.headers!['x-amz-request-id']);
  });

  describe('conditional requests', () => {
    const before = 'Tue, 01 Jan 2030 00:00:00 GMT';
    const same = 'Wed, 02 Jan 2030 03:04:05 GMT';
    const after = 'Thu, 03 Jan 2030 00:00:00 GMT';

    it('answers 304 for a matching If-None-Match and for If-Modified-Since not passed', async () => {
      const cases: Record<string, string>[] = [
        { 'if-none-match': etag },
        { 'if-none-match': '*' },
        { 'if-modified-since': same },
        { 'if-modified-since': after },
      ];
      for (const headers of cases) {
        const response = await get(headers);
        expect(response.status, JSON.stringify(headers)).toBe(304);
        expect(response.body).toBeUndefined();
        expect(response.headers!.etag).toBe(etag);
      }
    });

    it('answers 412 for a failing If-Match or If-Unmodified-Since', async () => {
      const cases: Record<string, string>[] = [{ 'if-match': '"0000"' }, { 'if-unmodified-since': before }];
      for (const headers of cases) {
        const response = await get(headers);
        expect(response.status, JSON.stringify(headers)).toBe(412);
        expect(await errorCode(response)).toBe('PreconditionFailed');
      }
    });

    it('lets a passing If-Match outrank a failing If-Unmodified-Since (S3 precedence)', async () => {
      expect((await get({ 'if-match': etag, 'if-unmodified-since': before })).status).toBe(200);
    });

    it('lets a failing If-None-Match outrank a passing If-Modified-Since (304)', async () => {
      expect((await get({ 'if-none-match': etag, 'if-modified-since': before })).status).toBe(304);
    });

    it('lets a passing If-None-Match outrank a failing If-Modified-Since (200)', async () => {
      expect((await get({ 'if-none-match': '"other"', 'if-modified-since': after })).status).toBe(200);
    });

    it('checks If-Match before If-None-Match (412 wins over 304)', async () => {
      expect((await get({ 'if-match': '"0000"', 'if-none-match': etag })).status).toBe(412);
    });

    it('sends the object when every condition holds, unquoted ETags and lists included', async () => {
      expect(
        (await get({ 'if-match': `"x", ${etag.slice(1, -1)}`, 'if-modified-since': before, 'if-unmodified-since': after })).status,
      ).toBe(200);
    });

    it('applies the same conditions to HEAD', async () => {
      expect((await h.send({ method: 'HEAD', path: '/bkt/k', headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await h.send({ method: 'HEAD', path: '/bkt/k', headers: { 'if-match': '"zz"' } })).status).toBe(412);
    });
  });

  it('replaces headers with the response-* query overrides', async () => {
    const query = [
      'response-content-type=application/json',
      'response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22',
      'response-cache-control=no-cache',
      'response-content-encoding=identity',
      'response-content-language=fr',
      'response-expires=Thu%2C%2001%20Jan%202031%2000%3A00%3A00%20GMT',
    ].join('&');
    const response = await get({}, query);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'content-disposition': 'attachment; filename="a b.txt"',
      'cache-control': 'no-cache',
      'content-encoding': 'identity',
      'content-language': 'fr',
      expires: 'Thu, 01 Jan 2031 00:00:00 GMT',
    });
  });

  it.each([
    ['response-content-type', 'text/plain%0D%0AX-Injected:%201', false],
    ['response-content-disposition', 'attachment%0Afilename%3Da', false],
    ['response-cache-control', 'no-cache%00', false],
    ['response-content-language', 'fr%7F', false],
    ['response-expires', 'Thu%2C%2001%20Jan%202031%20%E2%80%93', true],
    ['response-content-encoding', '%E6%97%A5%E6%9C%AC', true],
  ])('refuses %s that no header can carry (%s) with 400 InvalidArgument naming it, not a 500', async (param, value, echoed) => {
    for (const method of ['GET', 'HEAD']) {
      const response = await h.send({ method, path: '/bkt/k', query: `${param}=${value}` });
      expect(response.status).toBe(400);
      if (method === 'HEAD') continue;
      expect(await errorCode(response)).toBe('InvalidArgument');
      const error = (await xmlOf(await h.send({ path: '/bkt/k', query: `${param}=${value}` }))).Error;
      expect(error.ArgumentName).toBe(param);
      expect(error.ArgumentValue !== undefined).toBe(echoed);
    }
    expect(
      (await get({}, 'response-content-disposition=attachment%3B%20filename%3D%22caf%C3%A9.txt%22')).headers!['content-disposition'],
    ).toBe('attachment; filename="café.txt"');
  });

  it('serves partNumber=1 of a single-part object and refuses partNumber with Range', async () => {
    const part = await get({}, 'partNumber=1');
    expect(part.status).toBe(206);
    expect(await textOf(part)).toBe(CONTENT);
    expect((await get({}, 'partNumber=2')).status).toBe(416);
    expect((await get({}, 'partNumber=0')).status).toBe(400);
    expect((await get({ range: 'bytes=0-1' }, 'partNumber=1')).status).toBe(400);
  });

  it('serves an empty object, and a range of it is unsatisfiable', async () => {
    await putObject(h, 'bkt', 'empty', '');
    const response = await h.send({ path: '/bkt/empty' });
    expect(response.status).toBe(200);
    expect(response.headers!['content-length']).toBe('0');
    expect((await bodyOf(response)).length).toBe(0);
    expect((await h.send({ path: '/bkt/empty', headers: { range: 'bytes=0-' } })).status).toBe(416);
  });
});
