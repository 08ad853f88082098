import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, createBucket, encodeKey, type Harness, harness, putObject, textOf, xmlOf } from './helpers';

const TRICKY_KEYS = [
  'with space.txt',
  'plus+sign',
  'a+b c',
  'equals=sign&amp',
  'percent%20literal',
  '100%',
  'ünïcödé/文件/😀.bin',
  'double//slash',
  '//leading',
  'dir/../up',
  './dot',
  'trailing/',
  'question?mark#hash',
  'tab\there',
  'ctrl\u0001char\r\n',
  '<xml> & "quotes" \'apos\'',
  'x'.repeat(1024),
];

describe('S3 keys', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'keys');
  });
  afterEach(() => h.cleanup());

  it('round-trips every tricky key as a distinct object, path style', async () => {
    for (const [i, key] of TRICKY_KEYS.entries()) await putObject(h, 'keys', key, `content ${i}`);
    for (const [i, key] of TRICKY_KEYS.entries()) {
      const response = await h.send({ path: `/keys/${encodeKey(key)}` });
      expect(response.status, key).toBe(200);
      expect((await bodyOf(response)).toString()).toBe(`content ${i}`);
    }
  });

  it('treats a literal + in the path as a plus, not a space', async () => {
    await h.send({ method: 'PUT', path: '/keys/a+b', body: 'plus' });
    await h.send({ method: 'PUT', path: '/keys/a%20b', body: 'space' });
    expect(await textOf(await h.send({ path: '/keys/a%2Bb' }))).toBe('plus');
    expect(await textOf(await h.send({ path: '/keys/a b' }))).toBe('space');
  });

  it('decodes the path exactly once', async () => {
    await h.send({ method: 'PUT', path: '/keys/a%2520b', body: 'once' });
    expect(await textOf(await h.send({ path: '/keys/a%2520b' }))).toBe('once');
    expect((await h.send({ path: '/keys/a%20b' })).status).toBe(404);
    const listed = await xmlOf(await h.send({ path: '/keys', query: 'list-type=2' }));
    expect(listed.ListBucketResult.Contents[0].Key).toBe('a%20b');
  });

  it('lists tricky keys back exactly, escaping what XML cannot carry raw', async () => {
    for (const key of TRICKY_KEYS) await putObject(h, 'keys', key, 'x');
    const response = await h.send({ path: '/keys', query: 'list-type=2' });
    const raw = await textOf(response);
    expect(raw).toContain('ctrl&#x1;char&#xD;');
    const keys = (await xmlOf({ status: 200, body: raw })).ListBucketResult.Contents.map((c: { Key: string }) => c.Key);
    expect(new Set(keys)).toEqual(new Set(TRICKY_KEYS));
  });

  it('addresses buckets by virtual host (bucket.localhost and bucket.s3.localhost)', async () => {
    await putObject(h, 'keys', 'dir/file.txt', 'hello');
    for (const host of ['keys.localhost:4566', 'keys.s3.localhost:4566', 'keys.localhost']) {
      const response = await h.send({ path: '/dir/file.txt', headers: { host } });
      expect(response.status, host).toBe(200);
      expect(await textOf(response)).toBe('hello');
    }
    const listing = await xmlOf(await h.send({ path: '/', query: 'list-type=2', headers: { host: 'keys.s3.localhost:4566' } }));
    expect(listing.ListBucketResult.Name).toBe('keys');
  });

  it('takes a host of s3.localhost as path style', async () => {
    await putObject(h, 'keys', 'k', 'v');
    const response = await h.send({ path: '/keys/k', headers: { host: 's3.localhost:4566' } });
    expect(await textOf(response)).toBe('v');
  });

  it('refuses a key over 1024 bytes of UTF-8 with KeyTooLongError', async () => {
    const response = await h.send({ method: 'PUT', path: `/keys/${encodeURIComponent('é'.repeat(513))}`, body: 'x' });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain('<Code>KeyTooLongError</Code>');
  });

  it('answers a malformed percent-encoding with InvalidURI', async () => {
    const response = await h.send({ path: '/keys/bad%E0%A4%A' });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain('<Code>InvalidURI</Code>');
  });
});
