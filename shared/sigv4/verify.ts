/**
 * Checks a parsed SigV4 claim against the secret of its access key: time first (so a client with a wrong
 * clock learns that, not "bad signature"), then the signature, compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { canonicalRequest, stringToSign } from './canonical';
import { SIGNATURE_MISMATCH_MESSAGE, SigV4Error } from './errors';
import { checkCoherence, checkHeadersSigned, type ParsedSigV4, parseAmzDate, type SigV4Request } from './parse';

export interface VerifyOptions {
  /** The server's time; injected so tests (and replays of logs) fix it. */
  now: Date;
  /** Hex SHA-256 of the body, for requests whose signature covers the body without naming its hash (non-S3). */
  payloadHash?: string;
  /** How far the signing time may be from `now` (header form), or in the future (query form). Default 900 s. */
  maxSkewSeconds?: number;
}

export const DEFAULT_MAX_SKEW_SECONDS = 900;

/** Throws {@link SigV4Error} unless `parsed` is a valid, current signature of `req` by `secretAccessKey`. */
export function verifySigV4(req: SigV4Request, parsed: ParsedSigV4, secretAccessKey: string, options: VerifyOptions): void {
  checkCoherence(parsed);
  checkHeadersSigned(req, parsed);
  checkTime(parsed, options.now, options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  const payloadHash = parsed.payloadHash ?? options.payloadHash;
  // Outside S3 the body's hash is the caller's to give (options.payloadHash); a request that reaches here without
  // one (a scope for another service sent to an S3 endpoint) is the client's mistake, refused as S3 words it.
  if (payloadHash === undefined) throw new SigV4Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const canonical = canonicalRequest(req, parsed, payloadHash);
  const toSign = stringToSign(parsed, canonical);
  const expected = hmacHex(signingKey(secretAccessKey, parsed.date, parsed.region, parsed.service), toSign);
  if (!signaturesEqual(expected, parsed.signature)) {
    throw new SigV4Error('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE, {
      AWSAccessKeyId: parsed.accessKeyId,
      StringToSign: toSign,
      SignatureProvided: parsed.signature,
      CanonicalRequest: canonical,
    });
  }
}

function checkTime(parsed: ParsedSigV4, now: Date, maxSkewSeconds: number): void {
  const signedAt = parseAmzDate(parsed.amzDate);
  if (!signedAt) throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const serverTime = now.toISOString();
  const aheadMs = signedAt.getTime() - now.getTime();
  if (parsed.form === 'header') {
    if (Math.abs(aheadMs) <= maxSkewSeconds * 1000) return;
    throw new SigV4Error(
      'RequestTimeTooSkewed',
      `The difference between the request time and the current time is too large: the request was signed at ${signedAt.toISOString()}, ` +
        `the server's time is ${serverTime}, and at most ${maxSkewSeconds} s apart is allowed. Check the client's clock.`,
      { RequestTime: parsed.amzDate, ServerTime: serverTime, MaxAllowedSkewMilliseconds: String(maxSkewSeconds * 1000) },
    );
  }
  if (aheadMs > maxSkewSeconds * 1000) {
    throw new SigV4Error(
      'AccessDenied',
      `Request is not yet valid: it was signed for ${signedAt.toISOString()}, the server's time is ${serverTime}.`,
      {
        'X-Amz-Date': parsed.amzDate,
        ServerTime: serverTime,
      },
    );
  }
  const expiresAt = new Date(signedAt.getTime() + (parsed.expiresSeconds ?? 0) * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw new SigV4Error(
      'AccessDenied',
      `Request has expired: the URL was valid until ${expiresAt.toISOString()}, the server's time is ${serverTime}.`,
      {
        'X-Amz-Expires': String(parsed.expiresSeconds ?? 0),
        Expires: expiresAt.toISOString(),
        ServerTime: serverTime,
      },
    );
  }
}

export function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

/** Constant-time comparison of an expected hex signature with the one a client sent. */
export function signaturesEqual(expectedHex: string, provided: string): boolean {
  const a = Buffer.from(expectedHex, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Derived signing keys, bounded and least-recently-used first out. Keyed by a hash of the secret (never the
 * secret itself) with the scope, since a key is reused for a whole day of requests.
 */
const signingKeys = new LRUCache<string, Buffer>({ max: 64 });

export function clearSigningKeyCache(): void {
  signingKeys.clear();
}

/** `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${createHash('sha256').update(secretAccessKey).digest('hex')}/${date}/${region}/${service}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  signingKeys.set(cacheKey, key);
  return key;
}
