import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, md5Base64, putObject, textOf, type Xml, xmlOf } from './helpers';

describe('persistence', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.cleanup());

  it('keeps buckets, objects, metadata, CORS and pending uploads across a restart on the same directory', async () => {
    await createBucket(h, 'durable');
    await putObject(h, 'durable', 'a/b c.txt', 'persisted', { 'content-type': 'text/plain', 'x-amz-meta-k': 'v' });
    await putObject(h, 'durable', 'z', 'last');
    const cors =
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
    await h.send({ method: 'PUT', path: '/durable', query: 'cors', body: cors, headers: { 'content-md5': md5Base64(cors) } });
    const uploadId = (await xmlOf(await h.send({ method: 'POST', path: '/durable/mp', query: 'uploads' }))).InitiateMultipartUploadResult
      .UploadId;
    const etag = (await h.send({ method: 'PUT', path: '/durable/mp', query: `partNumber=1&uploadId=${uploadId}`, body: 'part one' }))
      .headers!.etag!;

    h.restart();

    const got = await h.send({ path: '/durable/a/b%20c.txt' });
    expect(await textOf(got)).toBe('persisted');
    expect(got.headers).toMatchObject({ 'content-type': 'text/plain', 'x-amz-meta-k': 'v' });
    const keys = (await xmlOf(await h.send({ path: '/durable', query: 'list-type=2' }))).ListBucketResult.Contents.map((c: Xml) => c.Key);
    expect(keys).toEqual(['a/b c.txt', 'z']);
    expect((await h.send({ path: '/durable', query: 'cors' })).status).toBe(200);
    const parts = (await xmlOf(await h.send({ path: '/durable/mp', query: `uploadId=${uploadId}` }))).ListPartsResult.Part;
    expect(parts.map((p: Xml) => p.ETag)).toEqual([etag]);
    const done = await h.send({
      method: 'POST',
      path: '/durable/mp',
      query: `uploadId=${uploadId}`,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status).toBe(200);
    expect(await textOf(await h.send({ path: '/durable/mp' }))).toBe('part one');
  });

  it('remembers deletions across a restart', async () => {
    await createBucket(h, 'gone-bucket');
    await createBucket(h, 'kept');
    await putObject(h, 'kept', 'deleted', 'x');
    await h.send({ method: 'DELETE', path: '/kept/deleted' });
    await h.send({ method: 'DELETE', path: '/gone-bucket' });
    h.restart();
    expect(await errorCode(await h.send({ path: '/kept/deleted' }))).toBe('NoSuchKey');
    expect(await errorCode(await h.send({ path: '/gone-bucket', query: 'list-type=2' }))).toBe('NoSuchBucket');
  });

  it('sweeps content files no metadata names, and temp files, left by a crash', async () => {
    await createBucket(h, 'crashy');
    await putObject(h, 'crashy', 'k', 'kept');
    const objects = join(h.dir, 'buckets', 'crashy', 'objects');
    const [fan] = await readdir(objects);
    await writeFile(join(objects, fan!, 'deadbeef.orphan.data'), 'half written');
    await writeFile(join(h.dir, 'tmp', 'inflight.tmp'), 'partial upload');
    h.restart();
    expect(await textOf(await h.send({ path: '/crashy/k' }))).toBe('kept');
    expect((await readdir(join(objects, fan!))).filter((f) => f.endsWith('.data'))).toHaveLength(1);
    expect(await readdir(join(h.dir, 'tmp'))).toEqual([]);
  });

  it('never names a file after a key: a traversal-shaped key stays inside the bucket', async () => {
    await createBucket(h, 'jail');
    await putObject(h, 'jail', '../../../escape', 'contained');
    expect(await readdir(h.dir)).toEqual(expect.arrayContaining(['buckets', 'tmp']));
    expect((await readdir(h.dir)).sort()).toEqual(['buckets', 'tmp']);
    expect(await textOf(await h.send({ path: '/jail/..%2F..%2F..%2Fescape' }))).toBe('contained');
  });
});
