/**
 * The server side of a browser's multipart upload, with the caller's vended credentials: create the
 * upload, check that it is open before more part URLs are signed, complete it from the parts the browser sent
 * through presigned UploadPart URLs, or abort it.
 *
 * S3's answers become the errors the port documents: an upload that is gone is NotFound(UploadNotFound);
 * parts S3 cannot assemble are ValidationFailed on `parts` with S3's code; any other refusal is
 * {@link S3AccessDenied}; S3 not answering (network, 5xx, throttling) is DependencyUnavailable(S3Unavailable).
 *
 * No checksum algorithm: were the upload created with one, S3 would refuse parts a browser sent without one.
 *
 * Four REST calls, made without the S3 client (`s3-rest.ts`: S3's endpoint rules, SigV4, the SDK's HTTP handler and
 * XML parser), so the upload functions' bundles carry no S3 client: its operation schemas, middleware and checksums
 * would be ~120 KB of their package and, even imported lazily, pull ~20 KB of shared SDK code into their cold start.
 */
import { NotFound, ValidationFailed } from '../errors';
import type { MultipartStore } from '../vending/ports';
import type { TemporaryCredentials } from '../volumes/ports';
import { errorCode } from './aws-errors';
import { s3Failure } from './s3-per-call';
import { type S3Answer, type S3RestOptions, type S3RestRequest, s3Request } from './s3-rest';

export type S3MultipartStoreOptions = S3RestOptions;

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

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** XML text, escaped (an ETag is quoted: `"…"`). */
const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createS3MultipartStore(options: S3MultipartStoreOptions): MultipartStore {
  const call = async (credentials: TemporaryCredentials, request: S3RestRequest, signal: AbortSignal | undefined): Promise<S3Answer> => {
    try {
      return await s3Request(options, credentials, request, signal);
    } catch (error) {
      throw translate(error, signal);
    }
  };

  return {
    async create(credentials, target, signal) {
      const { bucket, key, region, contentType } = target;
      const headers = contentType !== undefined ? { 'content-type': contentType } : undefined;
      const created = await call(credentials, { method: 'POST', bucket, key, region, query: { uploads: '' }, headers }, signal);
      const uploadId = created.InitiateMultipartUploadResult?.UploadId;
      if (typeof uploadId !== 'string' || !uploadId) throw new Error('S3 created a multipart upload without an UploadId');
      return { uploadId };
    },

    async complete(credentials, target, signal) {
      const parts = target.parts
        .map((p) => `<Part><ETag>${xmlText(p.etag)}</ETag><PartNumber>${p.partNumber}</PartNumber></Part>`)
        .join('');
      const body = `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="${S3_XMLNS}">${parts}</CompleteMultipartUpload>`;
      const { bucket, key, region, uploadId } = target;
      const completed = await call(
        credentials,
        { method: 'POST', bucket, key, region, query: { uploadId }, headers: { 'content-type': 'application/xml' }, body },
        signal,
      );
      const etag = completed.CompleteMultipartUploadResult?.ETag;
      return { etag: typeof etag === 'string' ? etag : '' };
    },

    async abort(credentials, target, signal) {
      const { bucket, key, region, uploadId } = target;
      await call(credentials, { method: 'DELETE', bucket, key, region, query: { uploadId } }, signal);
    },

    async check(credentials, target, signal) {
      // S3 answers NoSuchUpload unless the upload is open for exactly this key.
      const { bucket, key, region, uploadId } = target;
      await call(credentials, { method: 'GET', bucket, key, region, query: { 'max-parts': '1', uploadId } }, signal);
    },
  };
}
