/** What reaches S3 for each request, and what comes back, through the core with the local S3 behind it. */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encode } from '../sigv4/helpers';
import { bodyText, type ProxyWorld, proxyWorld } from './world';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

const path = (key: string) => `/shared-genomes/${key.split('/').map(encode).join('/')}`;
const put = (key: string, body: string) => w.send({ method: 'PUT', path: path(key), body });

describe('keys', () => {
  it('reach S3 under the root of the volume, in its real bucket', async () => {
    await put('dir/a.txt', 'a');
    expect(w.sent[0]).toMatchObject({ method: 'PUT', bucket: 'lab-genomes', region: 'eu-central-1', key: 'runs/2025/dir/a.txt' });
  });

  it('with spaces, +, =, %, unicode, // and the volume’s or bucket’s name round-trip exactly', async () => {
    const keys = ['a b.txt', 'c+d=e.txt', '100%.txt', 'é/ü/✓.txt', 'x//y', 'shared-genomes/lab-genomes/runs/2025/z', '%2F', 'trailing/'];
    for (const key of keys) {
      expect((await put(key, `body of ${key}`)).status).toBe(200);
      expect(await bodyText(await w.send({ path: path(key) }))).toBe(`body of ${key}`);
    }
    const listed = await bodyText(await w.send({ path: '/shared-genomes', query: { 'list-type': '2' } }));
    const listedKeys = [...listed.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    expect(listedKeys.sort()).toEqual([...keys].sort());
  });

  it('in a path encoded differently than signed (a literal +, lower-case hex) name the same object', async () => {
    await put('c+d.txt', 'plus');
    const signed = await w.sign({ path: '/shared-genomes/c%2Bd.txt' });
    for (const rawPath of ['/shared-genomes/c+d.txt', '/shared-genomes/c%2bd.txt']) {
      expect(await bodyText(await w.proxy({ ...signed, rawPath, body: (await w.sign({ path: '/x' })).body }))).toBe('plus');
    }
  });
});

describe('listings', () => {
  beforeEach(async () => {
    for (const key of ['a/1', 'a/2', 'b/1', 'c']) await put(key, key);
    await w.s3.send({ method: 'PUT', path: '/lab-genomes/runs/2025-other/secret', body: 's' });
    await w.s3.send({ method: 'PUT', path: '/lab-genomes/elsewhere', body: 's' });
  });

  it('always send S3 a prefix under the root, whatever the client asks', async () => {
    await w.send({ path: '/shared-genomes', query: { 'list-type': '2' } });
    await w.send({ path: '/shared-genomes', query: { prefix: 'a/', marker: 'a/1' } });
    await w.send({ path: '/shared-genomes', query: { 'list-type': '2', 'start-after': 'a', delimiter: '/' } });
    expect(w.sent.slice(-3).map((r) => r.query)).toEqual([
      [
        ['list-type', '2'],
        ['prefix', 'runs/2025/'],
      ],
      [
        ['prefix', 'runs/2025/a/'],
        ['marker', 'runs/2025/a/1'],
      ],
      [
        ['list-type', '2'],
        ['start-after', 'runs/2025/a'],
        ['delimiter', '/'],
        ['prefix', 'runs/2025/'],
      ],
    ]);
  });

  it('with prefix and delimiter show relative keys and prefixes only', async () => {
    const text = await bodyText(await w.send({ path: '/shared-genomes', query: { 'list-type': '2', delimiter: '/' } }));
    expect([...text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['c']);
    expect([...text.matchAll(/<Prefix>([^<]*)<\/Prefix>/g)].map((m) => m[1])).toEqual(['', 'a/', 'b/']);
    expect(text).not.toMatch(/runs\/2025|lab-genomes|secret|elsewhere/);
  });

  it('page with V1 markers the client got from the proxy', async () => {
    const first = await bodyText(await w.send({ path: '/shared-genomes', query: { 'max-keys': '2' } }));
    expect([...first.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['a/1', 'a/2']);
    const second = await bodyText(await w.send({ path: '/shared-genomes', query: { 'max-keys': '2', marker: 'a/2' } }));
    expect([...second.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['b/1', 'c']);
  });
});

describe('objects', () => {
  it('GetObject passes ranges and conditionals through, with S3’s 206 and Content-Range', async () => {
    await put('r.txt', '0123456789abcdef');
    const ranged = await w.send({ path: path('r.txt'), headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe('bytes 0-9/16');
    expect(await bodyText(ranged)).toBe('0123456789');
    const etag = ranged.headers.etag!;
    const notModified = await w.send({ path: path('r.txt'), headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
  });

  it('HeadObject keeps the real Content-Length, also of an empty object', async () => {
    await put('empty', '');
    await put('five', '12345');
    const empty = await w.send({ method: 'HEAD', path: path('empty') });
    expect([empty.status, empty.headers['content-length'], empty.body]).toEqual([200, '0', '']);
    expect((await w.send({ method: 'HEAD', path: path('five') })).headers['content-length']).toBe('5');
  });

  it('a missing key is NoSuchKey naming the client’s key', async () => {
    const response = await w.send({ path: path('nope/missing.txt') });
    expect(response.status).toBe(404);
    const text = await bodyText(response);
    expect(text).toMatch(/<Code>NoSuchKey<\/Code>/);
    expect(text).toMatch(/<Key>nope\/missing.txt<\/Key>/);
    expect(text).not.toMatch(/runs\/2025|lab-genomes/);
  });

  it('CopyObject within the volume is rewritten to the real bucket and key, and copies', async () => {
    await put('src file.txt', 'copy me');
    const response = await w.send({
      method: 'PUT',
      path: path('dst.txt'),
      headers: { 'x-amz-copy-source': '/shared-genomes/src%20file.txt' },
    });
    expect(response.status).toBe(200);
    expect(w.sent[1]!.headers['x-amz-copy-source']).toBe('/lab-genomes/runs/2025/src%20file.txt');
    expect(await bodyText(await w.send({ path: path('dst.txt') }))).toBe('copy me');
  });

  it('a copy source in a volume the caller cannot see is AccessDenied, and nothing is forwarded', async () => {
    const response = await w.send({ method: 'PUT', path: path('dst.txt'), headers: { 'x-amz-copy-source': 'someone-elses/secret.txt' } });
    expect(response.status).toBe(403);
    expect(await bodyText(response)).toMatch(/You may not read the copy source &quot;someone-elses\/secret.txt&quot;/);
    expect(w.sent).toEqual([]);
  });

  it('DeleteObjects names each key under the root, with a Content-MD5 of the body S3 gets', async () => {
    await put('d1', '1');
    await put('d 2', '2');
    const body = '<Delete><Object><Key>d1</Key></Object><Object><Key>d 2</Key></Object><Quiet>false</Quiet></Delete>';
    const md5 = createHash('md5').update(body).digest('base64');
    const response = await w.send({
      method: 'POST',
      path: '/shared-genomes',
      query: { delete: '' },
      body,
      headers: { 'content-md5': md5 },
    });
    expect(response.status).toBe(200);
    const text = await bodyText(response);
    expect([...text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]).sort()).toEqual(['d 2', 'd1']);
    const sent = w.sent.at(-1)!;
    expect(String(sent.body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Delete ' +
        'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>runs/2025/d1</Key></Object><Object><Key>runs/2025/d ' +
        '2</Key></Object><Quiet>false</Quiet></Delete>',
    );
    expect(sent.headers['content-md5']).toBe(createHash('md5').update(String(sent.body)).digest('base64'));
    expect((await w.send({ path: path('d1') })).status).toBe(404);
  });

  it('DeleteObjects with a wrong Content-MD5 is BadDigest, and nothing is deleted', async () => {
    await put('d1', '1');
    const response = await w.send({
      method: 'POST',
      path: '/shared-genomes',
      query: { delete: '' },
      body: '<Delete><Object><Key>d1</Key></Object></Delete>',
      headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
    });
    expect(response.status).toBe(400);
    expect(await bodyText(response)).toMatch(/BadDigest/);
    expect((await w.send({ path: path('d1') })).status).toBe(200);
  });

  it('operations the proxy does not implement are NotImplemented and never forwarded', async () => {
    const response = await w.send({ path: '/shared-genomes', query: { policy: '' } });
    expect(response.status).toBe(501);
    expect(await bodyText(response)).toMatch(/<Code>NotImplemented<\/Code><Message>The S3 proxy does not implement GetBucketPolicy/);
    expect(w.sent).toEqual([]);
  });
});

describe('object ACL headers', () => {
  it("a canned ACL that leaves the object as S3 would anyway (rclone's X-Amz-Acl: private) is not forwarded; the write lands", async () => {
    for (const acl of ['private', 'bucket-owner-full-control']) {
      const response = await w.send({ method: 'PUT', path: path(`acl/${acl}.txt`), body: acl, headers: { 'x-amz-acl': acl } });
      expect(response.status).toBe(200);
      expect(w.sent.at(-1)!.headers['x-amz-acl']).toBeUndefined();
    }
    const create = await w.send({ method: 'POST', path: path('acl/mpu.bin'), query: { uploads: '' }, headers: { 'x-amz-acl': 'private' } });
    expect(create.status).toBe(200);
    expect(w.sent.at(-1)!.headers['x-amz-acl']).toBeUndefined();
  });

  it('an ACL that would open the object beyond the volume (public-read, a grant) is AccessDenied and never forwarded', async () => {
    const asked: Array<Record<string, string>> = [
      { 'x-amz-acl': 'public-read' },
      { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' },
    ];
    for (const headers of asked) {
      const response = await w.send({ method: 'PUT', path: path('acl/open.txt'), body: 'open', headers });
      expect(response.status).toBe(403);
      expect(await bodyText(response)).toMatch(
        /<Code>AccessDenied<\/Code><Message>The S3 proxy does not set object ACLs \((x-amz-acl: public-read|x-amz-grant-read)\)/,
      );
    }
    expect(w.sent).toEqual([]);
  });
});

describe('multipart uploads', () => {
  it('create, upload part, list, complete: keys relative to the volume throughout', async () => {
    const created = await bodyText(await w.send({ method: 'POST', path: path('big.bin'), query: { uploads: '' } }));
    expect(created).toMatch(/<Bucket>shared-genomes<\/Bucket><Key>big.bin<\/Key>/);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)![1]!;
    const part = await w.send({ method: 'PUT', path: path('big.bin'), query: { partNumber: '1', uploadId }, body: 'only part' });
    expect(part.status).toBe(200);
    const uploads = await bodyText(await w.send({ path: '/shared-genomes', query: { uploads: '' } }));
    expect(uploads).toMatch(/<Upload><Key>big.bin<\/Key>/);
    const parts = await bodyText(await w.send({ path: path('big.bin'), query: { uploadId } }));
    expect(parts).toMatch(/<Key>big.bin<\/Key>/);
    const etag = part.headers.etag;
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await bodyText(
      await w.send({
        method: 'POST',
        path: path('big.bin'),
        query: { uploadId },
        body: complete,
        headers: { 'content-type': 'application/xml' },
      }),
    );
    expect(done).toMatch(
      /<Location>http:\/\/proxy.test\/shared-genomes\/big.bin<\/Location><Bucket>shared-genomes<\/Bucket><Key>big.bin<\/Key>/,
    );
    expect(await bodyText(await w.send({ path: path('big.bin') }))).toBe('only part');
  });
});
