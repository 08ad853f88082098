import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Base64, putObject, textOf, xmlOf } from './helpers';

const tagging = (...tags: Array<[string, string]>) =>
  `<Tagging ` +
  `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>` +
  `${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;

describe('object tagging', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'bkt');
    await putObject(h, 'bkt', 'k', 'v');
  });
  afterEach(() => h.cleanup());

  const putTags = (body: string, path = '/bkt/k', headers: Record<string, string> = { 'content-md5': md5Base64(body) }) =>
    h.send({ method: 'PUT', path, query: 'tagging', body, headers });
  const tagsOf = async (path = '/bkt/k') => {
    const response = await h.send({ path, query: 'tagging' });
    expect(response.status).toBe(200);
    const set = (await xmlOf(response)).Tagging.TagSet;
    const tags = set === '' || set === undefined ? [] : [set.Tag].flat();
    return tags.map((t: { Key: string; Value: string }) => [String(t.Key), String(t.Value ?? '')]);
  };

  it('an untagged object has an empty tag set; a missing one is NoSuchKey', async () => {
    expect(await textOf(await h.send({ path: '/bkt/k', query: 'tagging' }))).toContain(
      '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>',
    );
    expect(await errorCode(await h.send({ path: '/bkt/missing', query: 'tagging' }))).toBe('NoSuchKey');
  });

  it('PutObjectTagging replaces the whole set, kept in order and across a restart; DeleteObjectTagging empties it (204)', async () => {
    expect((await putTags(tagging(['project', 'x'], ['stage', 'raw data']))).status).toBe(200);
    expect(await tagsOf()).toEqual([
      ['project', 'x'],
      ['stage', 'raw data'],
    ]);
    expect((await putTags(tagging(['only', 'one']))).status).toBe(200);
    expect(await tagsOf()).toEqual([['only', 'one']]);
    h.restart();
    expect(await tagsOf()).toEqual([['only', 'one']]);
    expect(await textOf(await h.send({ path: '/bkt/k' }))).toBe('v');
    expect((await h.send({ method: 'DELETE', path: '/bkt/k', query: 'tagging' })).status).toBe(204);
    expect(await tagsOf()).toEqual([]);
    expect(await errorCode(await putTags(tagging(['a', 'b']), '/bkt/missing'))).toBe('NoSuchKey');
    expect(await errorCode(await h.send({ method: 'DELETE', path: '/bkt/missing', query: 'tagging' }))).toBe('NoSuchKey');
  });

  it('refuses what S3 refuses: more than 10 tags, long or invalid keys and values, a key twice, no digest, bad XML', async () => {
    const eleven = Array.from({ length: 11 }, (_, i): [string, string] => [`k${i}`, 'v']);
    const cases: Array<[string, string, string?]> = [
      [tagging(...eleven), 'BadRequest', 'Object tags cannot be greater than 10'],
      [tagging(['k'.repeat(129), 'v']), 'InvalidTag', 'The TagKey you have provided is too long, max 128'],
      [tagging(['k', 'v'.repeat(257)]), 'InvalidTag', 'The TagValue you have provided is too long, max 256'],
      [tagging(['', 'v']), 'InvalidTag', 'The TagKey you have provided is invalid'],
      [tagging(['a*b', 'v']), 'InvalidTag', 'The TagKey you have provided is invalid'],
      [tagging(['k', 'a;b']), 'InvalidTag', 'The TagValue you have provided is invalid'],
      [tagging(['k', '1'], ['k', '2']), 'InvalidTag', 'Cannot provide multiple Tags with the same key'],
      ['<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['<Tagging><Tag><Key>k</Key><Value>v</Value></Tag></Tagging>', 'MalformedXML'],
      ['<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Extra/></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['<Tagging><TagSet>', 'MalformedXML'],
    ];
    for (const [body, code, message] of cases) {
      const response = await putTags(body);
      const error = (await xmlOf(response)).Error;
      expect({ body: body.slice(0, 80), status: response.status, code: error.Code }).toEqual({
        body: body.slice(0, 80),
        status: 400,
        code,
      });
      if (message) expect(error.Message).toBe(message);
    }
    expect((await putTags(tagging(['k', 'v']), '/bkt/k', {})).status).toBe(400);
    expect(await tagsOf()).toEqual([]);
    expect((await putTags(tagging(['k'.repeat(128), 'v'.repeat(256)], ['ünïcødé +-=._:/@ 1', '']))).status).toBe(200);
  });

  it('x-amz-tagging on PutObject, CreateMultipartUpload and CopyObject (COPY by default, REPLACE with the header)', async () => {
    await putObject(h, 'bkt', 'tagged', 'x', { 'x-amz-tagging': 'a=1&b=two%20words' });
    expect(await tagsOf('/bkt/tagged')).toEqual([
      ['a', '1'],
      ['b', 'two words'],
    ]);
    expect((await h.send({ path: '/bkt/tagged' })).headers!['x-amz-tagging-count']).toBe('2');
    expect((await h.send({ path: '/bkt/k' })).headers!['x-amz-tagging-count']).toBeUndefined();

    const created = (
      await xmlOf(await h.send({ method: 'POST', path: '/bkt/mp', query: 'uploads', headers: { 'x-amz-tagging': 'from=upload' } }))
    ).InitiateMultipartUploadResult;
    const part = await h.send({ method: 'PUT', path: '/bkt/mp', query: `partNumber=1&uploadId=${created.UploadId}`, body: 'part' });
    const etag = part.headers!.etag;
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    expect((await h.send({ method: 'POST', path: '/bkt/mp', query: `uploadId=${created.UploadId}`, body: complete })).status).toBe(200);
    expect(await tagsOf('/bkt/mp')).toEqual([['from', 'upload']]);

    await h.send({ method: 'PUT', path: '/bkt/copied', headers: { 'x-amz-copy-source': '/bkt/tagged' } });
    expect(await tagsOf('/bkt/copied')).toEqual([
      ['a', '1'],
      ['b', 'two words'],
    ]);
    await h.send({
      method: 'PUT',
      path: '/bkt/replaced',
      headers: { 'x-amz-copy-source': '/bkt/tagged', 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'c=3' },
    });
    expect(await tagsOf('/bkt/replaced')).toEqual([['c', '3']]);
    await h.send({
      method: 'PUT',
      path: '/bkt/untagged',
      headers: { 'x-amz-copy-source': '/bkt/tagged', 'x-amz-tagging-directive': 'REPLACE' },
    });
    expect(await tagsOf('/bkt/untagged')).toEqual([]);
    const unknown = await h.send({
      method: 'PUT',
      path: '/bkt/x',
      headers: { 'x-amz-copy-source': '/bkt/tagged', 'x-amz-tagging-directive': 'MERGE' },
    });
    expect(await errorCode(unknown)).toBe('InvalidArgument');
  });

  it('refuses a tagging header S3 refuses, storing nothing', async () => {
    const put = (tagging: string) => h.send({ method: 'PUT', path: '/bkt/refused', body: 'x', headers: { 'x-amz-tagging': tagging } });
    expect(await errorCode(await put('a=1&a=2'))).toBe('InvalidArgument');
    expect(await errorCode(await put(Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&')))).toBe('BadRequest');
    expect(await errorCode(await put(`k=${'v'.repeat(257)}`))).toBe('InvalidTag');
    expect((await h.send({ method: 'HEAD', path: '/bkt/refused' })).status).toBe(404);
  });

  it('setting tags on a write needs s3:PutObjectTagging too; reading and deleting them need their own actions', async () => {
    h.auth.deny('s3:PutObjectTagging');
    expect((await h.send({ method: 'PUT', path: '/bkt/t', body: 'x', headers: { 'x-amz-tagging': 'a=1' } })).status).toBe(403);
    expect((await h.send({ method: 'POST', path: '/bkt/t', query: 'uploads', headers: { 'x-amz-tagging': 'a=1' } })).status).toBe(403);
    expect((await putTags(tagging(['a', '1']))).status).toBe(403);
    expect((await h.send({ method: 'PUT', path: '/bkt/t', body: 'x' })).status).toBe(200);
    expect((await h.send({ method: 'HEAD', path: '/bkt/t' })).status).toBe(200);
    h.auth.reset();
    h.auth.deny('s3:DeleteObjectTagging').deny('s3:GetObjectTagging');
    expect((await h.send({ method: 'DELETE', path: '/bkt/k', query: 'tagging' })).status).toBe(403);
    expect((await h.send({ path: '/bkt/k', query: 'tagging' })).status).toBe(403);
  });
});
