/**
 * aws-chunked bodies: what a client encodes (any chunking, signed or not, with trailers) decodes to exactly its
 * bytes, and any bytes at all (garbage, a valid body cut or altered anywhere) end in a SigV4Error under 500,
 * never another exception, and never bytes of an unverified signed chunk.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { AwsChunkedDecoder, SigV4Error, signingKey } from '../../shared/sigv4';
import { encodeAwsChunked, runThrough } from '../shared/sigv4/helpers';
import { fc } from './fuzz-config';

const SIGNING = {
  key: signingKey('secret', '20250901', 'us-east-1', 's3'),
  amzDate: '20250901T120000Z',
  scope: '20250901/us-east-1/s3/aws4_request',
  seedSignature: 'a'.repeat(64),
};
type Mode = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const chunks = fc.array(
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => Buffer.from(a)),
  { maxLength: 5 },
);
const mode = fc.constantFrom<Mode>('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
const decoder = (m: Mode, decodedContentLength?: number) =>
  new AwsChunkedDecoder({
    mode: m,
    signing: SIGNING,
    minChunkSize: 0,
    ...(decodedContentLength === undefined ? {} : { decodedContentLength }),
  });
const encode = (m: Mode, parts: Buffer[]) =>
  encodeAwsChunked({ chunks: parts, ...(m === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' ? { signing: SIGNING } : {}) });

async function outcome(m: Mode, body: Buffer, piece: number, length?: number): Promise<Buffer | SigV4Error> {
  try {
    return await runThrough(decoder(m, length), body, piece);
  } catch (error) {
    if (error instanceof SigV4Error) return error;
    throw error;
  }
}

describe('aws-chunked', () => {
  test.prop([mode, chunks, fc.integer({ min: 1, max: 50 })])(
    'decodes what a client encoded to exactly its bytes, however the body is split',
    async (m, parts, piece) => {
      const out = await outcome(
        m,
        encode(m, parts),
        piece,
        parts.reduce((n, p) => n + p.length, 0),
      );
      expect(out).toEqual(Buffer.concat(parts));
    },
  );

  test.prop([mode, chunks, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), fc.integer({ min: 1, max: 50 })])(
    'a body altered or cut anywhere is refused with a SigV4Error or yields exactly the signed bytes',
    async (m, parts, at, byte, cut, piece) => {
      const body = encode(m, parts);
      const i = at % body.length;
      fc.pre(cut || body[i] !== byte);
      const changed = cut ? body.subarray(0, i) : Buffer.concat([body.subarray(0, i), Buffer.from([byte]), body.subarray(i + 1)]);
      const out = await outcome(
        m,
        changed,
        piece,
        parts.reduce((n, p) => n + p.length, 0),
      );
      if (out instanceof SigV4Error) expect(out.status).toBeLessThan(500);
      // Accepted only whole: a cut that kept every chunk (only the last CRLF went) loses nothing, and an unsigned body
      // may carry a changed data byte (nothing signs it); a signed body never yields bytes other than those signed.
      else if (cut || m === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD') expect(out).toEqual(Buffer.concat(parts));
    },
  );

  test.prop([mode, fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 })])(
    'throws nothing but SigV4Error on any bytes',
    async (m, bytes, piece) => {
      const out = await outcome(m, Buffer.from(bytes), piece);
      if (out instanceof SigV4Error) expect(out.status).toBeLessThan(500);
    },
  );
});
