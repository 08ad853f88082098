import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Hex, OTHER_ACCOUNT, putObject, textOf, userCaller, xmlOf } from './helpers';

describe('CopyObject', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'src-bucket');
    await createBucket(h, 'dst-bucket');
    await putObject(h, 'src-bucket', 'dir/source file+1.txt', 'copy me', { 'content-type': 'text/plain', 'x-amz-meta-tag': 'original' });
  });
  afterEach(() => h.cleanup());

  const copy = (target: string, source: string, headers: Record<string, string> = {}) =>
    h.send({ method: 'PUT', path: target, headers: { 'x-amz-copy-source': source, ...headers } });

  it('copies across buckets, keeping the metadata by default', async () => {
    const response = await copy('/dst-bucket/copied', '/src-bucket/dir/source%20file%2B1.txt');
    expect(response.status).toBe(200);
    const result = (await xmlOf(response)).CopyObjectResult;
    expect(result.ETag).toBe(`"${md5Hex('copy me')}"`);
    expect(result.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const got = await h.send({ path: '/dst-bucket/copied' });
    expect(await textOf(got)).toBe('copy me');
    expect(got.headers).toMatchObject({ 'content-type': 'text/plain', 'x-amz-meta-tag': 'original' });
  });

  it('accepts the source without a leading slash', async () => {
    expect((await copy('/dst-bucket/no-slash', 'src-bucket/dir/source%20file%2B1.txt')).status).toBe(200);
  });

  it('replaces the metadata with REPLACE', async () => {
    await copy('/dst-bucket/replaced', 'src-bucket/dir/source%20file%2B1.txt', {
      'x-amz-metadata-directive': 'REPLACE',
      'content-type': 'application/json',
      'x-amz-meta-tag': 'new',
    });
    const got = await h.send({ method: 'HEAD', path: '/dst-bucket/replaced' });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'x-amz-meta-tag': 'new' });
  });

  it('refuses to copy an object onto itself without REPLACE, and allows it with REPLACE', async () => {
    const self = await copy('/src-bucket/dir/source%20file%2B1.txt', 'src-bucket/dir/source%20file%2B1.txt');
    expect(self.status).toBe(400);
    expect(await errorCode(self)).toBe('InvalidRequest');
    const replaced = await copy('/src-bucket/dir/source%20file%2B1.txt', 'src-bucket/dir/source%20file%2B1.txt', {
      'x-amz-metadata-directive': 'REPLACE',
      'x-amz-meta-tag': 'fresh',
    });
    expect(replaced.status).toBe(200);
    const got = await h.send({ path: '/src-bucket/dir/source%20file%2B1.txt' });
    expect(await textOf(got)).toBe('copy me');
    expect(got.headers!['x-amz-meta-tag']).toBe('fresh');
  });

  it('needs s3:GetObject on the source as well as s3:PutObject on the target', async () => {
    h.auth.deny('s3:GetObject', 'arn:aws:s3:::src-bucket/*');
    const denied = await copy('/dst-bucket/x', 'src-bucket/dir/source%20file%2B1.txt');
    expect(denied.status).toBe(403);
    expect(await errorCode(denied)).toBe('AccessDenied');
    h.auth.reset();
    h.auth.deny('s3:PutObject', 'arn:aws:s3:::dst-bucket/*');
    expect((await copy('/dst-bucket/x', 'src-bucket/dir/source%20file%2B1.txt')).status).toBe(403);
    expect((await h.send({ method: 'HEAD', path: '/dst-bucket/x' })).status).toBe(404);
  });

  it('asks IAM about the exact source and target objects', async () => {
    await copy('/dst-bucket/target', 'src-bucket/dir/source%20file%2B1.txt');
    const asked = h.auth.calls.map((c) => `${c.action} ${c.resource}`);
    expect(asked).toContain('s3:PutObject arn:aws:s3:::dst-bucket/target');
    expect(asked).toContain('s3:GetObject arn:aws:s3:::src-bucket/dir/source file+1.txt');
  });

  it('refuses a source in another account’s bucket without revealing whether the key exists', async () => {
    const other = userCaller(OTHER_ACCOUNT, 'mallory');
    await createBucket(h, 'their-bucket', other);
    await putObject(h, 'their-bucket', 'exists', 'secret', {}, other);
    const existing = await copy('/dst-bucket/stolen', 'their-bucket/exists');
    const missing = await copy('/dst-bucket/stolen', 'their-bucket/missing');
    expect(existing.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(await errorCode(existing)).toBe('AccessDenied');
    expect(await errorCode(missing)).toBe('AccessDenied');
  });

  it('hides a missing source key from a caller who may not list the source bucket', async () => {
    expect(await errorCode(await copy('/dst-bucket/x', 'src-bucket/missing'))).toBe('NoSuchKey');
    h.auth.deny('s3:ListBucket', 'arn:aws:s3:::src-bucket');
    expect(await errorCode(await copy('/dst-bucket/x', 'src-bucket/missing'))).toBe('AccessDenied');
  });

  it('answers NoSuchBucket for a missing source bucket and NotImplemented for a versionId', async () => {
    expect(await errorCode(await copy('/dst-bucket/x', 'nowhere/key'))).toBe('NoSuchBucket');
    expect((await copy('/dst-bucket/x', 'src-bucket/dir/source%20file%2B1.txt?versionId=abc')).status).toBe(501);
    expect(await errorCode(await copy('/dst-bucket/x', 'src-bucket'))).toBe('InvalidArgument');
  });

  it('applies x-amz-copy-source-if-* conditions with 412', async () => {
    const etag = `"${md5Hex('copy me')}"`;
    const source = 'src-bucket/dir/source%20file%2B1.txt';
    expect((await copy('/dst-bucket/c1', source, { 'x-amz-copy-source-if-match': etag })).status).toBe(200);
    expect((await copy('/dst-bucket/c2', source, { 'x-amz-copy-source-if-match': '"nope"' })).status).toBe(412);
    expect((await copy('/dst-bucket/c3', source, { 'x-amz-copy-source-if-none-match': etag })).status).toBe(412);
    expect((await copy('/dst-bucket/c4', source, { 'x-amz-copy-source-if-modified-since': 'Thu, 01 Jan 2099 00:00:00 GMT' })).status).toBe(
      412,
    );
    expect(
      (await copy('/dst-bucket/c5', source, { 'x-amz-copy-source-if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status,
    ).toBe(412);
    expect(
      (
        await copy('/dst-bucket/c6', source, {
          'x-amz-copy-source-if-match': etag,
          'x-amz-copy-source-if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT',
        })
      ).status,
    ).toBe(200);
  });
});
