/**
 * The server side of a browser's multipart upload, with the caller's vended credentials: create the
 * upload, check that it is open before more part URLs are signed, complete it from the parts the browser sent
 * through presigned UploadPart URLs, or abort it.
 *
 * S3's answers become the errors the port documents: an upload that is gone is NotFound(UploadNotFound);
 * parts S3 cannot assemble are ValidationFailed on `parts` with S3's code; any other refusal is
 * {@link S3AccessDenied}; S3 not answering (network, 5xx, throttling) is DependencyUnavailable(S3Unavailable).
 *
 * Flexible checksums are off: were the upload created with a checksum algorithm, S3 would refuse parts
 * a browser sent without one.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { NotFound, ValidationFailed } from '../errors';
import type { MultipartStore } from '../vending/ports';
import type { TemporaryCredentials } from '../volumes/ports';
import { errorCode } from './aws-errors';
import { type PerCallS3Options, s3Failure, withPerCallClient } from './s3-per-call';

export type S3MultipartStoreOptions = PerCallS3Options;

/** What is wrong with the parts, in words an uploader can act on, by S3's code. */
const PART_PROBLEMS: Record<string, string> = {
  InvalidPart:
    'A listed part was not uploaded, or its ETag is not the one S3 returned for it: complete with the ETag of each uploaded part.',
  InvalidPartOrder: 'The parts must be listed in ascending order of part number.',
  EntityTooSmall: 'Every part but the last must be at least 5 MiB.',
};

function translate(error: unknown, signal: AbortSignal | undefined): unknown {
  const code = errorCode(error);
  if (code === 'NoSuchUpload')
    return new NotFound('No such upload: it was completed or aborted, or the upload id is wrong.', 'UploadNotFound', 'NoSuchUpload');
  const problem = PART_PROBLEMS[code];
  if (problem) return new ValidationFailed(problem, 'parts', code);
  return s3Failure(error, signal);
}

export function createS3MultipartStore(options: S3MultipartStoreOptions): MultipartStore {
  const withClient = <T>(
    credentials: TemporaryCredentials,
    region: string,
    signal: AbortSignal | undefined,
    work: (s3: S3Client) => Promise<T>,
  ) => withPerCallClient(options, credentials, region, signal, work, translate);

  return {
    create: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        const created = await s3.send(
          new CreateMultipartUploadCommand({
            Bucket: target.bucket,
            Key: target.key,
            ...(target.contentType !== undefined ? { ContentType: target.contentType } : {}),
          }),
          { abortSignal: signal },
        );
        if (!created.UploadId) throw new Error('S3 created a multipart upload without an UploadId');
        return { uploadId: created.UploadId };
      }),

    complete: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        const completed = await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: target.bucket,
            Key: target.key,
            UploadId: target.uploadId,
            MultipartUpload: { Parts: target.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
          }),
          { abortSignal: signal },
        );
        return { etag: completed.ETag ?? '' };
      }),

    abort: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: target.uploadId }), {
          abortSignal: signal,
        });
      }),

    check: (credentials, target, signal) =>
      withClient(credentials, target.region, signal, async (s3) => {
        // S3 answers NoSuchUpload unless the upload is open for exactly this key.
        await s3.send(new ListPartsCommand({ Bucket: target.bucket, Key: target.key, UploadId: target.uploadId, MaxParts: 1 }), {
          abortSignal: signal,
        });
      }),
  };
}
