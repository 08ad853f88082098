import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, createBucket, errorCode, type Harness, harness, md5Hex, putObject, type Xml, xmlOf } from './helpers';

const MiB = 1024 * 1024;
const PART1 = Buffer.alloc(5 * MiB, 'a');
const PART2 = Buffer.alloc(5 * MiB, 'b');
const PART3 = Buffer.from('c');

const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

function completeXml(parts: { n: number; etag: string; extra?: string }[]): string {
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
    .map((p) => `<Part><PartNumber>${p.n}</PartNumber><ETag>${p.etag}</ETag>${p.extra ?? ''}</Part>`)
    .join('')}</CompleteMultipartUpload>`;
}

describe('multipart uploads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'mpu');
  });
  afterEach(() => h.cleanup());

  async function create(key: string, headers: Record<string, string> = {}): Promise<string> {
    const response = await h.send({ method: 'POST', path: `/mpu/${key}`, query: 'uploads', headers });
    expect(response.status).toBe(200);
    const xml = await xmlOf(response);
    expect(xml.InitiateMultipartUploadResult).toMatchObject({ Bucket: 'mpu', Key: key });
    return xml.InitiateMultipartUploadResult.UploadId;
  }

  async function upload(key: string, uploadId: string, n: number, data: Buffer, headers: Record<string, string> = {}): Promise<string> {
    const response = await h.send({
      method: 'PUT',
      path: `/mpu/${key}`,
      query: `partNumber=${n}&uploadId=${encodeURIComponent(uploadId)}`,
      body: data,
      headers,
    });
    expect(response.status, `part ${n}`).toBe(200);
    return response.headers!.etag!;
  }

  const complete = (key: string, uploadId: string, body: string, headers: Record<string, string> = {}) =>
    h.send({ method: 'POST', path: `/mpu/${key}`, query: `uploadId=${encodeURIComponent(uploadId)}`, body, headers });

  it('assembles 5 MiB + 5 MiB + 1 byte into one object with the multipart ETag', async () => {
    const id = await create('big.bin', { 'content-type': 'application/x-test', 'x-amz-meta-origin': 'mpu' });
    const e1 = await upload('big.bin', id, 1, PART1);
    const e2 = await upload('big.bin', id, 2, PART2);
    const e3 = await upload('big.bin', id, 3, PART3);
    expect(e1).toBe(`"${md5Hex(PART1)}"`);
    const response = await complete(
      'big.bin',
      id,
      completeXml([
        { n: 1, etag: e1 },
        { n: 2, etag: e2 },
        { n: 3, etag: e3 },
      ]),
    );
    expect(response.status).toBe(200);
    const result = (await xmlOf(response)).CompleteMultipartUploadResult;
    const md5s = Buffer.concat([PART1, PART2, PART3].map((p) => createHash('md5').update(p).digest()));
    const expectedEtag = `"${createHash('md5').update(md5s).digest('hex')}-3"`;
    expect(result).toMatchObject({ Bucket: 'mpu', Key: 'big.bin', ETag: expectedEtag, Location: 'http://127.0.0.1:4566/mpu/big.bin' });

    const got = await h.send({ path: '/mpu/big.bin' });
    expect(got.headers).toMatchObject({
      etag: expectedEtag,
      'content-type': 'application/x-test',
      'x-amz-meta-origin': 'mpu',
      'content-length': String(10 * MiB + 1),
    });
    expect((await bodyOf(got)).equals(Buffer.concat([PART1, PART2, PART3]))).toBe(true);

    const part2 = await h.send({ path: '/mpu/big.bin', query: 'partNumber=2' });
    expect(part2.status).toBe(206);
    expect(part2.headers).toMatchObject({
      'x-amz-mp-parts-count': '3',
      'content-range': `bytes ${5 * MiB}-${10 * MiB - 1}/${10 * MiB + 1}`,
    });
    expect((await bodyOf(part2)).equals(PART2)).toBe(true);

    // The upload is gone once completed.
    expect(await errorCode(await h.send({ path: '/mpu/big.bin', query: `uploadId=${id}` }))).toBe('NoSuchUpload');
    expect(await readdir(join(h.dir, 'buckets', 'mpu', 'uploads'))).toEqual([]);
  });

  it('uses a part re-uploaded under the same number', async () => {
    const id = await create('redo');
    await upload('redo', id, 1, Buffer.from('first'));
    const e1 = await upload('redo', id, 1, Buffer.from('second'));
    expect((await complete('redo', id, completeXml([{ n: 1, etag: e1 }]))).status).toBe(200);
    expect((await bodyOf(await h.send({ path: '/mpu/redo' }))).toString()).toBe('second');
  });

  it('refuses parts out of ascending order with InvalidPartOrder', async () => {
    const id = await create('order');
    const e1 = await upload('order', id, 1, PART1);
    const e2 = await upload('order', id, 2, PART3);
    const response = await complete(
      'order',
      id,
      completeXml([
        { n: 2, etag: e2 },
        { n: 1, etag: e1 },
      ]),
    );
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('InvalidPartOrder');
    const duplicate = await complete(
      'order',
      id,
      completeXml([
        { n: 1, etag: e1 },
        { n: 1, etag: e1 },
      ]),
    );
    expect(await errorCode(duplicate)).toBe('InvalidPartOrder');
  });

  it('refuses an unknown part or a mismatched ETag with InvalidPart', async () => {
    const id = await create('parts');
    const e1 = await upload('parts', id, 1, PART1);
    const unknown = await complete(
      'parts',
      id,
      completeXml([
        { n: 1, etag: e1 },
        { n: 7, etag: e1 },
      ]),
    );
    expect(await errorCode(unknown)).toBe('InvalidPart');
    const mismatched = await complete('parts', id, completeXml([{ n: 1, etag: '"00000000000000000000000000000000"' }]));
    const xml = await xmlOf(mismatched);
    expect(xml.Error).toMatchObject({ Code: 'InvalidPart', PartNumber: '1', UploadId: id });
    // Unquoted ETags (as some clients send them) still match.
    expect((await complete('parts', id, completeXml([{ n: 1, etag: e1.replace(/"/g, '') }]))).status).toBe(200);
  });

  it('refuses a part under 5 MiB that is not the last with EntityTooSmall', async () => {
    const id = await create('small');
    const e1 = await upload('small', id, 1, Buffer.alloc(5 * MiB - 1));
    const e2 = await upload('small', id, 2, PART3);
    const response = await complete(
      'small',
      id,
      completeXml([
        { n: 1, etag: e1 },
        { n: 2, etag: e2 },
      ]),
    );
    const xml = await xmlOf(response);
    expect(xml.Error).toMatchObject({
      Code: 'EntityTooSmall',
      PartNumber: '1',
      ProposedSize: String(5 * MiB - 1),
      MinSizeAllowed: String(5 * MiB),
    });
  });

  it('refuses part numbers outside 1..10000 and an empty part list', async () => {
    const id = await create('numbers');
    for (const n of ['0', '10001', 'x']) {
      const response = await h.send({ method: 'PUT', path: '/mpu/numbers', query: `partNumber=${n}&uploadId=${id}`, body: 'x' });
      expect(await errorCode(response), n).toBe('InvalidArgument');
    }
    expect((await h.send({ method: 'PUT', path: '/mpu/numbers', query: `partNumber=10000&uploadId=${id}`, body: 'x' })).status).toBe(200);
    expect(await errorCode(await complete('numbers', id, completeXml([])))).toBe('MalformedXML');
  });

  it('answers NoSuchUpload for an unknown upload id, or one of another key, before reading parts', async () => {
    const id = await create('mine');
    expect(await errorCode(await h.send({ method: 'PUT', path: '/mpu/mine', query: 'partNumber=1&uploadId=nope', body: 'x' }))).toBe(
      'NoSuchUpload',
    );
    expect(await errorCode(await h.send({ method: 'PUT', path: '/mpu/other', query: `partNumber=1&uploadId=${id}`, body: 'x' }))).toBe(
      'NoSuchUpload',
    );
    expect(await errorCode(await complete('mine', '../../etc', completeXml([{ n: 1, etag: '"x"' }])))).toBe('NoSuchUpload');
  });

  it('aborts: the upload and its parts disappear, and then it is NoSuchUpload', async () => {
    const id = await create('gone');
    const e1 = await upload('gone', id, 1, PART3);
    const abort = await h.send({ method: 'DELETE', path: '/mpu/gone', query: `uploadId=${id}` });
    expect(abort.status).toBe(204);
    expect(await errorCode(await h.send({ method: 'PUT', path: '/mpu/gone', query: `partNumber=2&uploadId=${id}`, body: 'x' }))).toBe(
      'NoSuchUpload',
    );
    expect(await errorCode(await complete('gone', id, completeXml([{ n: 1, etag: e1 }])))).toBe('NoSuchUpload');
    expect(await errorCode(await h.send({ method: 'DELETE', path: '/mpu/gone', query: `uploadId=${id}` }))).toBe('NoSuchUpload');
    expect((await h.send({ method: 'HEAD', path: '/mpu/gone' })).status).toBe(404);
    expect(await readdir(join(h.dir, 'buckets', 'mpu', 'uploads'))).toEqual([]);
  });

  it('lists parts with pagination', async () => {
    const id = await create('listed');
    for (let n = 1; n <= 5; n++) await upload('listed', id, n, Buffer.from(`part ${n}`));
    const first = (await xmlOf(await h.send({ path: '/mpu/listed', query: `uploadId=${id}&max-parts=2` }))).ListPartsResult;
    expect(first.Part.map((p: Xml) => p.PartNumber)).toEqual(['1', '2']);
    expect(first).toMatchObject({ IsTruncated: 'true', NextPartNumberMarker: '2', UploadId: id, StorageClass: 'STANDARD' });
    expect(first.Part[0]).toMatchObject({ ETag: `"${md5Hex('part 1')}"`, Size: '6' });
    const rest = (await xmlOf(await h.send({ path: '/mpu/listed', query: `uploadId=${id}&part-number-marker=2` }))).ListPartsResult;
    expect(rest.Part.map((p: Xml) => p.PartNumber)).toEqual(['3', '4', '5']);
    expect(rest.IsTruncated).toBe('false');
  });

  it('lists uploads by key with prefix, delimiter and key/upload-id markers', async () => {
    const ids: Record<string, string> = {};
    for (const key of ['a/1', 'a/2', 'b', 'c/x/1']) ids[key] = await create(key);
    const second = await create('b');
    const all = (await xmlOf(await h.send({ path: '/mpu', query: 'uploads' }))).ListMultipartUploadsResult;
    expect(all.Upload.map((u: Xml) => u.Key)).toEqual(['a/1', 'a/2', 'b', 'b', 'c/x/1']);
    const rolled = (await xmlOf(await h.send({ path: '/mpu', query: 'uploads&delimiter=/' }))).ListMultipartUploadsResult;
    expect(rolled.Upload.map((u: Xml) => u.Key)).toEqual(['b', 'b']);
    expect(rolled.CommonPrefixes.map((p: Xml) => p.Prefix)).toEqual(['a/', 'c/']);
    const prefixed = (await xmlOf(await h.send({ path: '/mpu', query: 'uploads&prefix=a/' }))).ListMultipartUploadsResult;
    expect(prefixed.Upload.map((u: Xml) => u.Key)).toEqual(['a/1', 'a/2']);
    const paged = (await xmlOf(await h.send({ path: '/mpu', query: 'uploads&max-uploads=3' }))).ListMultipartUploadsResult;
    expect(paged).toMatchObject({ IsTruncated: 'true', NextKeyMarker: 'b' });
    const next = (
      await xmlOf(
        await h.send({ path: '/mpu', query: `uploads&key-marker=b&upload-id-marker=${encodeURIComponent(paged.NextUploadIdMarker)}` }),
      )
    ).ListMultipartUploadsResult;
    expect(next.Upload.map((u: Xml) => u.Key)).toEqual(['b', 'c/x/1']);
    expect(next.Upload.map((u: Xml) => u.UploadId)).not.toContain(paged.NextUploadIdMarker);
    const afterB = (await xmlOf(await h.send({ path: '/mpu', query: 'uploads&key-marker=b' }))).ListMultipartUploadsResult;
    expect(afterB.Upload.map((u: Xml) => u.Key)).toEqual(['c/x/1']);
    expect([ids.b, second]).toContain(paged.NextUploadIdMarker);
  });

  it('copies a byte range of an object into a part (UploadPartCopy)', async () => {
    await putObject(h, 'mpu', 'source', Buffer.concat([PART1, Buffer.from('tail')]));
    const id = await create('copied');
    const response = await h.send({
      method: 'PUT',
      path: '/mpu/copied',
      query: `partNumber=1&uploadId=${id}`,
      headers: { 'x-amz-copy-source': '/mpu/source', 'x-amz-copy-source-range': `bytes=0-${5 * MiB - 1}` },
    });
    expect(response.status).toBe(200);
    const e1 = (await xmlOf(response)).CopyPartResult.ETag;
    expect(e1).toBe(`"${md5Hex(PART1)}"`);
    const e2 = await h.send({
      method: 'PUT',
      path: '/mpu/copied',
      query: `partNumber=2&uploadId=${id}`,
      headers: { 'x-amz-copy-source': 'mpu/source', 'x-amz-copy-source-range': `bytes=${5 * MiB}-${5 * MiB + 3}` },
    });
    const e2Etag = (await xmlOf(e2)).CopyPartResult.ETag;
    expect(
      (
        await complete(
          'copied',
          id,
          completeXml([
            { n: 1, etag: e1 },
            { n: 2, etag: e2Etag },
          ]),
        )
      ).status,
    ).toBe(200);
    expect((await bodyOf(await h.send({ path: '/mpu/copied' }))).equals(Buffer.concat([PART1, Buffer.from('tail')]))).toBe(true);
    const badRange = await h.send({
      method: 'PUT',
      path: '/mpu/copied2',
      query: `partNumber=1&uploadId=${await create('copied2')}`,
      headers: { 'x-amz-copy-source': 'mpu/source', 'x-amz-copy-source-range': 'bytes=0-999999999' },
    });
    expect(await errorCode(badRange)).toBe('InvalidArgument');
  });

  it('produces the composite CRC32 checksum when the upload declares the algorithm', async () => {
    const id = await create('summed', { 'x-amz-checksum-algorithm': 'CRC32' });
    const sums = [PART1, PART3].map((p) => be32(crc32(p)));
    const r1 = await h.send({
      method: 'PUT',
      path: '/mpu/summed',
      query: `partNumber=1&uploadId=${id}`,
      body: PART1,
      headers: { 'x-amz-checksum-crc32': sums[0]!.toString('base64') },
    });
    expect(r1.headers!['x-amz-checksum-crc32']).toBe(sums[0]!.toString('base64'));
    // A COMPOSITE upload's parts each carry the checksum (a part without one is refused: test/local/aws/s3/checksum-rules.test.ts).
    const r2 = await h.send({
      method: 'PUT',
      path: '/mpu/summed',
      query: `partNumber=2&uploadId=${id}`,
      body: PART3,
      headers: { 'x-amz-checksum-crc32': sums[1]!.toString('base64') },
    });
    expect(r2.headers!['x-amz-checksum-crc32']).toBe(sums[1]!.toString('base64'));
    const wrongPartSum = await complete(
      'summed',
      id,
      completeXml([
        { n: 1, etag: r1.headers!.etag!, extra: `<ChecksumCRC32>${sums[1]!.toString('base64')}</ChecksumCRC32>` },
        { n: 2, etag: r2.headers!.etag!, extra: `<ChecksumCRC32>${sums[1]!.toString('base64')}</ChecksumCRC32>` },
      ]),
    );
    expect(await errorCode(wrongPartSum)).toBe('InvalidPart');
    const response = await complete(
      'summed',
      id,
      completeXml([
        { n: 1, etag: r1.headers!.etag!, extra: `<ChecksumCRC32>${sums[0]!.toString('base64')}</ChecksumCRC32>` },
        { n: 2, etag: r2.headers!.etag!, extra: `<ChecksumCRC32>${sums[1]!.toString('base64')}</ChecksumCRC32>` },
      ]),
    );
    const composite = `${be32(crc32(Buffer.concat(sums))).toString('base64')}-2`;
    expect((await xmlOf(response)).CompleteMultipartUploadResult).toMatchObject({ ChecksumCRC32: composite, ChecksumType: 'COMPOSITE' });
    const got = await h.send({ method: 'HEAD', path: '/mpu/summed', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(got.headers).toMatchObject({ 'x-amz-checksum-crc32': composite, 'x-amz-checksum-type': 'COMPOSITE' });
  });

  it('refuses a part whose checksum header does not match its bytes', async () => {
    const id = await create('badsum', { 'x-amz-checksum-algorithm': 'CRC32' });
    const response = await h.send({
      method: 'PUT',
      path: '/mpu/badsum',
      query: `partNumber=1&uploadId=${id}`,
      body: 'abc',
      headers: { 'x-amz-checksum-crc32': be32(crc32('abd')).toString('base64') },
    });
    expect(await errorCode(response)).toBe('BadDigest');
    const parts = (await xmlOf(await h.send({ path: '/mpu/badsum', query: `uploadId=${id}` }))).ListPartsResult;
    expect(parts.Part).toBeUndefined();
  });

  it('records no part when the client aborts mid-part', async () => {
    const id = await create('cut');
    const body = new Readable({ read() {} });
    const pending = h.send({
      method: 'PUT',
      path: '/mpu/cut',
      query: `partNumber=1&uploadId=${id}`,
      body,
      headers: { 'content-length': String(6 * MiB) },
    });
    body.push(Buffer.alloc(MiB));
    await new Promise((resolve) => setTimeout(resolve, 20));
    body.destroy(new Error('client went away'));
    expect((await pending).status).toBe(400);
    const parts = (await xmlOf(await h.send({ path: '/mpu/cut', query: `uploadId=${id}` }))).ListPartsResult;
    expect(parts.Part).toBeUndefined();
    expect(await readdir(join(h.dir, 'tmp'))).toEqual([]);
  });

  it('honours If-None-Match: * on completion', async () => {
    await putObject(h, 'mpu', 'taken', 'already here');
    const id = await create('taken');
    const e1 = await upload('taken', id, 1, PART3);
    const response = await complete('taken', id, completeXml([{ n: 1, etag: e1 }]), { 'if-none-match': '*' });
    expect(response.status).toBe(412);
  });
});
