/**
 * Frames bytes the proxy already verified as an aws-chunked body for S3 (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`),
 * so a checksum that arrives after the body, in the client's trailer, reaches S3 the same way and is stored:
 *
 *   `10000\r\n<64 KiB>\r\n` … `<hex rest>\r\n<rest>\r\n` `0\r\n` `x-amz-checksum-crc32:<base64>\r\n` `\r\n`
 *
 * S3 wants a Content-Length for it, known before the first byte. With chunks of a fixed size the framing depends
 * only on the payload's length and on the trailers' names and value lengths, and a checksum's base64 length is
 * fixed per algorithm, so {@link awsChunkedLength} computes it up front. The trailers are written last, and only
 * once `trailers()` resolves: the caller resolves it when the client's own trailer has been received and
 * verified, so S3 never sees a complete body that failed its checks (a failure destroys the stream instead).
 *
 * Why not `@smithy`'s `getAwsChunkedEncodingStream`: it frames each source chunk as it comes (the length is
 * unknown until the end, so it needs `Transfer-Encoding: chunked`) and computes its own digest from the bytes,
 * where the proxy must pass on the value the client sent and the proxy verified. It is also an internal
 * submodule of @smithy/core. What is left is a few lines.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { checksumAlgorithmOf, checksumBase64Length } from '../sigv4';

/** The chunk size upstream: every chunk but the last holds this many bytes. */
export const UPSTREAM_CHUNK_SIZE = 64 * 1024;

const CRLF = Buffer.from('\r\n');

/** The base64 length of an `x-amz-checksum-<algorithm>` value (8 for CRC32, 44 for SHA256…); undefined for other names. */
export function checksumValueLength(trailerName: string): number | undefined {
  const algorithm = checksumAlgorithmOf(trailerName);
  return algorithm === undefined ? undefined : checksumBase64Length(algorithm);
}

export interface TrailerShape {
  /** Lower-case header name, e.g. `x-amz-checksum-crc32`. */
  name: string;
  /** Length of its value as written. */
  valueLength: number;
}

const framedChunk = (size: number) => size.toString(16).length + 2 + size + 2;

/** The encoded length of `decodedLength` payload bytes with these trailers, in chunks of `chunkSize`. */
export function awsChunkedLength(decodedLength: number, trailers: readonly TrailerShape[], chunkSize = UPSTREAM_CHUNK_SIZE): number {
  const rest = decodedLength % chunkSize;
  let length = Math.floor(decodedLength / chunkSize) * framedChunk(chunkSize) + (rest > 0 ? framedChunk(rest) : 0);
  length += 3; // 0\r\n
  for (const { name, valueLength } of trailers) length += name.length + 1 + valueLength + 2;
  return length + 2;
}

export interface AwsChunkedEncoderOptions {
  /** The payload must be exactly this long; anything else fails the stream. */
  decodedLength: number;
  /** The trailers announced (and counted in {@link awsChunkedLength}), in the order written. */
  trailers: readonly TrailerShape[];
  /** The trailers' values, asked for once the payload has ended. */
  values: () => Promise<Record<string, string>>;
  chunkSize?: number;
}

/** Payload bytes in, aws-chunked framing out, exactly {@link awsChunkedLength} bytes of it when all went well. */
export function awsChunkedEncoder(options: AwsChunkedEncoderOptions): Transform {
  const chunkSize = options.chunkSize ?? UPSTREAM_CHUNK_SIZE;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let total = 0;
  const header = (size: number) => Buffer.from(`${size.toString(16)}\r\n`);

  /** Pushes one chunk of `size` bytes from the front of `pending`. */
  function emit(stream: Transform, size: number): void {
    stream.push(header(size));
    let left = size;
    while (left > 0) {
      const first = pending[0]!;
      if (first.length <= left) {
        stream.push(first);
        pending.shift();
        left -= first.length;
      } else {
        stream.push(first.subarray(0, left));
        pending[0] = first.subarray(left);
        left = 0;
      }
    }
    pendingLength -= size;
    stream.push(CRLF);
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      total += chunk.length;
      if (total > options.decodedLength)
        return callback(new Error(`aws-chunked encoder: more than the ${options.decodedLength} bytes announced`));
      if (chunk.length > 0) {
        pending.push(chunk);
        pendingLength += chunk.length;
      }
      while (pendingLength >= chunkSize) emit(this, chunkSize);
      callback();
    },
    flush(callback: TransformCallback) {
      if (total !== options.decodedLength)
        return callback(new Error(`aws-chunked encoder: ${total} bytes, not the ${options.decodedLength} announced`));
      if (pendingLength > 0) emit(this, pendingLength);
      pending = [];
      options.values().then(
        (values) => {
          const lines = options.trailers.map(({ name, valueLength }) => {
            const value = values[name];
            return value !== undefined && value.length === valueLength ? `${name}:${value}\r\n` : undefined;
          });
          const missing = options.trailers.find((_, i) => lines[i] === undefined);
          if (missing)
            return callback(
              new Error(`aws-chunked encoder: the trailer ${missing.name} is not the ${missing.valueLength} characters announced`),
            );
          callback(null, Buffer.from(`0\r\n${lines.join('')}\r\n`, 'latin1'));
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}
