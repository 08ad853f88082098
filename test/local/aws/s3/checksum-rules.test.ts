/**
 * S3's checksum rules, over the wire: the JS SDK against the local stack's AWS endpoint. The answers (codes,
 * messages, headers) are S3's as OpenStack Swift's test/s3api/test_object_checksums.py pins them against AWS,
 * and the expected checksums are computed here, by a byte-wise CRC written for this test and node:crypto, or are
 * that suite's AWS-pinned vectors, so the local S3 is never checked against its own code.
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKey } from '../../../../shared/sigv4';
import { encodeAwsChunked } from '../../../shared/sigv4/helpers';
import { startTestStack, type TestStack } from '../../../support/local-stack';

type Algorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** Reflected CRCs, one byte at a time from a 256-entry table built bit by bit (the local S3 slices by 8). */
const REVERSED_POLYNOMIALS = { CRC32: 0xedb88320n, CRC32C: 0x82f63b78n, CRC64NVME: 0x9a6c9329ac4bc9b5n } as const;
const tables = new Map<bigint, { hi: Uint32Array; lo: Uint32Array }>();
function referenceCrc(algorithm: keyof typeof REVERSED_POLYNOMIALS, data: Uint8Array): Buffer {
  const poly = REVERSED_POLYNOMIALS[algorithm];
  let table = tables.get(poly);
  if (!table) {
    const entries = Array.from({ length: 256 }, (_, i) => {
      let c = BigInt(i);
      for (let bit = 0; bit < 8; bit++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
      return c;
    });
    table = { hi: Uint32Array.from(entries, (e) => Number(e >> 32n)), lo: Uint32Array.from(entries, (e) => Number(e & 0xffffffffn)) };
    tables.set(poly, table);
  }
  const wide = algorithm === 'CRC64NVME';
  let hi = wide ? 0xffffffff : 0;
  let lo = 0xffffffff;
  for (const byte of data) {
    const i = (lo ^ byte) & 0xff;
    lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ table.lo[i]!) >>> 0;
    hi = ((hi >>> 8) ^ table.hi[i]!) >>> 0;
  }
  const out = Buffer.alloc(wide ? 8 : 4);
  if (wide) {
    out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  } else out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 0);
  return out;
}

function digest(algorithm: Algorithm, data: Uint8Array): Buffer {
  if (algorithm === 'SHA1' || algorithm === 'SHA256')
    return createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256')
      .update(data)
      .digest();
  return referenceCrc(algorithm, data);
}
const b64 = (algorithm: Algorithm, data: Uint8Array) => digest(algorithm, data).toString('base64');
/** S3's composite: the checksum of the parts' binary checksums, then `-<parts>`. */
const composite = (algorithm: Algorithm, parts: Uint8Array[]) =>
  `${digest(algorithm, Buffer.concat(parts.map((p) => digest(algorithm, p)))).toString('base64')}-${parts.length}`;

const MiB = 1024 * 1024;
const PART1 = Buffer.from(Array.from({ length: 5 * MiB }, (_, i) => (i * 31 + (i >>> 13)) & 0xff));
const PART2 = Buffer.from('the last part may be small');
const WHOLE = Buffer.concat([PART1, PART2]);
/** The body of the AWS-pinned vectors. */
const CHECK = Buffer.from('123456789');

let stack: TestStack;
/** Sends no checksum it is not required to (what a proxy that drops checksums passes on). */
let plain: S3Client;
/** The SDK's default: a CRC32 (or the algorithm asked for) on every upload, in an aws-chunked trailer for streams. */
let sdk: S3Client;
const seenHeaders: Record<string, string>[] = [];
const Bucket = 'checksum-rules';

beforeAll(async () => {
  stack = await startTestStack();
  const env = stack.customerEnv(0);
  const config: S3ClientConfig = {
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  };
  plain = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  sdk = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_SUPPORTED' });
  sdk.middlewareStack.add(
    (next) => async (args) => {
      seenHeaders.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHeaders' },
  );
  await plain.send(new CreateBucketCommand({ Bucket }));
}, 120_000);

afterAll(async () => {
  plain?.destroy();
  sdk?.destroy();
  await stack?.close();
});

/** The S3 error a command fails with: code, message and status. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; status?: number; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { code: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e as unknown as Record<string, unknown> };
  }
  throw new Error('expected the request to fail');
}

async function createUpload(Key: string, ChecksumAlgorithm?: Algorithm, ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT'): Promise<string> {
  const created = await plain.send(
    new CreateMultipartUploadCommand({
      Bucket,
      Key,
      ...(ChecksumAlgorithm ? { ChecksumAlgorithm } : {}),
      ...(ChecksumType ? { ChecksumType } : {}),
    }),
  );
  return created.UploadId!;
}

const part = (Key: string, UploadId: string, PartNumber: number, Body: Buffer, extra: Record<string, string> = {}) =>
  new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ...extra });

const complete = (Key: string, UploadId: string, Parts: CompletedPart[], extra: Record<string, string> = {}) =>
  plain.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts }, ...extra }));

describe('the reference checksums of this test', () => {
  it('match the published check values and the vectors AWS answered for "123456789"', () => {
    expect(referenceCrc('CRC64NVME', CHECK).toString('hex')).toBe('ae8b14860a799888');
    expect(b64('CRC64NVME', CHECK)).toBe('rosUhgp5mIg=');
    expect(b64('CRC32', CHECK)).toBe('y/Q5Jg==');
    expect(b64('CRC32C', CHECK)).toBe('4waSgw==');
    expect(b64('SHA1', CHECK)).toBe('98O8HYCOBHMq32eZZczDTKeuNEE=');
    expect(composite('CRC32', [CHECK])).toBe('7kxlUA==-1');
  });
});

describe('multipart uploads that declare a checksum algorithm', () => {
  it('refuse a part sent without a checksum when the upload is CRC32 (COMPOSITE), as a checksum-dropping proxy sends it', async () => {
    const id = await createUpload('no-part-sum', 'CRC32');
    const refused = await failure(plain.send(part('no-part-sum', id, 1, PART2)));
    expect(refused).toMatchObject({
      code: 'InvalidRequest',
      status: 400,
      message: 'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null',
    });
    expect((await plain.send(new ListPartsCommand({ Bucket, Key: 'no-part-sum', UploadId: id }))).Parts ?? []).toEqual([]);
  });

  it("refuse a part carrying another algorithm's checksum, COMPOSITE or FULL_OBJECT", async () => {
    for (const type of ['COMPOSITE', 'FULL_OBJECT'] as const) {
      const id = await createUpload(`other-${type}`, 'CRC32', type);
      const refused = await failure(plain.send(part(`other-${type}`, id, 1, PART2, { ChecksumCRC32C: b64('CRC32C', PART2) })));
      expect(refused, type).toMatchObject({
        code: 'InvalidRequest',
        message: 'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: crc32c',
      });
    }
  });

  it('accept the SDK’s part checksums in an aws-chunked trailer, answer them, list them, and build the composite S3 builds', async () => {
    const id = await createUpload('trailer-composite', 'CRC32C');
    seenHeaders.length = 0;
    const sent = [PART1, PART2];
    const answers = [];
    for (const [i, body] of sent.entries()) {
      answers.push(
        await sdk.send(
          new UploadPartCommand({
            Bucket,
            Key: 'trailer-composite',
            UploadId: id,
            PartNumber: i + 1,
            Body: Readable.from([body]),
            ContentLength: body.length,
            ChecksumAlgorithm: 'CRC32C',
          }),
        ),
      );
    }
    expect(seenHeaders.map((h) => h['x-amz-trailer'])).toEqual(['x-amz-checksum-crc32c', 'x-amz-checksum-crc32c']);
    expect(answers.map((a) => a.ChecksumCRC32C)).toEqual(sent.map((b) => b64('CRC32C', b)));
    const listed = await plain.send(new ListPartsCommand({ Bucket, Key: 'trailer-composite', UploadId: id }));
    expect(listed.Parts?.map((p) => p.ChecksumCRC32C)).toEqual(sent.map((b) => b64('CRC32C', b)));
    expect(listed).toMatchObject({ ChecksumAlgorithm: 'CRC32C', ChecksumType: 'COMPOSITE' });
    const done = await complete(
      'trailer-composite',
      id,
      answers.map((a, i) => ({ PartNumber: i + 1, ETag: a.ETag!, ChecksumCRC32C: a.ChecksumCRC32C! })),
    );
    expect(done).toMatchObject({ ChecksumCRC32C: composite('CRC32C', sent), ChecksumType: 'COMPOSITE' });
  });

  it('need every part’s checksum in a COMPOSITE completion (InvalidRequest naming the part); a wrong one is InvalidPart', async () => {
    const id = await createUpload('complete-lists', 'CRC32');
    const one = await plain.send(part('complete-lists', id, 1, PART1, { ChecksumCRC32: b64('CRC32', PART1) }));
    const two = await plain.send(part('complete-lists', id, 2, PART2, { ChecksumCRC32: b64('CRC32', PART2) }));
    const missing = await failure(
      complete('complete-lists', id, [
        { PartNumber: 1, ETag: one.ETag!, ChecksumCRC32: one.ChecksumCRC32! },
        { PartNumber: 2, ETag: two.ETag! },
      ]),
    );
    expect(missing).toMatchObject({
      code: 'InvalidRequest',
      status: 400,
      message:
        'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing ' +
        'for part 2 in the request.',
    });
    const wrong = await failure(
      complete('complete-lists', id, [
        { PartNumber: 1, ETag: one.ETag!, ChecksumCRC32: two.ChecksumCRC32! },
        { PartNumber: 2, ETag: two.ETag!, ChecksumCRC32: two.ChecksumCRC32! },
      ]),
    );
    expect(wrong).toMatchObject({ code: 'InvalidPart', status: 400 });
    expect(wrong.error).toMatchObject({ UploadId: id, PartNumber: '1', ETag: one.ETag!.replace(/"/g, '') });
    const parts = [
      { PartNumber: 1, ETag: one.ETag!, ChecksumCRC32: one.ChecksumCRC32! },
      { PartNumber: 2, ETag: two.ETag!, ChecksumCRC32: two.ChecksumCRC32! },
    ];
    const expected = composite('CRC32', [PART1, PART2]);
    const badSuffix = await failure(complete('complete-lists', id, parts, { ChecksumCRC32: expected.replace(/-2$/, '-3') }));
    expect(badSuffix).toMatchObject({ code: 'BadDigest', message: 'The crc32 you specified did not match the calculated checksum.' });
    const malformed = await failure(complete('complete-lists', id, parts, { ChecksumCRC32: expected.replace(/-2$/, '-a') }));
    expect(malformed).toMatchObject({ code: 'InvalidRequest', message: 'Value for x-amz-checksum-crc32 header is invalid.' });
    expect(await complete('complete-lists', id, parts, { ChecksumCRC32: expected })).toMatchObject({
      ChecksumCRC32: expected,
      ChecksumType: 'COMPOSITE',
    });
  });

  it('give the composite AWS gave for one part of "123456789", for each algorithm that has one', async () => {
    const vectors = {
      CRC32: '7kxlUA==-1',
      CRC32C: 'pzJFoA==-1',
      SHA1: 'zGcEPHvP9e6lVmvZsfPHT9mlz10=-1',
      SHA256: 'KSsNAHVmgy25S/rmic1w0at3KBH9RLn0nYVQ7p6mpJQ=-1',
    } as const;
    for (const [algorithm, value] of Object.entries(vectors) as [Exclude<Algorithm, 'CRC64NVME'>, string][]) {
      const key = `vector-${algorithm}`;
      const id = await createUpload(key, algorithm);
      const field = `Checksum${algorithm}`;
      const sent = await plain.send(part(key, id, 1, CHECK, { [field]: b64(algorithm, CHECK) }));
      const done = await complete(key, id, [{ PartNumber: 1, ETag: sent.ETag!, [field]: b64(algorithm, CHECK) }]);
      expect((done as unknown as Record<string, unknown>)[field], algorithm).toBe(value);
      expect(value).toBe(composite(algorithm, [CHECK]));
    }
  });

  it('compute the part checksums a FULL_OBJECT upload was not sent, and end with the CRC64NVME of the whole object', async () => {
    const id = await createUpload('full-crc64', 'CRC64NVME');
    const one = await plain.send(part('full-crc64', id, 1, PART1));
    const two = await plain.send(part('full-crc64', id, 2, PART2));
    expect([one.ChecksumCRC64NVME, two.ChecksumCRC64NVME]).toEqual([b64('CRC64NVME', PART1), b64('CRC64NVME', PART2)]);
    const done = await complete('full-crc64', id, [
      { PartNumber: 1, ETag: one.ETag! },
      { PartNumber: 2, ETag: two.ETag! },
    ]);
    expect(done).toMatchObject({ ChecksumCRC64NVME: b64('CRC64NVME', WHOLE), ChecksumType: 'FULL_OBJECT' });
    const head = await plain.send(new HeadObjectCommand({ Bucket, Key: 'full-crc64', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ChecksumCRC64NVME: b64('CRC64NVME', WHOLE), ChecksumType: 'FULL_OBJECT' });
    expect((await plain.send(new HeadObjectCommand({ Bucket, Key: 'full-crc64' }))).ChecksumCRC64NVME).toBeUndefined();
  });

  it('check a full-object checksum sent with the completion (BadDigest) and keep it when right', async () => {
    const id = await createUpload('full-crc32', 'CRC32', 'FULL_OBJECT');
    const one = await plain.send(part('full-crc32', id, 1, PART1, { ChecksumCRC32: b64('CRC32', PART1) }));
    const two = await plain.send(part('full-crc32', id, 2, PART2));
    const parts = [
      { PartNumber: 1, ETag: one.ETag! },
      { PartNumber: 2, ETag: two.ETag! },
    ];
    const wrong = await failure(complete('full-crc32', id, parts, { ChecksumCRC32: b64('CRC32', PART1) }));
    expect(wrong).toMatchObject({
      code: 'BadDigest',
      status: 400,
      message: 'The crc32 you specified did not match the calculated checksum.',
    });
    const done = await complete('full-crc32', id, parts, { ChecksumCRC32: b64('CRC32', WHOLE), ChecksumType: 'FULL_OBJECT' });
    expect(done).toMatchObject({ ChecksumCRC32: b64('CRC32', WHOLE), ChecksumType: 'FULL_OBJECT' });
  });

  it('answer GetObject partNumber with that part’s own checksum for a COMPOSITE object, in checksum mode only', async () => {
    const id = await createUpload('by-part', 'SHA256');
    const one = await plain.send(part('by-part', id, 1, PART1, { ChecksumSHA256: b64('SHA256', PART1) }));
    const two = await plain.send(part('by-part', id, 2, PART2, { ChecksumSHA256: b64('SHA256', PART2) }));
    await complete('by-part', id, [
      { PartNumber: 1, ETag: one.ETag!, ChecksumSHA256: one.ChecksumSHA256! },
      { PartNumber: 2, ETag: two.ETag!, ChecksumSHA256: two.ChecksumSHA256! },
    ]);
    const second = await plain.send(new HeadObjectCommand({ Bucket, Key: 'by-part', PartNumber: 2, ChecksumMode: 'ENABLED' }));
    expect(second).toMatchObject({ ChecksumSHA256: b64('SHA256', PART2), ChecksumType: 'COMPOSITE' });
    expect((await plain.send(new HeadObjectCommand({ Bucket, Key: 'by-part', PartNumber: 2 }))).ChecksumSHA256).toBeUndefined();
    const whole = await plain.send(new HeadObjectCommand({ Bucket, Key: 'by-part', ChecksumMode: 'ENABLED' }));
    expect(whole).toMatchObject({ ChecksumSHA256: composite('SHA256', [PART1, PART2]), ChecksumType: 'COMPOSITE' });
  });
});

describe('copies', () => {
  it(
    'keep the source’s algorithm, computed over the copy as a full-object checksum, when the source is COMPOSITE (S3 never stores an ' +
      'object without one)',
    async () => {
      const id = await createUpload('composite-source', 'SHA256');
      const one = await plain.send(part('composite-source', id, 1, CHECK, { ChecksumSHA256: b64('SHA256', CHECK) }));
      await complete('composite-source', id, [{ PartNumber: 1, ETag: one.ETag!, ChecksumSHA256: one.ChecksumSHA256! }]);
      const copied = await plain.send(new CopyObjectCommand({ Bucket, Key: 'composite-copy', CopySource: `${Bucket}/composite-source` }));
      expect(copied.CopyObjectResult).toMatchObject({ ChecksumSHA256: b64('SHA256', CHECK), ChecksumType: 'FULL_OBJECT' });
      const head = await plain.send(new HeadObjectCommand({ Bucket, Key: 'composite-copy', ChecksumMode: 'ENABLED' }));
      expect(head).toMatchObject({ ChecksumSHA256: b64('SHA256', CHECK), ChecksumType: 'FULL_OBJECT' });
      const asked = await plain.send(
        new CopyObjectCommand({
          Bucket,
          Key: 'composite-copy-crc32c',
          CopySource: `${Bucket}/composite-source`,
          ChecksumAlgorithm: 'CRC32C',
        }),
      );
      expect(asked.CopyObjectResult).toMatchObject({ ChecksumCRC32C: b64('CRC32C', CHECK), ChecksumType: 'FULL_OBJECT' });
    },
  );
});

describe('uploads without a declared checksum', () => {
  it('get S3’s default CRC64NVME of the whole object, from PutObject and from a multipart upload', async () => {
    const put = await plain.send(new PutObjectCommand({ Bucket, Key: 'default-put', Body: PART2 }));
    expect(put).toMatchObject({ ChecksumCRC64NVME: b64('CRC64NVME', PART2), ChecksumType: 'FULL_OBJECT' });
    const id = await createUpload('default-mpu');
    const one = await plain.send(part('default-mpu', id, 1, PART1));
    const two = await plain.send(part('default-mpu', id, 2, PART2));
    expect(one.ChecksumCRC64NVME).toBe(b64('CRC64NVME', PART1));
    const done = await complete('default-mpu', id, [
      { PartNumber: 1, ETag: one.ETag! },
      { PartNumber: 2, ETag: two.ETag! },
    ]);
    expect(done).toMatchObject({ ChecksumCRC64NVME: b64('CRC64NVME', WHOLE), ChecksumType: 'FULL_OBJECT' });
    const got = await plain.send(new GetObjectCommand({ Bucket, Key: 'default-put', ChecksumMode: 'ENABLED' }));
    expect(got).toMatchObject({ ChecksumCRC64NVME: b64('CRC64NVME', PART2), ChecksumType: 'FULL_OBJECT' });
    await got.Body?.transformToByteArray();
  });
});

describe('single requests', () => {
  it('refuse a wrong checksum on PutObject and UploadPart as BadDigest naming the algorithm in capitals', async () => {
    const put = await failure(
      plain.send(new PutObjectCommand({ Bucket, Key: 'bad-put', Body: CHECK, ChecksumCRC64NVME: b64('CRC64NVME', PART2) })),
    );
    expect(put).toMatchObject({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC64NVME you specified did not match the calculated checksum.',
    });
    const id = await createUpload('bad-part', 'SHA1');
    const uploaded = await failure(plain.send(part('bad-part', id, 1, CHECK, { ChecksumSHA1: b64('SHA1', PART2) })));
    expect(uploaded).toMatchObject({
      code: 'BadDigest',
      status: 400,
      message: 'The SHA1 you specified did not match the calculated checksum.',
    });
  });

  it('refuse x-amz-sdk-checksum-algorithm naming another algorithm than the checksum sent', async () => {
    const refused = await failure(
      plain.send(
        new PutObjectCommand({ Bucket, Key: 'sdk-mismatch', Body: CHECK, ChecksumAlgorithm: 'SHA1', ChecksumCRC32: b64('CRC32', CHECK) }),
      ),
    );
    expect(refused).toMatchObject({ code: 'InvalidRequest', message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
  });

  it('leave the connection of an upload refused before its body was read usable: the next request on it is answered', async () => {
    // One kept-alive connection, as a proxy's pool reuses it: the refused body must not leave it stuck.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const env = stack.customerEnv(0);
    const one = new S3Client({
      endpoint: stack.info.awsEndpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      requestHandler: { httpAgent: agent },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    try {
      const body = Buffer.alloc(2 * MiB, 7);
      const refused = await failure(
        one.send(
          new PutObjectCommand({ Bucket, Key: 'refused-early', Body: body, ChecksumAlgorithm: 'SHA1', ChecksumCRC32: b64('CRC32', body) }),
        ),
      );
      expect(refused).toMatchObject({ code: 'InvalidRequest', status: 400 });
      const next = await one.send(new PutObjectCommand({ Bucket, Key: 'after-refused', Body: CHECK }), {
        abortSignal: AbortSignal.timeout(5000),
      });
      expect(next.ChecksumCRC64NVME).toBe(b64('CRC64NVME', CHECK));
    } finally {
      one.destroy();
      agent.destroy();
    }
  });

  it(
    'close the connection of an upload refused part way (a chunk signature that does not match), so the next request on a client’s ' +
      'pool is answered',
    async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const env = stack.customerEnv(0);
      const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
      const url = new URL(stack.info.awsEndpoint);
      const data = Buffer.alloc(MiB, 3);
      const chunks = [data.subarray(0, MiB / 2), data.subarray(MiB / 2)];
      const trailers: Array<[string, string]> = [['x-amz-checksum-crc32', b64('CRC32', data)]];
      /** A PutObject with a signed aws-chunked body and trailer, on `agent`'s one connection; answers within 5 s or fails. */
      const put = async (key: string, badChunkSignature: boolean) => {
        const fake = { key: Buffer.alloc(32), amzDate: '20261205T000000Z', scope: 's', seedSignature: '0'.repeat(64) };
        const signer = new SignatureV4({
          credentials,
          region: 'us-east-1',
          service: 's3',
          sha256: Sha256,
          uriEscapePath: false,
          applyChecksum: false,
        });
        const signed = await signer.sign(
          new HttpRequest({
            method: 'PUT',
            hostname: url.hostname,
            port: Number(url.port),
            path: `/${Bucket}/${key}`,
            headers: {
              host: url.host,
              'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
              'content-encoding': 'aws-chunked',
              'content-length': String(encodeAwsChunked({ chunks, signing: fake, trailers }).length),
              'x-amz-decoded-content-length': String(data.length),
              'x-amz-trailer': 'x-amz-checksum-crc32',
              'x-amz-sdk-checksum-algorithm': 'CRC32',
            },
          }),
        );
        const amzDate = signed.headers['x-amz-date']!;
        const seedSignature = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!;
        const signing = {
          key: signingKey(credentials.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3'),
          amzDate,
          scope: `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
          seedSignature,
        };
        const encoded = encodeAwsChunked({ chunks, signing, trailers }).toString('latin1');
        const body = Buffer.from(
          badChunkSignature ? encoded.replace(/chunk-signature=[0-9a-f]{64}/, `chunk-signature=${'0'.repeat(64)}`) : encoded,
          'latin1',
        );
        return new Promise<{ status: number; text: string }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${key}: no answer within 5 s`)), 5000);
          const outgoing = httpRequest(
            { method: 'PUT', hostname: url.hostname, port: url.port, path: signed.path, headers: signed.headers, agent },
            (incoming) => {
              let text = '';
              incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
              incoming.on('end', () => {
                clearTimeout(timer);
                resolve({ status: incoming.statusCode!, text });
              });
            },
          );
          outgoing.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
          outgoing.end(body);
        });
      };
      try {
        const refused = await put('refused-part-way', true);
        expect([refused.status, /<Code>(\w+)<\/Code>/.exec(refused.text)?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
        expect((await put('after-refused-part-way', false)).status).toBe(200);
      } finally {
        agent.destroy();
      }
    },
  );

  it('return the stored checksum with checksum mode for the whole object or a range covering it, not for a smaller range', async () => {
    await plain.send(new PutObjectCommand({ Bucket, Key: 'ranged', Body: CHECK, ChecksumCRC32C: b64('CRC32C', CHECK) }));
    const head = (Range?: string) =>
      plain.send(new HeadObjectCommand({ Bucket, Key: 'ranged', ChecksumMode: 'ENABLED', ...(Range ? { Range } : {}) }));
    expect(await head()).toMatchObject({ ChecksumCRC32C: '4waSgw==', ChecksumType: 'FULL_OBJECT' });
    expect(await head('bytes=0-8')).toMatchObject({ ChecksumCRC32C: '4waSgw==', ChecksumType: 'FULL_OBJECT' });
    const partial = await head('bytes=1-8');
    expect([partial.ChecksumCRC32C, partial.ChecksumType]).toEqual([undefined, undefined]);
  });

  it('refuse a checksum mode other than ENABLED', async () => {
    const refused = await failure(plain.send(new GetObjectCommand({ Bucket, Key: 'ranged', ChecksumMode: 'DISABLED' as 'ENABLED' })));
    expect(refused).toMatchObject({ code: 'InvalidRequest', message: 'Value for x-amz-checksum-mode header is invalid.' });
  });
});
