/**
 * Checksums kept end to end through the proxy, as S3 keeps them: the JS SDK v3 sends a stream body's checksum
 * as an aws-chunked trailer, the proxy verifies it and passes it on, and PutObject, UploadPart,
 * CompleteMultipartUpload, HeadObject and GetObject (checksum mode) answer through either front what the local
 * S3 answers the customer directly, for every algorithm. A hand-signed STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
 * request with a gateway key too; a trailer that does not match is BadDigest and nothing is stored.
 */

import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  type ChecksumType,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChecksumAlgorithm, createChecksum, signingKey } from '../../shared/sigv4';
import { encodeAwsChunked } from '../shared/sigv4/helpers';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

let w: ProxyWorld;
let direct: S3Client;
const fronts: Record<string, S3Client> = {};
/** The headers of every request the SDK clients sent, by front. */
const sent: Record<string, Array<Record<string, string>>> = { direct: [] };
const VOLUME = 'alice-genomes';
const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** An SDK client that computes checksums whenever an operation supports them, recording what it sends. */
function client(name: string, endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials,
    requestChecksumCalculation: 'WHEN_SUPPORTED',
  });
  sent[name] ??= [];
  s3.middlewareStack.add(
    (next) => async (args) => {
      sent[name]!.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  return s3;
}

beforeAll(async () => {
  w = await startProxyWorld();
  const customer = w.stack.info.customers[0]!;
  direct = client('direct', w.stack.info.awsEndpoint, customer);
  fronts.url = client('url', w.stack.info.proxyUrl, w.keys.alice!);
  fronts.node = client('node', w.stack.info.nodeProxyUrl, w.keys.alice!);
}, 120_000);
afterAll(() => w?.stack.close());

/** Where a target names the object `key` of the volume: the volume through the proxy, the real bucket directly. */
const place = (target: string, key: string) =>
  target === 'direct' ? { Bucket: 'alice-lab', Key: `project-x/direct/${key}` } : { Bucket: VOLUME, Key: `${target}/${key}` };
const s3Of = (target: string) => (target === 'direct' ? direct : fronts[target]!);
const field = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}` as const;
const lastSent = (target: string) => sent[target]![sent[target]!.length - 1]!;

const digest = async (algorithm: ChecksumAlgorithm, data: Buffer) => {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digestBase64();
};

/** PutObject of a stream (the SDK sends its checksum as a trailer), then HeadObject and GetObject in checksum mode. */
async function putAndRead(target: string, key: string, data: Buffer, algorithm: ChecksumAlgorithm) {
  const s3 = s3Of(target);
  const put = await s3.send(
    new PutObjectCommand({ ...place(target, key), Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: algorithm }),
  );
  const trailer = lastSent(target)['x-amz-trailer'];
  const head = await s3.send(new HeadObjectCommand({ ...place(target, key), ChecksumMode: 'ENABLED' }));
  const got = await s3.send(new GetObjectCommand({ ...place(target, key), ChecksumMode: 'ENABLED' }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  return {
    trailer,
    put: put[field(algorithm)],
    head: { checksum: head[field(algorithm)], type: head.ChecksumType },
    get: { checksum: got[field(algorithm)], type: got.ChecksumType, intact: bytes.equals(data) },
  };
}

describe.each(['url', 'node'])('through the %s front, a stream upload’s trailing checksum', (front) => {
  it.each(ALGORITHMS)('%s is stored and returned as S3 does', async (algorithm) => {
    const data = randomBytes(70_000);
    const proxied = await putAndRead(front, `put/${algorithm}.bin`, data, algorithm);
    const straight = await putAndRead('direct', `put/${algorithm}.bin`, data, algorithm);
    expect(proxied.trailer).toBe(`x-amz-checksum-${algorithm.toLowerCase()}`);
    expect(proxied).toEqual(straight);
    expect(proxied.put).toBe(await digest(algorithm, data));
    expect(proxied.head).toEqual({ checksum: await digest(algorithm, data), type: 'FULL_OBJECT' });
  });
});

/** A multipart upload created with an algorithm and type, its parts streamed (trailers), completed with each part's checksum. */
async function multipart(target: string, key: string, parts: Buffer[], algorithm: ChecksumAlgorithm, type: ChecksumType) {
  const s3 = s3Of(target);
  const {
    UploadId,
    ChecksumAlgorithm: createdWith,
    ChecksumType: createdType,
  } = await s3.send(new CreateMultipartUploadCommand({ ...place(target, key), ChecksumAlgorithm: algorithm, ChecksumType: type }));
  const uploaded = [];
  for (const [i, part] of parts.entries()) {
    const answer = await s3.send(
      new UploadPartCommand({
        ...place(target, key),
        UploadId,
        PartNumber: i + 1,
        Body: Readable.from([part]),
        ContentLength: part.length,
        ChecksumAlgorithm: algorithm,
      }),
    );
    expect(lastSent(target)['x-amz-trailer']).toBe(`x-amz-checksum-${algorithm.toLowerCase()}`);
    uploaded.push({ PartNumber: i + 1, ETag: answer.ETag, [field(algorithm)]: answer[field(algorithm)] });
  }
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ ...place(target, key), UploadId, MultipartUpload: { Parts: uploaded }, ChecksumType: type }),
  );
  const head = await s3.send(new HeadObjectCommand({ ...place(target, key), ChecksumMode: 'ENABLED' }));
  const got = await s3.send(new GetObjectCommand({ ...place(target, key), ChecksumMode: 'ENABLED' }));
  const intact = Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts));
  return {
    created: { algorithm: createdWith, type: createdType },
    parts: uploaded.map((part) => part[field(algorithm)]),
    completed: {
      checksum: done[field(algorithm)],
      type: done.ChecksumType,
      key: done.Key?.replace(/^project-x\/direct\//, `${target}/`),
      bucket: done.Bucket === 'alice-lab' ? VOLUME : done.Bucket,
    },
    head: { checksum: head[field(algorithm)], type: head.ChecksumType },
    get: { checksum: got[field(algorithm)], type: got.ChecksumType, intact },
  };
}

const MULTIPART: Array<[ChecksumAlgorithm, ChecksumType]> = [
  ['CRC32', 'FULL_OBJECT'],
  ['CRC32', 'COMPOSITE'],
  ['CRC32C', 'COMPOSITE'],
  ['CRC64NVME', 'FULL_OBJECT'],
  ['SHA1', 'COMPOSITE'],
  ['SHA256', 'COMPOSITE'],
];

describe.each(['url', 'node'])('through the %s front, a multipart upload with checksums', (front) => {
  it.each(MULTIPART)('%s %s: parts and the completed object carry them as S3 answers', async (algorithm, type) => {
    const parts = [randomBytes(20_000)];
    const key = `mpu/${algorithm}-${type}.bin`;
    const proxied = await multipart(front, key, parts, algorithm, type);
    const straight = await multipart('direct', key, parts, algorithm, type);
    expect({ ...proxied, completed: { ...proxied.completed, key: undefined, bucket: undefined } }).toEqual({
      ...straight,
      completed: { ...straight.completed, key: undefined, bucket: undefined },
    });
    expect(proxied.completed).toMatchObject({ type, key: `${front}/${key}`, bucket: VOLUME });
    expect(proxied.parts).toEqual([await digest(algorithm, parts[0]!)]);
    expect(proxied.completed.checksum).toEqual(type === 'FULL_OBJECT' ? await digest(algorithm, parts[0]!) : expect.stringMatching(/-1$/));
  });
});

// Parts other than the last are at least 5 MiB: beyond what a function URL carries (its 6 MB event holds the body in base64).
it.each([
  ['CRC32', 'COMPOSITE'],
  ['CRC64NVME', 'FULL_OBJECT'],
] as Array<[ChecksumAlgorithm, ChecksumType]>)(
  'through the node front, two parts (5 MiB and a tail) with %s %s complete with the checksum S3 computes',
  async (algorithm, type) => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const key = `mpu/two-parts-${algorithm}.bin`;
    const proxied = await multipart('node', key, parts, algorithm, type);
    const straight = await multipart('direct', key, parts, algorithm, type);
    expect(proxied.completed.checksum).toEqual(
      type === 'COMPOSITE' ? expect.stringMatching(/-2$/) : await digest(algorithm, Buffer.concat(parts)),
    );
    expect(proxied.parts).toEqual(straight.parts);
    expect(proxied.completed.checksum).toBe(straight.completed.checksum);
    expect(proxied.head).toEqual(straight.head);
    expect(proxied.get).toEqual({ ...straight.get, intact: true });
  },
  30_000,
);

/** A PutObject through a front with an aws-chunked body signed chunk by chunk and a signed trailer, as the SDKs' signers write it. */
async function signedTrailerPut(
  base: string,
  key: string,
  data: Buffer,
  algorithm: ChecksumAlgorithm,
  value: string,
  {
    query = {},
    chunkSize = 64 * 1024,
    sendTrailer = true,
    agent,
    badChunkSignature = false,
  }: { query?: Record<string, string>; chunkSize?: number; sendTrailer?: boolean; agent?: Agent; badChunkSignature?: boolean } = {},
) {
  const url = new URL(base);
  const trailerName = `x-amz-checksum-${algorithm.toLowerCase()}`;
  const trailers: Array<[string, string]> = sendTrailer ? [[trailerName, value]] : [];
  const chunks = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  const fakeSigning = { key: Buffer.alloc(32), amzDate: '20261205T000000Z', scope: 's', seedSignature: '0'.repeat(64) };
  const length = encodeAwsChunked({ chunks, signing: fakeSigning, trailers }).length;
  const signer = new SignatureV4({
    credentials: w.keys.alice!,
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
      path: `/${VOLUME}/${key}`,
      query,
      headers: {
        host: url.host,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'content-length': String(length),
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': trailerName,
        'x-amz-sdk-checksum-algorithm': algorithm,
      },
    }),
  );
  const amzDate = signed.headers['x-amz-date']!;
  const seedSignature = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!;
  const signing = {
    key: signingKey(w.keys.alice!.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3'),
    amzDate,
    scope: `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
    seedSignature,
  };
  const encoded = encodeAwsChunked({ chunks, signing, trailers });
  const body = badChunkSignature
    ? Buffer.from(encoded.toString('latin1').replace(/chunk-signature=[0-9a-f]{64}/, `chunk-signature=${'0'.repeat(64)}`), 'latin1')
    : encoded;
  const search = new URLSearchParams(query).toString();
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        method: 'PUT',
        hostname: url.hostname,
        port: url.port,
        path: `${signed.path}${search ? `?${search}` : ''}`,
        headers: signed.headers,
        ...(agent ? { agent } : {}),
      },
      (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => parts.push(chunk));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode!, headers: incoming.headers, text: Buffer.concat(parts).toString() }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe.each([
  ['url', () => w.stack.info.proxyUrl],
  ['node', () => w.stack.info.nodeProxyUrl],
])('through the %s front, a hand-signed STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER upload with a gateway key', (front, base) => {
  it('is stored with its checksum', async () => {
    const data = randomBytes(150_000);
    const answer = await signedTrailerPut(base(), `signed/${front}.bin`, data, 'SHA256', await digest('SHA256', data));
    expect(answer.status).toBe(200);
    expect(answer.headers['x-amz-checksum-sha256']).toBe(await digest('SHA256', data));
    const head = await direct.send(
      new HeadObjectCommand({ Bucket: 'alice-lab', Key: `project-x/signed/${front}.bin`, ChecksumMode: 'ENABLED' }),
    );
    expect({ checksum: head.ChecksumSHA256, type: head.ChecksumType, size: head.ContentLength }).toEqual({
      checksum: await digest('SHA256', data),
      type: 'FULL_OBJECT',
      size: data.length,
    });
  });

  it('with a trailing checksum that does not match is BadDigest (400), and nothing is stored', async () => {
    const data = randomBytes(150_000);
    const answer = await signedTrailerPut(
      base(),
      `signed/${front}-bad.bin`,
      data,
      'CRC32',
      await digest('CRC32', Buffer.from('other bytes')),
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/<Code>BadDigest<\/Code>/);
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: 'alice-lab', Prefix: `project-x/signed/${front}-bad` }));
    expect(listed.KeyCount).toBe(0);
  });
});

it('through the node front, UploadParts as the Java SDK v2 signs them (128 KiB chunks, signed CRC32 trailer): a good part is kept ' +
  'with its checksum; a wrong one (BadDigest), one whose trailer never comes and one of another algorithm are refused and not ' +
  'listed, and the next part still lands', async () => {
  const key = 'java/parts.bin';
  const { UploadId } = await direct.send(
    new CreateMultipartUploadCommand({ Bucket: 'alice-lab', Key: `project-x/${key}`, ChecksumAlgorithm: 'CRC32' }),
  );
  const data = randomBytes(300_000);
  const java = (partNumber: number, algorithm: ChecksumAlgorithm, value: string, sendTrailer = true) =>
    signedTrailerPut(w.stack.info.nodeProxyUrl, key, data, algorithm, value, {
      query: { partNumber: String(partNumber), uploadId: UploadId! },
      chunkSize: 128 * 1024,
      sendTrailer,
    });
  const answers = [
    await java(1, 'CRC32', await digest('CRC32', data)),
    await java(2, 'CRC32', await digest('CRC32', Buffer.from('other bytes'))),
    await java(3, 'CRC32', await digest('CRC32', data), false),
    await java(4, 'SHA256', await digest('SHA256', data)),
    await java(5, 'CRC32', await digest('CRC32', data)),
  ];
  const codes = answers.map((answer) => [
    answer.status,
    /<Code>(\w+)<\/Code>/.exec(answer.text)?.[1],
    answer.headers['x-amz-checksum-crc32'],
  ]);
  expect(codes).toEqual([
    [200, undefined, await digest('CRC32', data)],
    [400, 'BadDigest', undefined],
    [400, 'MalformedTrailerError', undefined],
    [400, 'InvalidRequest', undefined],
    [200, undefined, await digest('CRC32', data)],
  ]);
  const listed = await direct.send(new ListPartsCommand({ Bucket: 'alice-lab', Key: `project-x/${key}`, UploadId }));
  expect(listed.Parts?.map((part) => [part.PartNumber, part.ChecksumCRC32])).toEqual([
    [1, await digest('CRC32', data)],
    [5, await digest('CRC32', data)],
  ]);
}, 30_000);

it(
  'through the node front, an upload refused mid-body (a chunk signature that does not match) closes its connection, so a client’s ' +
    'next request on its pool is answered',
  async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const data = randomBytes(1024 * 1024);
      const send = async (key: string, badChunkSignature: boolean) =>
        Promise.race([
          signedTrailerPut(w.stack.info.nodeProxyUrl, key, data, 'CRC32', await digest('CRC32', data), { agent, badChunkSignature }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${key}: no answer within 5 s`)), 5000)),
        ]);
      const refused = await send('mid-body/refused.bin', true);
      expect([refused.status, /<Code>(\w+)<\/Code>/.exec(refused.text)?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
      const next = await send('mid-body/next.bin', false);
      expect([next.status, next.headers['x-amz-checksum-crc32']]).toEqual([200, await digest('CRC32', data)]);
    } finally {
      agent.destroy();
    }
  },
);

it('a token as access key id (JWT mode): the unsigned trailer is verified and stored as well', async () => {
  const byToken = client('jwt', w.stack.info.nodeProxyUrl, { accessKeyId: w.tokens.alice!, secretAccessKey: 'N/A' });
  const data = randomBytes(70_000);
  const put = await byToken.send(
    new PutObjectCommand({
      Bucket: VOLUME,
      Key: 'jwt/sha256.bin',
      Body: Readable.from([data]),
      ContentLength: data.length,
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  expect(lastSent('jwt')['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  expect(put.ChecksumSHA256).toBe(await digest('SHA256', data));
  const head = await direct.send(new HeadObjectCommand({ Bucket: 'alice-lab', Key: 'project-x/jwt/sha256.bin', ChecksumMode: 'ENABLED' }));
  expect(head.ChecksumSHA256).toBe(await digest('SHA256', data));
});

it('a checksum sent as a header (a buffer body) is still stored and returned', async () => {
  for (const [front, s3] of Object.entries(fronts)) {
    const data = randomBytes(5000);
    const put = await s3.send(new PutObjectCommand({ Bucket: VOLUME, Key: `header/${front}.bin`, Body: data, ChecksumAlgorithm: 'SHA1' }));
    expect(lastSent(front)['x-amz-checksum-sha1']).toBe(await digest('SHA1', data));
    expect(put.ChecksumSHA1).toBe(await digest('SHA1', data));
    const head = await s3.send(new HeadObjectCommand({ Bucket: VOLUME, Key: `header/${front}.bin`, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA1).toBe(await digest('SHA1', data));
  }
});

it('nothing was written outside the volume (checked as the customer)', async () => {
  const listed = await direct.send(new ListObjectsV2Command({ Bucket: 'alice-lab' }));
  const outside = (listed.Contents ?? []).map((c) => c.Key!).filter((key) => !key.startsWith('project-x/'));
  expect(outside.sort()).toEqual(['other/secret.txt', 'project-x-evil/secret.txt']);
});
