/**
 * Multipart uploads for browsers: the server starts the upload with write credentials and hands out one
 * presigned `UploadPart` URL per part; the browser PUTs the parts straight to S3 and sends back their ETags;
 * the server completes (or aborts) the upload. Bytes never pass through the Lambda.
 *
 * Part URLs live as long as the credentials that signed them allow, up to an hour (at least 30 minutes: the
 * credential cache replaces credentials with less left). `expiresAt` says when they stop working; a browser
 * that needs longer starts the remaining parts as a new upload or asks again (not offered yet).
 */
import { ValidationFailed } from '../errors';
import type { Caller } from '../volumes/deps';
import type { VendingDeps } from './deps';
import { objectKey } from './keys';
import type { CompletedPart } from './ports';
import { auditedKey, contentTypeProblem, dataCredentials, signUrls } from './presign';
import { audited, requireDataAccess } from './rules';

/** S3's limit on the parts of one upload. */
export const MAX_PARTS = 10_000;
const PART_URL_SECONDS = 3600;
const MAX_UPLOAD_ID_LENGTH = 1024;
const MAX_ETAG_LENGTH = 1024;

export interface StartUploadInput {
  key: string;
  /** How many parts the browser will send, 1 to 10,000 (each 5 MiB to 5 GiB, the last may be smaller). */
  parts: number;
  contentType?: string;
}

export interface StartedUpload {
  uploadId: string;
  /** The key as given, relative to the volume's root. */
  key: string;
  parts: Array<{ partNumber: number; url: string }>;
  /** When the part URLs stop working (ISO 8601). */
  expiresAt: string;
}

export interface CompleteUploadInput {
  key: string;
  parts: CompletedPart[];
}

const partNumberOk = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_PARTS;
const plainText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max && !/\p{Cc}/u.test(value);

function checkUploadId(uploadId: unknown): string {
  if (!plainText(uploadId, MAX_UPLOAD_ID_LENGTH)) {
    throw new ValidationFailed(`uploadId: must be the uploadId that starting the upload returned (1 to ${MAX_UPLOAD_ID_LENGTH} characters).`, 'uploadId');
  }
  return uploadId;
}

/** The parts in ascending order, as S3 requires; each number once. */
function checkParts(parts: unknown): CompletedPart[] {
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > MAX_PARTS) {
    throw new ValidationFailed(`parts: must list 1 to ${MAX_PARTS} parts, each {partNumber, etag}.`, 'parts');
  }
  const seen = new Set<number>();
  parts.forEach((part: Partial<CompletedPart> | null, index) => {
    if (!partNumberOk(part?.partNumber)) throw new ValidationFailed(`parts.${index}.partNumber: must be a whole number from 1 to ${MAX_PARTS}.`, `parts.${index}.partNumber`);
    if (!plainText(part.etag, MAX_ETAG_LENGTH)) {
      throw new ValidationFailed(`parts.${index}.etag: must be the ETag header S3 answered the part's PUT with.`, `parts.${index}.etag`);
    }
    if (seen.has(part.partNumber)) throw new ValidationFailed(`parts.${index}.partNumber: part ${part.partNumber} is listed twice.`, `parts.${index}.partNumber`);
    seen.add(part.partNumber);
  });
  return (parts as CompletedPart[]).map(({ partNumber, etag }) => ({ partNumber, etag })).sort((a, b) => a.partNumber - b.partNumber);
}

/**
 * Starts a multipart upload of `key` and presigns a PUT URL per part. Errors: those of presigning a PUT, and
 * `ValidationFailed` on `parts`/`contentType`. Audited as `upload.start` with the key, part count and uploadId.
 */
export async function startUpload(deps: VendingDeps, caller: Caller, volumeId: string, input: StartUploadInput): Promise<StartedUpload> {
  if (!partNumberOk(input.parts)) throw new ValidationFailed(`parts: must be a whole number from 1 to ${MAX_PARTS}, how many parts will be uploaded.`, 'parts');
  if (input.contentType !== undefined) {
    const problem = typeof input.contentType === 'string' ? contentTypeProblem(input.contentType) : 'must be a string.';
    if (problem) throw new ValidationFailed(`contentType: ${problem}`, 'contentType');
  }
  return audited(deps, caller, volumeId, 'upload.start', { key: auditedKey(input.key), parts: input.parts, cached: false }, async (visible) => {
    requireDataAccess(caller, visible, 'write');
    const { volume } = visible;
    const key = objectKey(volume, input.key);
    const { credentials, source } = await dataCredentials(deps, caller, visible, 'write', PART_URL_SECONDS);
    const target = { bucket: volume.bucket, key, region: volume.region };
    const { uploadId } = await deps.multipart.create(credentials, { ...target, ...(input.contentType ? { contentType: input.contentType } : {}) }, caller.signal);
    const numbers = Array.from({ length: input.parts }, (_, i) => i + 1);
    const signed = await signUrls(deps, visible, credentials, { method: 'PUT', expiresIn: PART_URL_SECONDS }, numbers.map((partNumber) => ({ key, uploadId, partNumber })));
    return {
      value: {
        uploadId,
        key: input.key,
        parts: numbers.map((partNumber, i) => ({ partNumber, url: signed.urls[i]! })),
        expiresAt: signed.expiresAt.toISOString(),
      },
      detail: { uploadId, expiresInSeconds: signed.expiresInSeconds, cached: source !== 'issued' },
    };
  });
}

/**
 * Completes the upload from its parts' ETags (in any order; sent ascending). Errors: as for starting, plus
 * `UploadNotFound` 404 and `InvalidPart` 400 from S3. Audited as `upload.complete`.
 */
export async function completeUpload(deps: VendingDeps, caller: Caller, volumeId: string, uploadId: string, input: CompleteUploadInput): Promise<{ key: string; etag: string }> {
  const id = checkUploadId(uploadId);
  const parts = checkParts(input.parts);
  return audited(
    deps,
    caller,
    volumeId,
    'upload.complete',
    { key: auditedKey(input.key), uploadId: id, parts: parts.length },
    async (visible) => {
      requireDataAccess(caller, visible, 'write');
      const { volume } = visible;
      const key = objectKey(volume, input.key);
      const { credentials } = await dataCredentials(deps, caller, visible, 'write', 0);
      const { etag } = await deps.multipart.complete(credentials, { bucket: volume.bucket, key, region: volume.region, uploadId: id, parts }, caller.signal);
      return { value: { key: input.key, etag } };
    },
    'succeeded',
  );
}

/** Aborts the upload and frees its parts. Errors: as for completing. Audited as `upload.abort`. */
export async function abortUpload(deps: VendingDeps, caller: Caller, volumeId: string, uploadId: string, input: { key: string }): Promise<void> {
  const id = checkUploadId(uploadId);
  return audited(
    deps,
    caller,
    volumeId,
    'upload.abort',
    { key: auditedKey(input.key), uploadId: id },
    async (visible) => {
      requireDataAccess(caller, visible, 'write');
      const { volume } = visible;
      const key = objectKey(volume, input.key);
      const { credentials } = await dataCredentials(deps, caller, visible, 'write', 0);
      await deps.multipart.abort(credentials, { bucket: volume.bucket, key, region: volume.region, uploadId: id }, caller.signal);
      return { value: undefined };
    },
    'succeeded',
  );
}
