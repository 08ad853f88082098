/**
 * S3 with the temporary credentials a verification probe was given: list one key under the prefix,
 * put a probe object, delete it. S3 answering "no" (AccessDenied, NoSuchBucket, a wrong region, …) is
 * {@link S3AccessDenied} with S3's code, which the probe reports to the owner; S3 not answering (network,
 * 5xx, throttling) is DependencyUnavailable.
 */
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3AccessDenied, type ObjectProbe, type TemporaryCredentials } from '../volumes/ports';
import { errorCode, errorMessage, httpStatus, unavailable, wasAborted } from './aws-errors';

export interface S3ObjectProbeOptions {
  /** Path-style addressing (`endpoint/bucket/key`), needed by endpoints that are IP addresses such as the local stack's. */
  forcePathStyle: boolean;
  /** Overrides the SDK's own endpoint resolution (which already honours `AWS_ENDPOINT_URL`). */
  endpoint?: string;
  /** Calls per operation, retries included (SDK default 3). */
  maxAttempts?: number;
}

/** Errors that mean "S3 answered, and it is not these credentials' to do" even without a 4xx status we can read. */
const REFUSALS = new Set(['AccessDenied', 'NoSuchBucket', 'AllAccessDisabled', 'InvalidAccessKeyId', 'ExpiredToken', 'InvalidToken', 'PermanentRedirect', 'AuthorizationHeaderMalformed']);

function translate(error: unknown, signal: AbortSignal | undefined): unknown {
  if (wasAborted(error, signal)) return error;
  const code = errorCode(error);
  const status = httpStatus(error);
  // 4xx other than throttling is S3's answer about these credentials and this bucket; 5xx, 429 and no answer are S3's trouble.
  if (REFUSALS.has(code) || (status !== undefined && status >= 400 && status < 500 && status !== 429 && code !== 'SlowDown' && code !== 'RequestTimeout')) {
    return new S3AccessDenied(code, errorMessage(error) || `S3 refused the request (${code}).`);
  }
  return unavailable('S3 did not answer; try again shortly.', 'S3Unavailable', error);
}

export function createS3ObjectProbe(options: S3ObjectProbeOptions): ObjectProbe {
  /** A client for one call: the credentials are the caller's, for this probe only. */
  async function withClient<T>(credentials: TemporaryCredentials, region: string, signal: AbortSignal | undefined, work: (s3: S3Client) => Promise<T>): Promise<T> {
    const s3 = new S3Client({
      region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
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

  return {
    listPrefix: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        const Prefix = target.prefix === '' ? '' : `${target.prefix.replace(/\/+$/, '')}/`;
        await s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix, MaxKeys: 1 }), { abortSignal: signal });
      }),

    putObject: (credentials, target, body, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: body, ContentType: 'text/plain; charset=utf-8' }), { abortSignal: signal });
      }),

    deleteObject: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }), { abortSignal: signal });
      }),
  };
}
