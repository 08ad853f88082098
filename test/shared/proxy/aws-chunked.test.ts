/**
 * aws-chunked uploads (signed, signed with trailers, unsigned with trailers) reach S3 as the client's bytes,
 * never with the framing inside; what fails its check (a chunk signature, a trailing checksum) is never stored.
 */

import { Readable } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyRequest } from '../../../shared/proxy/types';
import { signingKey } from '../../../shared/sigv4';
import { encodeAwsChunked } from '../sigv4/helpers';
import { bodyText, type ProxyWorld, proxyWorld, SECRET } from './world';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

/** CRC32 as S3 writes it, from Node's zlib (an independent reference). */
const crc32 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlibCrc32(data));
  return out.toString('base64');
};

const CHUNKS = [Buffer.alloc(8192, 'a'), Buffer.alloc(8192, 'b'), Buffer.from('tail')];
const PAYLOAD = Buffer.concat(CHUNKS);

interface ChunkedSpec {
  mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  trailer?: [string, string];
  as?: { accessKeyId: string; secretAccessKey: string };
  /** Corrupts one chunk's bytes after signing. */
  tamper?: boolean;
  decodedLength?: boolean;
}

/** A PutObject with an aws-chunked body, signed as the SDKs sign it: the seed is the request's own signature. */
async function chunkedPut(key: string, spec: ChunkedSpec): Promise<ProxyRequest> {
  const signed = spec.mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const fakeSigning = signed
    ? { key: Buffer.alloc(32), amzDate: '20250601T120000Z', scope: 's', seedSignature: '0'.repeat(64) }
    : undefined;
  const trailers = spec.trailer ? [spec.trailer] : undefined;
  const length = encodeAwsChunked({
    chunks: CHUNKS,
    ...(fakeSigning ? { signing: fakeSigning } : {}),
    ...(trailers ? { trailers } : {}),
  }).length;
  const request = await w.sign({
    method: 'PUT',
    path: `/shared-genomes/${key}`,
    payloadHash: spec.mode,
    ...(spec.as ? { as: spec.as } : {}),
    headers: {
      'content-encoding': 'aws-chunked',
      'content-length': String(length),
      ...(spec.decodedLength === false ? {} : { 'x-amz-decoded-content-length': String(PAYLOAD.length) }),
      ...(spec.trailer ? { 'x-amz-trailer': spec.trailer[0], 'x-amz-sdk-checksum-algorithm': 'CRC32' } : {}),
    },
  });
  const seedSignature = /Signature=([0-9a-f]{64})/.exec(request.headers.authorization!)![1]!;
  const amzDate = request.headers['x-amz-date']!;
  const secret = spec.as?.secretAccessKey ?? SECRET;
  const signing = signed
    ? {
        key: signingKey(secret, amzDate.slice(0, 8), 'us-east-1', 's3'),
        amzDate,
        scope: `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
        seedSignature,
      }
    : undefined;
  const body = encodeAwsChunked({ chunks: CHUNKS, ...(signing ? { signing } : {}), ...(trailers ? { trailers } : {}) });
  if (spec.tamper) body[body.indexOf('b')] = 'c'.charCodeAt(0);
  return { ...request, body: Readable.from([body]) };
}

const stored = async (key: string) => {
  const response = await w.send({ path: `/shared-genomes/${key}` });
  return response.status === 200 ? Buffer.from(await bodyText(response)) : response.status;
};

describe('aws-chunked uploads', () => {
  it('signed chunks are verified with the gateway key’s secret and stored as the client’s bytes', async () => {
    const response = await w.proxy(await chunkedPut('signed.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }));
    expect(response.status).toBe(200);
    expect(await stored('signed.bin')).toEqual(PAYLOAD);
    const sent = w.sent[0]!;
    expect(sent.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expect(sent.headers['content-length']).toBe(String(PAYLOAD.length));
    expect(sent.headers['content-encoding']).toBeUndefined();
    expect(sent.headers['x-amz-decoded-content-length']).toBeUndefined();
  });

  it('signed chunks with a trailing checksum: checked, then passed on to S3 as an aws-chunked trailer, and stored', async () => {
    const response = await w.proxy(
      await chunkedPut('trailer.bin', {
        mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        trailer: ['x-amz-checksum-crc32', crc32(PAYLOAD)],
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-checksum-crc32']).toBe(crc32(PAYLOAD));
    expect(await stored('trailer.bin')).toEqual(PAYLOAD);
    const sent = w.sent[0]!;
    expect(sent.payloadHash).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sent.headers).toMatchObject({
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': String(PAYLOAD.length),
      'x-amz-sdk-checksum-algorithm': 'CRC32',
    });
    const head = await w.send({ method: 'HEAD', path: '/shared-genomes/trailer.bin', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers).toMatchObject({ 'x-amz-checksum-crc32': crc32(PAYLOAD), 'x-amz-checksum-type': 'FULL_OBJECT' });
  });

  it('unsigned chunks with a trailing checksum (the JS SDK’s default for streams): stored with the checksum', async () => {
    const response = await w.proxy(
      await chunkedPut('unsigned.bin', { mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', trailer: ['x-amz-checksum-crc32', crc32(PAYLOAD)] }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-checksum-crc32']).toBe(crc32(PAYLOAD));
    expect(await stored('unsigned.bin')).toEqual(PAYLOAD);
  });

  it('a chunk altered after signing is SignatureDoesNotMatch, and nothing is stored', async () => {
    const response = await w.proxy(await chunkedPut('tampered.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', tamper: true }));
    expect(response.status).toBe(403);
    expect(await bodyText(response)).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    expect(await stored('tampered.bin')).toBe(404);
    expect(w.audit.events.find((e) => e.action === 'proxy.PutObject')).toMatchObject({
      outcome: 'denied',
      detail: { reason: 'SignatureDoesNotMatch' },
    });
  });

  it('a wrong trailing checksum is BadDigest, decided before the trailer reaches S3: nothing is stored', async () => {
    const response = await w.proxy(
      await chunkedPut('baddigest.bin', {
        mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        trailer: ['x-amz-checksum-crc32', crc32(Buffer.from('other'))],
      }),
    );
    expect(response.status).toBe(400);
    expect(await bodyText(response)).toMatch(/<Code>BadDigest<\/Code>/);
    expect(await stored('baddigest.bin')).toBe(404);
  });

  it('in JWT mode signed chunks are de-chunked without their signatures being checkable; the checksum trailer still goes on', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
    w.identities.set(token, { subject: 'alice', issuer: 'i', groups: [], authMethods: [], expiresAt: new Date('2030-01-01'), token });
    const as = { accessKeyId: token, secretAccessKey: 'N/A' };
    const response = await w.proxy(
      await chunkedPut('jwt.bin', {
        mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        trailer: ['x-amz-checksum-crc32', crc32(PAYLOAD)],
        as,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-checksum-crc32']).toBe(crc32(PAYLOAD));
    expect(await stored('jwt.bin')).toEqual(PAYLOAD);
  });

  it('without x-amz-decoded-content-length is MissingContentLength', async () => {
    const response = await w.proxy(await chunkedPut('nolength.bin', { mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', decodedLength: false }));
    expect(response.status).toBe(411);
    expect(w.sent).toEqual([]);
  });
});
