/**
 * The request body on its way to S3: what to send, how long it is, and the payload hash to sign it with.
 *
 * - A hex `x-amz-content-sha256` is forwarded with the same hash: S3 checks the bytes against it (the client's
 *   signature covers the hash for gateway keys), so the proxy does not hash the body twice.
 * - `UNSIGNED-PAYLOAD` stays unsigned.
 * - aws-chunked bodies (`STREAMING-*`) are de-chunked: signed chunks are verified with the gateway key's secret
 *   before their bytes go on (JWT mode cannot verify them: their framing is read, their signatures ignored), and
 *   trailing checksums are checked against the bytes. A body with a trailing checksum goes on re-framed as
 *   aws-chunked (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `aws-chunked-encoder.ts`) with the verified checksum as
 *   its trailer, so S3 stores it as it would have from the client; the trailer is written only once the
 *   client's was received and verified. A body without one goes on as the client's bytes, `UNSIGNED-PAYLOAD`,
 *   with `x-amz-decoded-content-length` as Content-Length; `x-amz-sdk-checksum-algorithm`, which S3 refuses
 *   without a checksum to go with it, is then dropped unless a checksum header goes along.
 * - Whatever is checked at the end of the body (the last chunk, the trailers, the decoded length) decides before
 *   the body is complete for S3: the trailer, or else the last byte, is held back until the check passes, so S3
 *   never sees a complete body that failed, and the request to S3 is abandoned instead.
 */
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import {
  AwsChunkedDecoder,
  announcedTrailers,
  awsChunkedDecoder,
  checksumAlgorithmOf,
  isStreamingMode,
  type ParsedSigV4,
  SigV4Error,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  type StreamingMode,
  UNSIGNED_PAYLOAD,
} from '../sigv4';
import { awsChunkedEncoder, awsChunkedLength, checksumValueLength, type TrailerShape } from './aws-chunked-encoder';
import { missingContentLength, S3Refusal } from './errors';
import { withoutAwsChunked } from './headers';
import type { ProxyRequest } from './types';

export interface BodyPlan {
  body: Readable;
  /** The Content-Length S3 gets. */
  length: number;
  /** `x-amz-content-sha256` S3 gets. */
  payloadHash: string;
  /** The payload's own length (what the audit counts). */
  decodedLength: number;
  /** Forwarded headers that no longer hold once the body is de-chunked. */
  drop: string[];
  /** Headers the body as sent needs (the aws-chunked framing of a re-framed body). */
  set: Record<string, string>;
}

/** Passes everything but its last byte on at once, and that byte only when the stream ended well. */
export function holdBackLastByte(): Transform {
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (chunk.length === 0) return callback();
      if (held) this.push(held);
      this.push(chunk.subarray(0, chunk.length - 1));
      held = chunk.subarray(chunk.length - 1);
      callback();
    },
    flush(callback: TransformCallback) {
      if (held) this.push(held);
      callback();
    },
  });
}

function declaredLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** De-chunks without verifying chunk signatures (no secret in JWT mode); trailing checksums are still checked. */
export function unverifiedDecoder(req: ProxyRequest, mode: StreamingMode): AwsChunkedDecoder {
  const names = announcedTrailers(req.headers);
  const decoded = declaredLength(req.headers['x-amz-decoded-content-length']);
  return new AwsChunkedDecoder({
    mode: STREAMING_UNSIGNED_TRAILER,
    // The signed-trailer framing ends with the trailer signature: read as one more trailing header, not checked.
    trailerNames: mode === STREAMING_SIGNED_TRAILER ? [...names, 'x-amz-trailer-signature'] : names,
    ...(decoded === undefined ? {} : { decodedContentLength: decoded }),
  });
}

/** Reads a stream to its end and gives back its bytes (the body of a failed check never gets this far). */
export async function readAll(stream: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The checksums a trailing-header body announces (`x-amz-trailer`), with their value lengths. */
function checksumTrailers(req: ProxyRequest, mode: StreamingMode): TrailerShape[] {
  if (mode === STREAMING_SIGNED) return [];
  // Only checksums may trail (announcedTrailers refuses any other name), so each has a value length.
  return announcedTrailers(req.headers).map((name) => ({ name, valueLength: checksumValueLength(name)! }));
}

/** The body to forward for a request that carries one. `secret` is the gateway key's (undefined in JWT mode). */
export async function planBody(req: ProxyRequest, parsed: ParsedSigV4, secret: string | undefined): Promise<BodyPlan> {
  const hash = parsed.payloadHash ?? UNSIGNED_PAYLOAD;
  if (!isStreamingMode(hash)) {
    const length = declaredLength(req.headers['content-length']);
    if (length === undefined) throw missingContentLength();
    return { body: req.body, length, decodedLength: length, payloadHash: hash, drop: [], set: {} };
  }
  const length = declaredLength(req.headers['x-amz-decoded-content-length']);
  if (length === undefined) throw missingContentLength();
  const decoder = secret === undefined ? unverifiedDecoder(req, hash) : awsChunkedDecoder(req, parsed, hash, secret);
  const trailers = checksumTrailers(req, hash);
  if (trailers.length > 0) {
    // A failure anywhere destroys the last stream with it, which is what the request to S3 reads.
    const encoder = awsChunkedEncoder({ decodedLength: length, trailers, values: () => decoder.trailers });
    const encoding = withoutAwsChunked(req.headers['content-encoding'] ?? '');
    return {
      body: pipeline(req.body, decoder, encoder, () => undefined),
      length: awsChunkedLength(length, trailers),
      decodedLength: length,
      payloadHash: STREAMING_UNSIGNED_TRAILER,
      drop: [],
      set: {
        'content-encoding': encoding === undefined ? 'aws-chunked' : `aws-chunked,${encoding}`,
        'x-amz-trailer': trailers.map(({ name }) => name).join(','),
        'x-amz-decoded-content-length': String(length),
      },
    };
  }
  const withChecksum = Object.keys(req.headers).some((name) => checksumAlgorithmOf(name) !== undefined);
  const drop = withChecksum ? [] : ['x-amz-sdk-checksum-algorithm'];
  if (length === 0) {
    // Nothing to hold back: an empty body is checked whole before S3 is asked anything.
    const decoded = pipeline(req.body, decoder, () => undefined);
    await readAll(decoded, 0, () => new SigV4Error('IncompleteBody', 'The aws-chunked body holds more than the 0 bytes announced.'));
    return { body: Readable.from([]), length, decodedLength: length, payloadHash: UNSIGNED_PAYLOAD, drop, set: {} };
  }
  // A failure anywhere destroys the last stream with it, which is what the request to S3 reads.
  const held = pipeline(req.body, decoder, holdBackLastByte(), () => undefined);
  return { body: held, length, decodedLength: length, payloadHash: UNSIGNED_PAYLOAD, drop, set: {} };
}

/** S3's words when a client stops sending its body. */
export const requestTimeout = () =>
  new S3Refusal(
    400,
    'RequestTimeout',
    'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  );

/** S3's words when a body ends short of its Content-Length (the client went away). */
export const incompleteBody = (cause?: unknown) =>
  new S3Refusal(
    400,
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    {},
    cause === undefined ? undefined : { cause },
  );

/**
 * The client's body as a front hands it to the core, its failures in S3's words: a connection that breaks
 * mid-body is `IncompleteBody`, and a client that sends nothing for `idleMs` while its bytes are wanted is
 * `RequestTimeout` (S3 gives up after about 20 s). The clock runs only while the reader asks for more: a body
 * nobody reads yet (the request is still being authorised) or held back by a slow S3 is not the client's stall.
 * The failure travels as the body's error: the request to S3 is abandoned (nothing partial is stored) and, when
 * S3 has not answered yet, the client gets the error document. The client's own stream is piped, not destroyed
 * with it, so its connection stays open for that answer.
 */
export function clientBody(body: Readable, idleMs: number): Readable {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  const guarded = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      stop();
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      stop();
      callback();
    },
    destroy(error, callback) {
      stop();
      callback(error);
    },
  });
  const wanted = guarded._read.bind(guarded);
  guarded._read = (size: number) => {
    stop();
    if (!guarded.writableEnded) timer = setTimeout(() => guarded.destroy(requestTimeout()), idleMs).unref();
    wanted(size);
  };
  body.once('error', (error) => guarded.destroy(incompleteBody(error)));
  // Whoever reads the body learns of its failure from the read; a body nobody reads (the request was refused
  // first) must not raise an error event nobody listens to, which would reach the process.
  guarded.on('error', () => undefined);
  return body.pipe(guarded);
}

/** A body nobody will read (operations without one): drained so a keep-alive connection stays usable. */
export function discard(body: Readable): void {
  body.resume();
}
