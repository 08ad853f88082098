import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Base64, md5Hex, putObject, textOf, xmlOf } from './helpers';

const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};
const crc32Of = (data: string) => be32(crc32(data));
const sha256Of = (data: string) => createHash('sha256').update(data).digest('base64');
const sha1Of = (data: string) => createHash('sha1').update(data).digest('base64');

/** Every file under a directory, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  return out;
}

describe('PutObject', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'bkt');
  });
  afterEach(() => h.cleanup());

  const put = (
    key: string,
    body: string | Buffer | Readable,
    headers: Record<string, string> = {},
    extra: { checksums?: Promise<Record<string, string>> } = {},
  ) => h.send({ method: 'PUT', path: `/bkt/${key}`, body, headers, ...extra });
  const exists = async (key: string) => (await h.send({ method: 'HEAD', path: `/bkt/${key}` })).status === 200;

  it('answers with the quoted hex MD5 as ETag and stores the representation headers', async () => {
    const response = await put('doc', 'hello', {
      'content-type': 'text/html',
      'content-disposition': 'inline',
      'cache-control': 'max-age=60',
      'content-language': 'en',
      expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
      'x-amz-meta-Author': 'Ada',
    });
    expect(response.status).toBe(200);
    expect(response.headers!.etag).toBe(`"${md5Hex('hello')}"`);
    const got = await h.send({ path: '/bkt/doc' });
    expect(got.headers).toMatchObject({
      'content-type': 'text/html',
      'content-disposition': 'inline',
      'cache-control': 'max-age=60',
      'content-language': 'en',
      expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
      'x-amz-meta-author': 'Ada',
      etag: `"${md5Hex('hello')}"`,
    });
  });

  it('defaults Content-Type to binary/octet-stream', async () => {
    await put('plain', 'x');
    expect((await h.send({ method: 'HEAD', path: '/bkt/plain' })).headers!['content-type']).toBe('binary/octet-stream');
  });

  it('drops aws-chunked from the stored Content-Encoding', async () => {
    await put('gz', 'x', { 'content-encoding': 'aws-chunked,gzip' });
    await put('chunked', 'x', { 'content-encoding': 'aws-chunked' });
    expect((await h.send({ method: 'HEAD', path: '/bkt/gz' })).headers!['content-encoding']).toBe('gzip');
    expect((await h.send({ method: 'HEAD', path: '/bkt/chunked' })).headers!['content-encoding']).toBeUndefined();
  });

  it('accepts a correct Content-MD5, refuses a wrong one (BadDigest) and a malformed one (InvalidDigest)', async () => {
    expect((await put('md5-ok', 'data', { 'content-md5': md5Base64('data') })).status).toBe(200);
    const bad = await put('md5-bad', 'data', { 'content-md5': md5Base64('other') });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('BadDigest');
    const malformed = await put('md5-malformed', 'data', { 'content-md5': 'not-base64' });
    expect(await errorCode(malformed)).toBe('InvalidDigest');
    expect(await exists('md5-bad')).toBe(false);
    expect(await exists('md5-malformed')).toBe(false);
  });

  it('verifies and stores each additional checksum algorithm, returning it only on checksum mode for whole objects', async () => {
    const data = '123456789';
    const cases: [string, string][] = [
      ['crc32', crc32Of(data)],
      ['crc32c', be32(0xe3069283)],
      ['crc64nvme', Buffer.from('ae8b14860a799888', 'hex').toString('base64')],
      ['sha1', sha1Of(data)],
      ['sha256', sha256Of(data)],
    ];
    for (const [algorithm, value] of cases) {
      const response = await put(`sum-${algorithm}`, data, { [`x-amz-checksum-${algorithm}`]: value });
      expect(response.status, algorithm).toBe(200);
      expect(response.headers![`x-amz-checksum-${algorithm}`]).toBe(value);
      const withMode = await h.send({ path: `/bkt/sum-${algorithm}`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      expect(withMode.headers![`x-amz-checksum-${algorithm}`], algorithm).toBe(value);
      expect(withMode.headers!['x-amz-checksum-type']).toBe('FULL_OBJECT');
      const without = await h.send({ path: `/bkt/sum-${algorithm}` });
      expect(without.headers![`x-amz-checksum-${algorithm}`]).toBeUndefined();
      const ranged = await h.send({ path: `/bkt/sum-${algorithm}`, headers: { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-1' } });
      expect(ranged.headers![`x-amz-checksum-${algorithm}`]).toBeUndefined();
    }
  });

  it('refuses a checksum that does not match (BadDigest, nothing stored), a malformed one and two at once (InvalidRequest)', async () => {
    const wrong = await put('crc-wrong', 'abc', { 'x-amz-checksum-crc32': crc32Of('abd') });
    expect(wrong.status).toBe(400);
    const xml = await xmlOf(wrong);
    expect(xml.Error.Code).toBe('BadDigest');
    expect(xml.Error.Message).toBe('The CRC32 you specified did not match the calculated checksum.');
    expect(await exists('crc-wrong')).toBe(false);
    expect(await errorCode(await put('crc-malformed', 'abc', { 'x-amz-checksum-crc32': 'AAAA' }))).toBe('InvalidRequest');
    expect(
      await errorCode(await put('two', 'abc', { 'x-amz-checksum-crc32': crc32Of('abc'), 'x-amz-checksum-sha256': sha256Of('abc') })),
    ).toBe('InvalidRequest');
  });

  it('verifies and stores a checksum from the aws-chunked trailer', async () => {
    const headers = {
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
      'x-amz-decoded-content-length': '5',
      'content-encoding': 'aws-chunked',
    };
    const ok = await put('trailer-ok', 'hello', headers, { checksums: Promise.resolve({ 'x-amz-checksum-crc32': crc32Of('hello') }) });
    expect(ok.status).toBe(200);
    expect(ok.headers!['x-amz-checksum-crc32']).toBe(crc32Of('hello'));
    const bad = await put('trailer-bad', 'hello', headers, { checksums: Promise.resolve({ 'x-amz-checksum-crc32': crc32Of('jello') }) });
    expect(await errorCode(bad)).toBe('BadDigest');
    expect(await exists('trailer-bad')).toBe(false);
  });

  it('also reads the trailer the dispatcher attaches to the body stream, even for an algorithm no header announced', async () => {
    const body = Object.assign(Readable.from([Buffer.from('hello')]), {
      trailers: Promise.resolve({ 'x-amz-checksum-sha256': sha256Of('hello') }),
    });
    const ok = await put('body-trailer', body);
    expect(ok.status).toBe(200);
    const bad = Object.assign(Readable.from([Buffer.from('hello')]), {
      trailers: Promise.resolve({ 'x-amz-checksum-sha256': sha256Of('hullo') }),
    });
    expect(await errorCode(await put('body-trailer-bad', bad))).toBe('BadDigest');
  });

  it('computes and keeps the checksum an SDK announces without sending one', async () => {
    const response = await put('sdk', 'hello', { 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    expect(response.headers!['x-amz-checksum-crc32']).toBe(crc32Of('hello'));
  });

  describe('conditional writes', () => {
    it('refuses If-None-Match: * over an existing key with 412 and accepts it for a new key', async () => {
      expect((await put('cond', 'one', { 'if-none-match': '*' })).status).toBe(200);
      const again = await put('cond', 'two', { 'if-none-match': '*' });
      expect(again.status).toBe(412);
      expect(await errorCode(again)).toBe('PreconditionFailed');
      expect(await textOf(await h.send({ path: '/bkt/cond' }))).toBe('one');
    });

    it('writes on a matching If-Match and refuses a stale one with 412', async () => {
      const etag = (await put('cas', 'v1')).headers!.etag!;
      expect((await put('cas', 'v2', { 'if-match': etag })).status).toBe(200);
      expect((await put('cas', 'v3', { 'if-match': etag })).status).toBe(412);
      expect(await textOf(await h.send({ path: '/bkt/cas' }))).toBe('v2');
    });

    it('answers If-Match on a missing key with NoSuchKey', async () => {
      expect(await errorCode(await put('absent', 'v', { 'if-match': '"abc"' }))).toBe('NoSuchKey');
    });

    it('answers If-None-Match with anything but * as not implemented', async () => {
      expect((await put('etagged', 'v', { 'if-none-match': '"abc"' })).status).toBe(501);
    });

    it('lets only one of two concurrent If-None-Match: * writes win', async () => {
      const results = await Promise.all([put('race', 'a', { 'if-none-match': '*' }), put('race', 'b', { 'if-none-match': '*' })]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    });
  });

  it('accepts any storage class S3 knows and reports STANDARD; refuses an unknown one', async () => {
    expect((await put('cold', 'x', { 'x-amz-storage-class': 'GLACIER' })).status).toBe(200);
    const listing = await xmlOf(await h.send({ path: '/bkt', query: 'list-type=2&prefix=cold' }));
    expect(listing.ListBucketResult.Contents[0].StorageClass).toBe('STANDARD');
    expect(await errorCode(await put('bad-class', 'x', { 'x-amz-storage-class': 'FROZEN' }))).toBe('InvalidStorageClass');
  });

  it('refuses user metadata over 2 KB', async () => {
    expect(await errorCode(await put('meta', 'x', { 'x-amz-meta-big': 'v'.repeat(2100) }))).toBe('MetadataTooLarge');
  });

  it('keeps exactly one content file per key after overwrites', async () => {
    for (let i = 0; i < 5; i++) await putObject(h, 'bkt', 'same', `version ${i}`);
    const data = (await filesUnder(join(h.dir, 'buckets', 'bkt', 'objects'))).filter((f) => f.endsWith('.data'));
    expect(data).toHaveLength(1);
    expect(await textOf(await h.send({ path: '/bkt/same' }))).toBe('version 4');
  });

  it('leaves no object and no temp file when the client aborts mid-upload', async () => {
    await putObject(h, 'bkt', 'victim', 'original');
    const body = new Readable({ read() {} });
    const pending = put('victim', body, { 'content-length': String(4 * 1024 * 1024) });
    body.push(Buffer.alloc(1024 * 1024, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    const response = await pending;
    expect(response.status).toBe(400);
    expect(await textOf(await h.send({ path: '/bkt/victim' }))).toBe('original');
    const fresh = new Readable({ read() {} });
    const pendingFresh = put('never', fresh);
    fresh.push(Buffer.alloc(1000));
    fresh.destroy(new Error('aborted'));
    expect((await pendingFresh).status).toBe(400);
    expect(await exists('never')).toBe(false);
    expect(await readdir(join(h.dir, 'tmp'))).toEqual([]);
  });

  it('refuses a body shorter than its Content-Length with IncompleteBody, storing nothing', async () => {
    const response = await put('short', 'only ten b', { 'content-length': '100' });
    expect(await errorCode(response)).toBe('IncompleteBody');
    expect(await exists('short')).toBe(false);
  });
});
