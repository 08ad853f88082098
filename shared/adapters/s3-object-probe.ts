/**
 * S3 with the temporary credentials a verification probe was given: list one key under the prefix,
 * put a probe object, delete it. S3 answering "no" (AccessDenied, NoSuchBucket, a wrong region, …) is
 * {@link S3AccessDenied} with S3's code, which the probe reports to the owner; S3 not answering (network,
 * 5xx, throttling) is DependencyUnavailable.
 */
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectProbe, TemporaryCredentials } from '../volumes/ports';
import { type PerCallS3Options, withPerCallClient } from './s3-per-call';

export type S3ObjectProbeOptions = PerCallS3Options;

export function createS3ObjectProbe(options: S3ObjectProbeOptions): ObjectProbe {
  const withClient = <T>(
    credentials: TemporaryCredentials,
    region: string,
    signal: AbortSignal | undefined,
    work: (s3: S3Client) => Promise<T>,
  ) => withPerCallClient(options, credentials, region, signal, work);

  return {
    listPrefix: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        const Prefix = target.prefix === '' ? '' : `${target.prefix.replace(/\/+$/, '')}/`;
        await s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix, MaxKeys: 1 }), { abortSignal: signal });
      }),

    putObject: (credentials, target, body, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: body, ContentType: 'text/plain; charset=utf-8' }),
          { abortSignal: signal },
        );
      }),

    deleteObject: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }), { abortSignal: signal });
      }),
  };
}
