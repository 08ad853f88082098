/**
 * What the S3 adapters that act with a caller's temporary credentials share: an S3 client made for one
 * call with those credentials, and the rule that tells "S3 refused" from "S3 is down".
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3AccessDenied, type TemporaryCredentials } from '../volumes/ports';
import { errorCode, errorMessage, httpStatus, unavailable, wasAborted } from './aws-errors';

export interface PerCallS3Options {
  /** Path-style addressing (`endpoint/bucket/key`), needed by endpoints that are IP addresses such as the local stack's. */
  forcePathStyle: boolean;
  /** Overrides the SDK's own endpoint resolution (which already honours `AWS_ENDPOINT_URL`). */
  endpoint?: string;
  /** Calls per operation, retries included (SDK default 3). */
  maxAttempts?: number;
}

/** Codes that are S3's answer about these credentials or this bucket even when no 4xx status can be read. */
const REFUSALS = new Set([
  'AccessDenied',
  'NoSuchBucket',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'InvalidToken',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
]);

/**
 * 4xx other than throttling is S3's answer about these credentials and this bucket ({@link S3AccessDenied});
 * 5xx, 429 and no answer are S3's trouble (503 S3Unavailable); an abort is the caller's and passes as is.
 */
export function s3Failure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (wasAborted(error, signal)) return error;
  const code = errorCode(error);
  const status = httpStatus(error);
  if (
    REFUSALS.has(code) ||
    (status !== undefined && status >= 400 && status < 500 && status !== 429 && code !== 'SlowDown' && code !== 'RequestTimeout')
  ) {
    return new S3AccessDenied(code, errorMessage(error) || `S3 refused the request (${code}).`, { cause: error });
  }
  return unavailable('S3 did not answer; try again shortly.', 'S3Unavailable', error);
}

/**
 * Runs `work` with a client made for this call only (the credentials are the caller's), destroyed after.
 * Flexible checksums are off: the objects and parts it handles may come from browsers that send none.
 */
export async function withPerCallClient<T>(
  options: PerCallS3Options,
  credentials: TemporaryCredentials,
  region: string,
  signal: AbortSignal | undefined,
  work: (s3: S3Client) => Promise<T>,
  translate: (error: unknown, signal: AbortSignal | undefined) => unknown = s3Failure,
): Promise<T> {
  const s3 = new S3Client({
    region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    },
  });
  try {
    return await work(s3);
  } catch (error) {
    throw translate(error, signal);
  } finally {
    s3.destroy();
  }
}
