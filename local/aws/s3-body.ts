/**
 * The body an S3 request carries, as the S3 service must see it: aws-chunked framing removed and each
 * chunk signature verified, or the whole body checked against the signed SHA-256, or passed as is
 * (UNSIGNED-PAYLOAD, anonymous). Errors surface as AwsError so S3 renders them with its own codes.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, type Trailers } from '../../shared/sigv4/chunked';
import { SigV4Error } from '../../shared/sigv4/errors';
import type { ParsedSigV4, SigV4Request } from '../../shared/sigv4/parse';
import { createPayloadHashCheck, isSha256Hex, isStreamingMode } from '../../shared/sigv4/payload-hash';
import { signingKey } from '../../shared/sigv4/verify';
import { AwsError } from './types';

export type S3Body = Readable & { trailers?: Promise<Trailers> };

function asAwsError(error: unknown): Error {
  if (error instanceof SigV4Error) return new AwsError(error.code, error.message, error.status, error.extra);
  if (error instanceof AwsError) return error;
  return new AwsError('IncompleteBody', 'The request body ended before it was complete (the client went away?).', 400);
}

function through(request: IncomingMessage, transform: Transform): Readable {
  const done = pipeline(request, transform);
  done.catch(() => undefined);
  async function* payload() {
    try {
      for await (const chunk of transform as AsyncIterable<Buffer>) yield chunk;
      await done;
    } catch (error) {
      throw asAwsError(error);
    }
  }
  return Readable.from(payload(), { objectMode: false });
}

export function s3BodyStream(request: IncomingMessage, sigRequest: SigV4Request, parsed: ParsedSigV4 | null, secret: string | undefined): S3Body {
  const hash = parsed?.payloadHash;
  if (parsed && isStreamingMode(hash)) {
    const declared = sigRequest.headers['x-amz-decoded-content-length'];
    const trailerNames = (sigRequest.headers['x-amz-trailer'] ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
    const decoder = new AwsChunkedDecoder({
      mode: hash,
      ...(hash.startsWith('STREAMING-AWS4')
        ? { signing: { key: signingKey(secret!, parsed.date, parsed.region, parsed.service), amzDate: parsed.amzDate, scope: parsed.scope, seedSignature: parsed.signature } }
        : {}),
      ...(declared !== undefined ? { decodedContentLength: Number(declared) } : {}),
      trailerNames,
    });
    const body: S3Body = through(request, decoder);
    body.trailers = decoder.trailers.catch((error) => Promise.reject(asAwsError(error)));
    body.trailers.catch(() => undefined);
    return body;
  }
  if (parsed && hash && isSha256Hex(hash)) return through(request, createPayloadHashCheck(hash));
  return request as unknown as S3Body;
}
