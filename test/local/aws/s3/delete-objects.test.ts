import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Base64, putObject, type Xml, xmlOf } from './helpers';

const deleteXml = (keys: string[], quiet = false) =>
  `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${keys
    .map((k) => `<Object><Key>${k.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key></Object>`)
    .join('')}</Delete>`;

const crc32Base64 = (data: string) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
};

describe('DeleteObject and DeleteObjects', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'del');
    for (const key of ['keep/a', 'public/b', 'public/c & <d>', 'public/e']) await putObject(h, 'del', key, key);
  });
  afterEach(() => h.cleanup());

  const exists = async (key: string) => (await h.send({ method: 'HEAD', path: `/del/${encodeURIComponent(key)}` })).status === 200;
  const deleteMany = (body: string, headers: Record<string, string>) =>
    h.send({ method: 'POST', path: '/del', query: 'delete', body, headers });

  it('answers DeleteObject with 204, also for a key that is not there', async () => {
    expect((await h.send({ method: 'DELETE', path: '/del/public/b' })).status).toBe(204);
    expect(await exists('public/b')).toBe(false);
    expect((await h.send({ method: 'DELETE', path: '/del/never-was' })).status).toBe(204);
  });

  it('deletes the allowed keys and reports AccessDenied for the one denied key', async () => {
    h.auth.deny('s3:DeleteObject', 'arn:aws:s3:::del/keep/*');
    const body = deleteXml(['keep/a', 'public/b', 'public/c & <d>', 'missing']);
    const response = await deleteMany(body, { 'content-md5': md5Base64(body) });
    expect(response.status).toBe(200);
    const result = (await xmlOf(response)).DeleteResult;
    expect(result.Deleted.map((d: Xml) => d.Key)).toEqual(['public/b', 'public/c & <d>', 'missing']);
    expect(result.Error).toEqual([{ Key: 'keep/a', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(await exists('keep/a')).toBe(true);
    expect(await exists('public/b')).toBe(false);
    expect(await exists('public/c & <d>')).toBe(false);
    const asked = h.auth.calls.filter((c) => c.action === 's3:DeleteObject').map((c) => c.resource);
    expect(asked).toEqual([
      'arn:aws:s3:::del/keep/a',
      'arn:aws:s3:::del/public/b',
      'arn:aws:s3:::del/public/c & <d>',
      'arn:aws:s3:::del/missing',
    ]);
  });

  it('leaves Deleted out in Quiet mode but still reports errors', async () => {
    h.auth.deny('s3:DeleteObject', 'arn:aws:s3:::del/keep/*');
    const body = deleteXml(['keep/a', 'public/e'], true);
    const result = (await xmlOf(await deleteMany(body, { 'content-md5': md5Base64(body) }))).DeleteResult;
    expect(result.Deleted).toBeUndefined();
    expect(result.Error).toHaveLength(1);
    expect(await exists('public/e')).toBe(false);
  });

  it('requires Content-MD5 or a checksum, and accepts an x-amz-checksum-* header instead of Content-MD5 (JS SDK v3)', async () => {
    const body = deleteXml(['public/b']);
    const missing = await deleteMany(body, {});
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe('InvalidRequest');
    expect(await exists('public/b')).toBe(true);
    const withCrc = await deleteMany(body, { 'x-amz-checksum-crc32': crc32Base64(body), 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    expect(withCrc.status).toBe(200);
    expect(await exists('public/b')).toBe(false);
  });

  it('refuses a body whose digest does not match', async () => {
    const body = deleteXml(['public/b']);
    expect(await errorCode(await deleteMany(body, { 'content-md5': md5Base64('tampered') }))).toBe('BadDigest');
    expect(await errorCode(await deleteMany(body, { 'x-amz-checksum-sha256': createHash('sha256').update('x').digest('base64') }))).toBe(
      'BadDigest',
    );
    expect(await exists('public/b')).toBe(true);
  });

  it('refuses more than 1000 keys, none, and XML that is not well formed', async () => {
    const tooMany = deleteXml(Array.from({ length: 1001 }, (_, i) => `k${i}`));
    expect(await errorCode(await deleteMany(tooMany, { 'content-md5': md5Base64(tooMany) }))).toBe('MalformedXML');
    const none = deleteXml([]);
    expect(await errorCode(await deleteMany(none, { 'content-md5': md5Base64(none) }))).toBe('MalformedXML');
    const broken = '<Delete><Object><Key>x</Object></Delete>';
    expect(await errorCode(await deleteMany(broken, { 'content-md5': md5Base64(broken) }))).toBe('MalformedXML');
    const bomb = '<!DOCTYPE d [<!ENTITY a "aaaa">]><Delete><Object><Key>&a;</Key></Object></Delete>';
    expect(await errorCode(await deleteMany(bomb, { 'content-md5': md5Base64(bomb) }))).toBe('MalformedXML');
  });

  it('reads each key as XML says: comments and processing instructions are part of no key, CDATA is, in order', async () => {
    const body =
      '<Delete><Object><Key>public/<!-- c -->b</Key></Object><Object><Key>public/<?pi x?>e</Key></Object><Object><Key>public/c ' +
      '<![CDATA[& <d>]]></Key></Object></Delete>';
    const result = (await xmlOf(await deleteMany(body, { 'content-md5': md5Base64(body) }))).DeleteResult;
    expect(result.Deleted.map((d: Xml) => d.Key)).toEqual(['public/b', 'public/e', 'public/c & <d>']);
    for (const key of ['public/b', 'public/e', 'public/c & <d>']) expect(await exists(key)).toBe(false);
    expect(await exists('keep/a')).toBe(true);
  });

  it('refuses whole, as MalformedXML, an Object with no Key or two, elements S3 does not define, and text after the root', async () => {
    for (const body of [
      '<Delete><Object><Key>keep/a</Key></Object><Object><VersionId>v</VersionId></Object></Delete>',
      '<Delete><Object><Key>keep/a</Key><Key>public/b</Key></Object></Delete>',
      '<Delete><Object><Key>keep/a</Key><IfMatch>x</IfMatch></Object></Delete>',
      '<Delete><Object><Key>keep/a</Key></Object></Delete>junk',
    ]) {
      expect(await errorCode(await deleteMany(body, { 'content-md5': md5Base64(body) })), body).toBe('MalformedXML');
    }
    expect(await exists('keep/a')).toBe(true);
    expect(await exists('public/b')).toBe(true);
  });

  it('deletes exactly 1000 keys in one request', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `public/b${i}`);
    const body = deleteXml(keys);
    const result = (await xmlOf(await deleteMany(body, { 'content-md5': md5Base64(body) }))).DeleteResult;
    expect(result.Deleted).toHaveLength(1000);
  });
});
