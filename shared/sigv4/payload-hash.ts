/**
 * The signed payload hash (`x-amz-content-sha256`): the values it may take, and a pass-through stream that
 * checks a body against the hex SHA-256 the client signed.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { SigV4Error } from './errors';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
/** SHA-256 of the empty string. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export type StreamingMode = typeof STREAMING_SIGNED | typeof STREAMING_SIGNED_TRAILER | typeof STREAMING_UNSIGNED_TRAILER;

const STREAMING_MODES: ReadonlySet<string> = new Set([STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER]);

export function isSha256Hex(value: string | undefined): boolean {
  return value !== undefined && /^[0-9a-f]{64}$/i.test(value);
}

/** True when the payload hash announces an `aws-chunked` body this module can decode. */
export function isStreamingMode(value: string | undefined): value is StreamingMode {
  return value !== undefined && STREAMING_MODES.has(value);
}

/** Throws `InvalidArgument` unless `value` is a payload hash S3 accepts from a SigV4 client. */
export function assertPayloadHashValue(value: string): void {
  if (value === UNSIGNED_PAYLOAD || isStreamingMode(value) || isSha256Hex(value)) return;
  const hint = value.startsWith('STREAMING-AWS4-ECDSA') ? ' (SigV4a streaming is not supported here)' : '';
  throw new SigV4Error(
    'InvalidArgument',
    `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ${STREAMING_UNSIGNED_TRAILER}, ${STREAMING_SIGNED}, ` +
      `${STREAMING_SIGNED_TRAILER} or a valid sha256 value${hint}; got "${value}".`,
    { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value },
  );
}

/**
 * Passes the body through unchanged and, when it ends, fails with `XAmzContentSHA256Mismatch` (400) if its
 * SHA-256 is not the hex hash the client signed. The error is raised before `end`, so a consumer that stores
 * the body only on `end` never keeps a body whose hash does not match.
 */
export function createPayloadHashCheck(expectedHex: string): Transform {
  const expected = expectedHex.toLowerCase();
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest('hex');
      if (actual === expected) return callback();
      callback(
        new SigV4Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
          ClientComputedContentSHA256: expected,
          S3ComputedContentSHA256: actual,
        }),
      );
    },
  });
}
