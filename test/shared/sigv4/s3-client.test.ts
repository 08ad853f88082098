/**
 * What @aws-sdk/client-s3 and its presigner put on the wire verifies here: the requests are captured at the
 * HTTP handler, exactly as they would leave for a server, and checked with this module alone.
 */

import { Readable, type Transform } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HttpResponse } from '@smithy/protocol-http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AwsChunkedDecoder, bodyVerifier, parseSigV4, type SigV4Request, verifySigV4 } from '../../../shared/sigv4';
import { catchError, received, runThrough, type SignedRequest } from './helpers';

const NOW = new Date('2026-05-06T07:08:09Z');
const CREDENTIALS = {
  accessKeyId: 'AKIASDKCLIENT0000001',
  secretAccessKey: 'sdk/secret+with=chars0123456789abcdefghij',
  sessionToken: 'IQoJb3JpZ2luX2VjE+/=',
};

interface Captured {
  req: SigV4Request;
  body: Buffer;
}

async function bytesOf(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const pieces: Buffer[] = [];
  for await (const piece of body as AsyncIterable<Uint8Array | string>) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

/** An HTTP handler that records each request and answers 200 with `responseBody`. */
function capturingClient(responseBody = '') {
  const captured: Captured[] = [];
  const requestHandler = {
    async handle(request: SignedRequest & { body?: unknown }) {
      captured.push({ req: received(request), body: await bytesOf(request.body) });
      return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from(responseBody)]) }) };
    },
  };
  const client = new S3Client({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestHandler,
  });
  return { client, captured };
}

function verify(req: SigV4Request, now = NOW) {
  const parsed = parseSigV4(req);
  if (!parsed) throw new Error('not recognised as SigV4');
  verifySigV4(req, parsed, CREDENTIALS.secretAccessKey, { now });
  return parsed;
}

const KEYS = [
  'plain.txt',
  'with space & plus+equals=.txt',
  '100%/ünïcødé 日本/🚀',
  'double//slash/',
  "sub-delims!$'()*,;:@~",
  'dots/./../kept',
];

describe('requests from @aws-sdk/client-s3', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterAll(() => vi.useRealTimers());

  it.each(KEYS)('GetObject of %j verifies, with the session token', async (key) => {
    const { client, captured } = capturingClient();
    await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: key, Range: 'bytes=0-9' }));
    expect(verify(captured[0]!.req)).toMatchObject({ form: 'header', sessionToken: CREDENTIALS.sessionToken, region: 'eu-west-1' });
  });

  it('ListObjectsV2 with awkward prefix, delimiter, start-after and continuation token verifies', async () => {
    const { client, captured } = capturingClient('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ListBucketResult>');
    await client.send(
      new ListObjectsV2Command({
        Bucket: 'bucket',
        Prefix: 'a b/c+d=e&f%/ü',
        Delimiter: '/',
        StartAfter: 'x y',
        ContinuationToken: '1ZxL+/9w==',
      }),
    );
    expect(verify(captured[0]!.req).form).toBe('header');
  });

  it('PutObject of a string body verifies, and the body passes its check', async () => {
    const { client, captured } = capturingClient();
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'dir/file name.txt', Body: 'hello, world' }));
    const { req, body } = captured[0]!;
    const parsed = verify(req);
    const verifier = bodyVerifier(req, parsed, CREDENTIALS.secretAccessKey);
    const payload = verifier ? await runThrough(verifier, body) : body;
    expect(payload.toString()).toBe('hello, world');
  });

  it('PutObject of a stream is sent aws-chunked with a CRC32 trailer; it decodes to the stream and hands the checksum over', async () => {
    const data = Buffer.from('0123456789abcdef'.repeat(10_000));
    const { client, captured } = capturingClient();
    await client.send(
      new PutObjectCommand({
        Bucket: 'bucket',
        Key: 'streamed.bin',
        Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]),
        ContentLength: data.length,
      }),
    );
    const { req, body } = captured[0]!;
    const parsed = verify(req);
    expect(parsed.payloadHash).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(req.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    const decoder = bodyVerifier(req, parsed, CREDENTIALS.secretAccessKey) as AwsChunkedDecoder;
    await expect(runThrough(decoder, body, 1000)).resolves.toEqual(data);
    await expect(decoder.trailers).resolves.toHaveProperty('x-amz-checksum-crc32');
    const corrupted = Buffer.from(body);
    const at = body.indexOf('\r\n') + 10;
    corrupted.writeUInt8(corrupted.readUInt8(at) ^ 1, at);
    await expect(runThrough(bodyVerifier(req, parsed, CREDENTIALS.secretAccessKey) as Transform, corrupted)).rejects.toMatchObject({
      code: 'BadDigest',
    });
  });
});

describe('URLs from @aws-sdk/s3-request-presigner', () => {
  /** Path and query exactly as in the URL (WHATWG's URL would resolve `.` and `..` segments, a server does not). */
  function fromUrl(url: string, host: string): SigV4Request {
    const [, rawPath = '', rawQuery = ''] = /^[a-z]+:\/\/[^/]+([^?]*)\??(.*)$/.exec(url) ?? [];
    return { method: 'GET', rawPath, rawQuery, headers: { host } };
  }

  it.each(KEYS)('a presigned GetObject URL for %j verifies until it expires', async (key) => {
    const { client } = capturingClient();
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: key }), { expiresIn: 600, signingDate: NOW });
    const req = fromUrl(url, '127.0.0.1:4566');
    expect(verify(req)).toMatchObject({ form: 'query', expiresSeconds: 600, sessionToken: CREDENTIALS.sessionToken });
    expect(verify(req, new Date(NOW.getTime() + 600_000)).form).toBe('query');
    expect(catchError(() => verify(req, new Date(NOW.getTime() + 601_000)))).toMatchObject({
      code: 'AccessDenied',
      message: expect.stringMatching(/^Request has expired/),
    });
  });

  it('a presigned URL used against another host is SignatureDoesNotMatch', async () => {
    const { client } = capturingClient();
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: 'k' }), { expiresIn: 600, signingDate: NOW });
    expect(catchError(() => verify(fromUrl(url, 'evil.example:4566'))).code).toBe('SignatureDoesNotMatch');
  });
});
