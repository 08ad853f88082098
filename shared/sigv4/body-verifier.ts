/**
 * What a request body must be piped through before anyone trusts it, decided from the signed payload hash:
 * an aws-chunked decoder for the STREAMING-* modes, a SHA-256 check for a hex hash, nothing for
 * UNSIGNED-PAYLOAD. The signature of the request itself is {@link verifySigV4}'s business, checked first.
 */
import type { Transform } from 'node:stream';
import { checksumAlgorithmOf } from './checksums';
import { AwsChunkedDecoder } from './chunked';
import { SigV4Error } from './errors';
import type { ParsedSigV4, SigV4Request } from './parse';
import { createPayloadHashCheck, isSha256Hex, isStreamingMode, STREAMING_UNSIGNED_TRAILER, type StreamingMode } from './payload-hash';
import { signingKey } from './verify';

/**
 * The transform to pipe `req`'s body through, or undefined when there is nothing to check (UNSIGNED-PAYLOAD,
 * or a non-S3 request whose caller hashes the body itself). `parsed` is null for an anonymous request.
 */
export function bodyVerifier(req: SigV4Request, parsed: ParsedSigV4 | null, secretAccessKey?: string): Transform | undefined {
  const payloadHash = parsed ? parsed.payloadHash : req.headers['x-amz-content-sha256'];
  if (isStreamingMode(payloadHash)) return awsChunkedDecoder(req, parsed, payloadHash, secretAccessKey);
  if (payloadHash !== undefined && isSha256Hex(payloadHash)) return createPayloadHashCheck(payloadHash);
  return undefined;
}

/**
 * The trailing headers `x-amz-trailer` announces, lower-case and each once. Only checksums may trail: any other
 * name is S3's InvalidRequest.
 */
export function announcedTrailers(headers: Record<string, string>): string[] {
  const names = [...new Set((headers['x-amz-trailer'] ?? '').split(',').map((name) => name.trim().toLowerCase()))].filter(
    (name) => name !== '',
  );
  const unsupported = names.find((name) => !checksumAlgorithmOf(name));
  if (unsupported !== undefined) {
    throw new SigV4Error(
      'InvalidRequest',
      `The value specified in the x-amz-trailer header is not supported: "${unsupported}" is not an x-amz-checksum-* header.`,
    );
  }
  return names;
}

/** An {@link AwsChunkedDecoder} set up from the request's headers and, for the signed modes, its signature. */
export function awsChunkedDecoder(
  req: SigV4Request,
  parsed: ParsedSigV4 | null,
  mode: StreamingMode,
  secretAccessKey?: string,
): AwsChunkedDecoder {
  const decodedLength = req.headers['x-amz-decoded-content-length'];
  if (decodedLength !== undefined && !/^\d+$/.test(decodedLength.trim())) {
    throw new SigV4Error('InvalidArgument', `x-amz-decoded-content-length must be a number of bytes; got "${decodedLength}".`, {
      ArgumentName: 'x-amz-decoded-content-length',
      ArgumentValue: decodedLength,
    });
  }
  const trailerNames = announcedTrailers(req.headers);
  let signing;
  if (mode !== STREAMING_UNSIGNED_TRAILER) {
    if (!parsed || secretAccessKey === undefined) {
      throw new SigV4Error('InvalidRequest', `x-amz-content-sha256: ${mode} needs a request signed with AWS Signature Version 4.`);
    }
    signing = {
      key: signingKey(secretAccessKey, parsed.date, parsed.region, parsed.service),
      amzDate: parsed.amzDate,
      scope: parsed.scope,
      seedSignature: parsed.signature,
    };
  }
  return new AwsChunkedDecoder({
    mode,
    signing,
    decodedContentLength: decodedLength === undefined ? undefined : Number(decodedLength.trim()),
    trailerNames,
  });
}
