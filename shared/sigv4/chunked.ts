/**
 * Decodes `Content-Encoding: aws-chunked` bodies, verifying as it goes, and outputs only the payload bytes.
 *
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          `hex-size;chunk-signature=SIG\r\n<data>\r\n` … `0;chunk-signature=SIG\r\n\r\n`
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  the same, then `name:value\r\n` trailers, `x-amz-trailer-signature:SIG\r\n\r\n`
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER          `hex-size\r\n<data>\r\n` … `0\r\n`, trailers, `\r\n`
 *
 * Each chunk signature chains from the previous one (the seed is the request's own signature). In the signed
 * modes a chunk's bytes leave only once its signature checks out, so memory holds at most one chunk; in the
 * unsigned mode bytes flow straight through. Every failure is raised before `end`, and checksums announced in
 * `x-amz-trailer` are checked against the bytes that flowed.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type Checksum, checksumAlgorithmOf, createChecksum } from './checksums';
import { SIGNATURE_MISMATCH_MESSAGE, SigV4Error } from './errors';
import { EMPTY_SHA256, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, type StreamingMode } from './payload-hash';
import { hmacHex, signaturesEqual } from './verify';

export interface ChunkSigning {
  /** {@link signingKey} for the request's scope. */
  key: Uint8Array;
  amzDate: string;
  scope: string;
  /** The request's own signature, from which the first chunk's signature chains. */
  seedSignature: string;
}

export interface AwsChunkedOptions {
  mode: StreamingMode;
  /** Required in the two signed modes. */
  signing?: ChunkSigning;
  /** `x-amz-decoded-content-length`: the payload must be exactly this long. */
  decodedContentLength?: number;
  /** Lower-case trailing header names announced in `x-amz-trailer`. */
  trailerNames?: readonly string[];
  /** Largest chunk accepted. Default 16 MiB when signed (a chunk is held until verified), 5 GiB unsigned. */
  maxChunkSize?: number;
  /** S3 refuses a signed chunk under 8 KiB unless it is the last with data. Default 8192 signed, 0 unsigned. */
  minChunkSize?: number;
}

/** Verified trailing headers, lower-case names (`x-amz-checksum-crc32` → base64 digest). */
export type Trailers = Record<string, string>;

const MAX_LINE = 4096;
const MIB = 1024 * 1024;

type State = 'size' | 'data' | 'data-crlf' | 'trailers' | 'end';

export class AwsChunkedDecoder extends Transform {
  /** Resolves with the verified trailers once the body ended well; rejects with the stream's error. */
  readonly trailers: Promise<Trailers>;
  private settle!: { resolve: (t: Trailers) => void; reject: (e: Error) => void; done: boolean };

  private readonly signing: ChunkSigning | undefined;
  private readonly withTrailers: boolean;
  private readonly announced: readonly string[];
  private readonly checksums = new Map<string, Checksum>();
  private readonly maxChunkSize: number;
  private readonly minChunkSize: number;

  private state: State = 'size';
  private line: Buffer[] = [];
  private lineLength = 0;
  private chunkNumber = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkHash: Hash | undefined;
  private claimedSignature = '';
  private previousSignature = '';
  private pending: Buffer[] = [];
  private decoded = 0;
  private shortChunkSeen = false;
  private readonly received = new Map<string, string>();
  private trailerSignatureChecked = false;
  private blankBeforeTrailers = false;

  constructor(private readonly options: AwsChunkedOptions) {
    super();
    this.signing = options.mode === STREAMING_UNSIGNED_TRAILER ? undefined : options.signing;
    if (options.mode !== STREAMING_UNSIGNED_TRAILER && !this.signing) throw new TypeError(`${options.mode} needs options.signing`);
    this.previousSignature = this.signing?.seedSignature ?? '';
    this.withTrailers = options.mode !== STREAMING_SIGNED;
    this.announced = this.withTrailers ? (options.trailerNames ?? []) : [];
    for (const name of this.announced) {
      const algorithm = checksumAlgorithmOf(name);
      if (algorithm) this.checksums.set(name, createChecksum(algorithm));
    }
    this.maxChunkSize = options.maxChunkSize ?? (this.signing ? 16 * MIB : 5 * 1024 * MIB);
    this.minChunkSize = options.minChunkSize ?? (this.signing ? 8192 : 0);
    this.trailers = new Promise<Trailers>((resolve, reject) => {
      this.settle = { resolve, reject, done: false };
    });
    this.trailers.catch(() => undefined); // a caller that never asks for trailers must not see an unhandled rejection
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(this.fail(error));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.state === 'trailers' && this.lineLength > 0) this.onTrailerLine(this.takeLine());
      if (this.state !== 'trailers' && this.state !== 'end') {
        throw new SigV4Error('IncompleteBody', `The aws-chunked body ended ${this.whereWeAre()}, before its final zero-length chunk.`);
      }
    } catch (error) {
      return void callback(this.fail(error));
    }
    this.finish().then(
      () => callback(),
      (error: unknown) => callback(this.fail(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.fail(error ?? new Error('The aws-chunked body was abandoned before its end.'));
    callback(error);
  }

  private fail(error: unknown): Error {
    const err = error instanceof Error ? error : new Error(String(error));
    if (!this.settle.done) {
      this.settle.done = true;
      this.settle.reject(err);
    }
    return err;
  }

  private consume(buf: Buffer): void {
    let offset = 0;
    while (offset < buf.length) {
      if (this.state === 'size' || this.state === 'trailers') {
        const newline = buf.indexOf(0x0a, offset);
        this.appendLine(buf.subarray(offset, newline < 0 ? buf.length : newline));
        if (newline < 0) return;
        offset = newline + 1;
        const text = this.takeLine();
        if (this.state === 'size') this.onSizeLine(text);
        else this.onTrailerLine(text);
      } else if (this.state === 'data') {
        const piece = buf.subarray(offset, offset + Math.min(this.remaining, buf.length - offset));
        offset += piece.length;
        this.onData(piece);
      } else if (this.state === 'data-crlf') {
        if (buf[offset] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) {
          throw new SigV4Error(
            'IncompleteBody',
            `Chunk ${this.chunkNumber} of the aws-chunked body is not followed by CRLF: its data is longer than its declared size.`,
          );
        }
        offset++;
        if (++this.crlfSeen === 2) this.endChunk();
      } else {
        for (; offset < buf.length; offset++) {
          if (buf[offset] !== 0x0d && buf[offset] !== 0x0a) {
            throw new SigV4Error('IncompleteBody', 'The aws-chunked body continues after its final chunk and trailers.');
          }
        }
      }
    }
  }

  private appendLine(part: Buffer): void {
    this.lineLength += part.length;
    if (this.lineLength > MAX_LINE) {
      const what = this.state === 'size' ? `The header of chunk ${this.chunkNumber + 1}` : 'A trailing header';
      throw new SigV4Error(
        this.state === 'size' ? 'InvalidChunkSizeError' : 'MalformedTrailerError',
        `${what} of the aws-chunked body is longer than ${MAX_LINE} bytes.`,
      );
    }
    if (part.length > 0) this.line.push(Buffer.from(part));
  }

  private takeLine(): string {
    const text = Buffer.concat(this.line).toString('latin1');
    this.line = [];
    this.lineLength = 0;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  private onSizeLine(text: string): void {
    this.chunkNumber++;
    const semicolon = text.indexOf(';');
    const sizeText = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
      throw new SigV4Error(
        'InvalidChunkSizeError',
        `Chunk ${this.chunkNumber} of the aws-chunked body starts with "${text.slice(0, 80)}", not a hexadecimal size.`,
      );
    }
    const size = parseInt(sizeText, 16);
    if (size > this.maxChunkSize) {
      throw new SigV4Error(
        'InvalidChunkSizeError',
        `Chunk ${this.chunkNumber} of the aws-chunked body declares ${size} bytes; at most ${this.maxChunkSize} are accepted.`,
      );
    }
    if (this.signing) {
      const match = /^chunk-signature=([0-9a-f]{64})$/.exec(text.slice(semicolon + 1).trim());
      if (semicolon < 0 || !match) {
        throw new SigV4Error(
          'SignatureDoesNotMatch',
          `Chunk ${this.chunkNumber} of the aws-chunked body carries no valid chunk-signature.`,
        );
      }
      this.claimedSignature = match[1]!;
    }
    const limit = this.options.decodedContentLength;
    if (limit !== undefined && this.decoded + size > limit) {
      throw new SigV4Error(
        'IncompleteBody',
        `The aws-chunked body holds more than the ${limit} bytes announced in x-amz-decoded-content-length.`,
      );
    }
    if (size > 0 && this.shortChunkSeen) {
      throw new SigV4Error(
        'InvalidChunkSizeError',
        `Only the last chunk is allowed to have a size less than ${this.minChunkSize} bytes (chunk ${this.chunkNumber - 1} was shorter).`,
      );
    }
    if (size > 0 && size < this.minChunkSize) this.shortChunkSeen = true;
    if (size === 0) {
      if (this.signing) this.checkChunkSignature(EMPTY_SHA256);
      this.state = 'trailers';
      return;
    }
    this.remaining = size;
    this.chunkHash = this.signing ? createHash('sha256') : undefined;
    this.state = 'data';
  }

  private onData(piece: Buffer): void {
    this.remaining -= piece.length;
    this.decoded += piece.length;
    for (const checksum of this.checksums.values()) checksum.update(piece);
    if (this.chunkHash) {
      this.chunkHash.update(piece);
      this.pending.push(piece);
    } else {
      this.push(piece);
    }
    if (this.remaining === 0) {
      this.state = 'data-crlf';
      this.crlfSeen = 0;
    }
  }

  private endChunk(): void {
    if (this.chunkHash) {
      this.checkChunkSignature(this.chunkHash.digest('hex'));
      for (const piece of this.pending) this.push(piece);
      this.pending = [];
    }
    this.state = 'size';
  }

  private checkChunkSignature(dataHash: string): void {
    const { key, amzDate, scope } = this.signing!;
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, this.previousSignature, EMPTY_SHA256, dataHash].join('\n');
    this.expectSignature(hmacHex(key, toSign), this.claimedSignature, toSign, `chunk ${this.chunkNumber}`);
    this.previousSignature = this.claimedSignature;
  }

  private expectSignature(expected: string, provided: string, toSign: string, what: string): void {
    if (signaturesEqual(expected, provided)) return;
    throw new SigV4Error(
      'SignatureDoesNotMatch',
      `${SIGNATURE_MISMATCH_MESSAGE} (The signature of ${what} of the aws-chunked body is wrong.)`,
      {
        StringToSign: toSign,
        SignatureProvided: provided,
      },
    );
  }

  private onTrailerLine(text: string): void {
    const malformed = (why: string) =>
      new SigV4Error('MalformedTrailerError', `The request contained trailing data that was not well-formed: ${why}`);
    if (text.trim() === '') {
      const awaitingFirst = this.received.size === 0 && !this.trailerSignatureChecked && this.announced.length > 0;
      if (awaitingFirst && !this.blankBeforeTrailers)
        this.blankBeforeTrailers = true; // some clients put CRLF before the trailers
      else this.state = 'end';
      return;
    }
    if (!this.withTrailers)
      throw malformed(`"${text.slice(0, 80)}" follows the final chunk, but ${STREAMING_SIGNED} bodies have no trailers.`);
    if (this.trailerSignatureChecked) throw malformed('a trailing header follows x-amz-trailer-signature.');
    const colon = text.indexOf(':');
    if (colon <= 0) throw malformed(`"${text.slice(0, 80)}" is not a "name:value" trailing header.`);
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature' && this.signing) return void this.checkTrailerSignature(value);
    if (!this.announced.includes(name)) throw malformed(`the trailing header "${name}" was not announced in x-amz-trailer.`);
    if (this.received.has(name)) throw malformed(`the trailing header "${name}" appears twice.`);
    this.received.set(name, value);
  }

  private checkTrailerSignature(provided: string): void {
    const { key, amzDate, scope } = this.signing!;
    const canonical = [...this.received.keys()]
      .sort()
      .map((name) => `${name}:${this.received.get(name)}\n`)
      .join('');
    const hash = createHash('sha256').update(canonical).digest('hex');
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, this.previousSignature, hash].join('\n');
    this.expectSignature(hmacHex(key, toSign), provided, toSign, 'the trailing headers');
    this.trailerSignatureChecked = true;
  }

  private async finish(): Promise<void> {
    for (const name of this.announced) {
      if (!this.received.has(name)) {
        throw new SigV4Error('MalformedTrailerError', `The trailing header ${name}, announced in x-amz-trailer, never came.`);
      }
    }
    if (this.signing && this.withTrailers && !this.trailerSignatureChecked) {
      throw new SigV4Error(
        'SignatureDoesNotMatch',
        `The trailing headers of a ${STREAMING_SIGNED_TRAILER} body must end with x-amz-trailer-signature.`,
      );
    }
    const limit = this.options.decodedContentLength;
    if (limit !== undefined && this.decoded !== limit) {
      throw new SigV4Error(
        'IncompleteBody',
        `The aws-chunked body holds ${this.decoded} bytes, but x-amz-decoded-content-length announced ${limit}.`,
      );
    }
    for (const [name, checksum] of this.checksums) {
      const calculated = await checksum.digestBase64();
      if (calculated !== this.received.get(name)) {
        const algorithm = checksumAlgorithmOf(name)!;
        throw new SigV4Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, {
          [`${algorithm}Provided`]: this.received.get(name) ?? '',
          [`${algorithm}Calculated`]: calculated,
        });
      }
    }
    this.settle.done = true;
    this.settle.resolve(Object.fromEntries(this.received));
  }

  private whereWeAre(): string {
    if (this.state === 'data') return `inside chunk ${this.chunkNumber}, ${this.remaining} bytes short`;
    if (this.state === 'data-crlf') return `after the data of chunk ${this.chunkNumber}`;
    return this.chunkNumber === 0 && this.lineLength === 0 ? 'empty' : `after ${this.chunkNumber} chunks`;
  }
}
