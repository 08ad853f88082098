/**
 * The body an S3 request carries, as the S3 service must see it: passed through the verifier the
 * signed payload hash calls for (aws-chunked decoding with chunk signatures, a SHA-256 check, or
 * nothing). Errors surface as AwsError so S3 renders them with its own codes.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bodyVerifier } from '../../shared/sigv4/body-verifier';
import { AwsChunkedDecoder, type Trailers } from '../../shared/sigv4/chunked';
import { SigV4Error } from '../../shared/sigv4/errors';
import type { ParsedSigV4, SigV4Request } from '../../shared/sigv4/parse';
import { AwsError } from './types';

export type S3Body = Readable & { trailers?: Promise<Trailers> };

function asAwsError(error: unknown): Error {
  if (error instanceof SigV4Error) return new AwsError(error.code, error.message, error.status, error.extra);
  if (error instanceof AwsError) return error;
  return new AwsError('IncompleteBody', 'The request body ended before it was complete (the client went away?).', 400);
}

function through(request: IncomingMessage, transform: Transform): S3Body {
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

/** Throws AwsError for a body the headers already show to be malformed (unsupported trailer, bad length). */
export function s3BodyStream(
  request: IncomingMessage,
  sigRequest: SigV4Request,
  parsed: ParsedSigV4 | null,
  secret: string | undefined,
): S3Body {
  let verifier: Transform | undefined;
  try {
    verifier = bodyVerifier(sigRequest, parsed, secret);
  } catch (error) {
    throw asAwsError(error);
  }
  if (!verifier) return request as unknown as S3Body;
  const body = through(request, verifier);
  if (verifier instanceof AwsChunkedDecoder) {
    body.trailers = verifier.trailers.catch((error: unknown) => Promise.reject(asAwsError(error)));
    body.trailers.catch(() => undefined);
  }
  return body;
}
