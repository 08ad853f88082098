import { createHash, createHmac } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { SigV4Error, type SigV4Request } from '../../../shared/sigv4';

/** The SigV4Error `fn` throws; fails the test when it throws nothing or something else. */
export function catchError(fn: () => unknown): SigV4Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof SigV4Error) return error;
    throw error;
  }
  throw new Error('expected a SigV4Error, nothing was thrown');
}

/** Feeds `body` through `transform` in pieces of `pieceSize` bytes; resolves with the output, rejects with its error. */
export async function runThrough(transform: Transform, body: Buffer, pieceSize = body.length || 1): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += pieceSize) pieces.push(body.subarray(i, i + pieceSize));
  const output: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    transform.on('data', (chunk: Buffer) => output.push(chunk));
    transform.on('end', () => resolve(Buffer.concat(output)));
    transform.on('error', reject);
  });
  Readable.from(pieces).pipe(transform);
  return done;
}

export interface ChunkedBodySpec {
  chunks: Buffer[];
  /** Present for the signed modes. */
  signing?: { key: Uint8Array; amzDate: string; scope: string; seedSignature: string };
  /** Trailing headers, in the order sent. */
  trailers?: Array<[string, string]>;
}

const EMPTY = createHash('sha256').digest('hex');
const hmacHex = (key: Uint8Array, text: string) => createHmac('sha256', key).update(text).digest('hex');
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** An aws-chunked body, written from the S3 documentation's description (the test's own encoder). */
export function encodeAwsChunked({ chunks, signing, trailers }: ChunkedBodySpec): Buffer {
  const parts: Buffer[] = [];
  let previous = signing?.seedSignature ?? '';
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    let header = chunk.length.toString(16);
    if (signing) {
      previous = hmacHex(
        signing.key,
        ['AWS4-HMAC-SHA256-PAYLOAD', signing.amzDate, signing.scope, previous, EMPTY, sha256(chunk)].join('\n'),
      );
      header += `;chunk-signature=${previous}`;
    }
    parts.push(Buffer.from(`${header}\r\n`), chunk);
    if (chunk.length > 0) parts.push(Buffer.from('\r\n'));
  }
  const trailerText = (trailers ?? []).map(([name, value]) => `${name}:${value}\r\n`).join('');
  parts.push(Buffer.from(trailerText));
  if (signing && trailers) {
    const canonical = [...trailers]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${name}:${value}\n`)
      .join('');
    const signature = hmacHex(
      signing.key,
      ['AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, previous, sha256(canonical)].join('\n'),
    );
    parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Percent-encoding as the SDK's serializers apply it (RFC 3986, `!'()*` included). */
export const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The parts of a smithy HttpRequest that reach the server. */
export interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

/** What a server receives when `signed` goes over the wire. */
export function received(signed: SignedRequest): SigV4Request {
  const rawQuery = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => (v === null ? encode(name) : `${encode(name)}=${encode(v)}`)),
    )
    .join('&');
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: signed.method, rawPath: signed.path, rawQuery, headers };
}
