/**
 * The aws-chunked framing the proxy sends S3 when a checksum trailer goes along: the length announced before the
 * first byte is the length written, the framing reads back (with the decoder S3's stand-in uses) as the payload
 * and its trailer, and the trailer is never written when its value did not come.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { awsChunkedEncoder, awsChunkedLength, checksumValueLength, type TrailerShape } from '../../../shared/proxy/aws-chunked-encoder';
import { AwsChunkedDecoder, type ChecksumAlgorithm, createChecksum, STREAMING_UNSIGNED_TRAILER } from '../../../shared/sigv4';
import { encodeAwsChunked } from '../sigv4/helpers';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

const digest = async (algorithm: ChecksumAlgorithm, data: Buffer) => {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digestBase64();
};

/** Splits `data` at the given cut points (as a socket would). */
const pieces = (data: Buffer, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => data.subarray(start, at[i] ?? data.length)).filter((p) => p.length > 0);
};

async function encode(
  parts: Buffer[],
  decodedLength: number,
  trailers: TrailerShape[],
  values: () => Promise<Record<string, string>>,
  chunkSize?: number,
) {
  const out: Buffer[] = [];
  const encoder = awsChunkedEncoder({ decodedLength, trailers, values, ...(chunkSize ? { chunkSize } : {}) });
  encoder.on('data', (chunk: Buffer) => out.push(chunk));
  let error: Error | undefined;
  await pipeline(Readable.from(parts), encoder).catch((e: Error) => (error = e));
  return { bytes: Buffer.concat(out), error };
}

describe('the aws-chunked encoder', () => {
  it('knows each algorithm’s base64 length: 8 for CRC32 and CRC32C, 12 for CRC64NVME, 28 for SHA1, 44 for SHA256', () => {
    expect(ALGORITHMS.map((a) => checksumValueLength(`x-amz-checksum-${a.toLowerCase()}`))).toEqual([8, 8, 12, 28, 44]);
    expect(checksumValueLength('x-amz-trailer-signature')).toBeUndefined();
  });

  it('frames 64 KiB chunks and the trailer exactly as S3 documents aws-chunked', async () => {
    const payload = Buffer.alloc(65536 * 2 + 5, 'x');
    const value = await digest('SHA256', payload);
    const trailers = [{ name: 'x-amz-checksum-sha256', valueLength: 44 }];
    const { bytes } = await encode([payload], payload.length, trailers, async () => ({ 'x-amz-checksum-sha256': value }));
    const expected = encodeAwsChunked({
      chunks: [payload.subarray(0, 65536), payload.subarray(65536, 131072), payload.subarray(131072)],
      trailers: [['x-amz-checksum-sha256', value]],
    });
    expect(bytes.equals(expected)).toBe(true);
    expect(bytes.length).toBe(awsChunkedLength(payload.length, trailers));
  });

  test.prop(
    [
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: 1, max: 20_000 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.subarray(ALGORITHMS, { maxLength: 2 }),
    ],
    { seed: 20_261_205, numRuns: 60 },
  )(
    'writes exactly the length it computed, and reads back as the payload and its trailers, whatever the sizes',
    async (size, chunkSize, cuts, algorithms) => {
      const payload = Buffer.alloc(size);
      for (let i = 0; i < size; i++) payload[i] = (i * 31 + size) & 0xff;
      const names = algorithms.map((a) => `x-amz-checksum-${a.toLowerCase()}`);
      const trailers = names.map((name) => ({ name, valueLength: checksumValueLength(name)! }));
      const values = Object.fromEntries(await Promise.all(algorithms.map(async (a, i) => [names[i]!, await digest(a, payload)])));
      const { bytes, error } = await encode(pieces(payload, cuts), size, trailers, async () => values, chunkSize);
      expect(error).toBeUndefined();
      expect(bytes.length).toBe(awsChunkedLength(size, trailers, chunkSize));
      const decoder = new AwsChunkedDecoder({ mode: STREAMING_UNSIGNED_TRAILER, trailerNames: names, decodedContentLength: size });
      const decoded: Buffer[] = [];
      decoder.on('data', (chunk: Buffer) => decoded.push(chunk));
      await pipeline(Readable.from([bytes]), decoder);
      expect(Buffer.concat(decoded).equals(payload)).toBe(true);
      expect(await decoder.trailers).toEqual(values);
    },
  );

  it('writes no trailer when its value never comes (the client’s failed its check): S3 cannot complete the body', async () => {
    const payload = Buffer.alloc(1000, 'y');
    const trailers = [{ name: 'x-amz-checksum-crc32', valueLength: 8 }];
    const { bytes, error } = await encode([payload], payload.length, trailers, () => Promise.reject(new Error('BadDigest')));
    expect(error?.message).toBe('BadDigest');
    expect(bytes.toString('latin1')).not.toContain('x-amz-checksum-crc32');
    expect(bytes.length).toBeLessThan(awsChunkedLength(payload.length, trailers));
  });

  it('fails rather than send a length other than the one announced', async () => {
    const trailers = [{ name: 'x-amz-checksum-crc32', valueLength: 8 }];
    const values = async () => ({ 'x-amz-checksum-crc32': 'AAAAAA==' });
    expect((await encode([Buffer.alloc(10)], 11, trailers, values)).error?.message).toMatch(/10 bytes, not the 11 announced/);
    expect((await encode([Buffer.alloc(12)], 11, trailers, values)).error?.message).toMatch(/more than the 11 bytes/);
    expect((await encode([Buffer.alloc(11)], 11, trailers, async () => ({ 'x-amz-checksum-crc32': 'short' }))).error?.message).toMatch(
      /not the 8 characters/,
    );
  });
});
