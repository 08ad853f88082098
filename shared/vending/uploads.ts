/**
 * Multipart uploads for browsers: the server starts the upload with write credentials and hands out presigned
 * `UploadPart` URLs; the browser PUTs the parts straight to S3 and sends back their ETags; the server completes
 * (or aborts) the upload. Bytes never pass through the Lambda.
 *
 * Part URLs come in pages, so an answer stays far below Lambda's 6 MB response limit whatever the upload's size:
 * starting answers the URLs of the first parts (at most {@link PART_URLS_PER_ANSWER}, fewer when the URLs are so
 * long that {@link PART_URL_BYTES_PER_ANSWER} would be exceeded) and `nextPartNumber` when more parts remain;
 * `POST …/uploads/{uploadId}/parts` with `{key, from, count}` answers the next page the same way. The same route
 * signs parts again when their URLs expired.
 *
 * Part URLs live as long as the credentials that signed them allow, up to an hour (at least 30 minutes: the
 * credential cache replaces credentials with less left). `expiresAt` says when they stop working.
 */
import { ValidationFailed } from '../errors';
import type { Visible } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { TemporaryCredentials } from '../volumes/ports';
import type { VendingDeps } from './deps';
import { objectKey } from './keys';
import type { CompletedPart } from './ports';
import { auditedKey, contentTypeProblem, dataCredentials, signUrls } from './presign';
import { audited, requireDataAccess } from './rules';

/** S3's limit on the parts of one upload. */
export const MAX_PARTS = 10_000;
/** Part URLs in one answer at most. */
export const PART_URLS_PER_ANSWER = 1000;
/**
 * The bytes the part URLs of one answer may take (about 0.8 MB for 1,000 URLs of a typical key): with the key
 * and uploadId echoed, an answer stays under 4.1 MB, well below Lambda's 6 MB, even for a 1,024-byte key of
 * characters that each take 3 bytes once percent-encoded and a session token of several kilobytes.
 */
export const PART_URL_BYTES_PER_ANSWER = 4_000_000;
const PART_URL_SECONDS = 3600;
const MAX_UPLOAD_ID_LENGTH = 1024;
const MAX_ETAG_LENGTH = 1024;

export interface StartUploadInput {
  key: string;
  /** How many parts the browser will send, 1 to 10,000 (each 5 MiB to 5 GiB, the last may be smaller). */
  parts: number;
  contentType?: string;
}

/** One page of an upload's part URLs. */
export interface PartUrls {
  uploadId: string;
  /** The key as given, relative to the volume's root. */
  key: string;
  /** Consecutive part numbers, ascending. */
  parts: Array<{ partNumber: number; url: string }>;
  /** When the part URLs stop working (ISO 8601). */
  expiresAt: string;
  /** Present when parts asked for remain unsigned: ask `…/uploads/{uploadId}/parts` from this part number. */
  nextPartNumber?: number;
}

export type StartedUpload = PartUrls;

export interface PartUrlsInput {
  key: string;
  /** The first part number to sign, 1 to 10,000. */
  from: number;
  /** How many parts from `from`, at most up to part 10,000; one answer signs the first of them. */
  count: number;
}

export interface CompleteUploadInput {
  key: string;
  parts: CompletedPart[];
}

const partNumberOk = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_PARTS;
const plainText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && !/\p{Cc}/u.test(value);

function checkUploadId(uploadId: unknown): string {
  if (!plainText(uploadId, MAX_UPLOAD_ID_LENGTH)) {
    throw new ValidationFailed(
      `uploadId: must be the uploadId that starting the upload returned (1 to ${MAX_UPLOAD_ID_LENGTH} characters).`,
      'uploadId',
    );
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
    if (!partNumberOk(part?.partNumber))
      throw new ValidationFailed(`parts.${index}.partNumber: must be a whole number from 1 to ${MAX_PARTS}.`, `parts.${index}.partNumber`);
    if (!plainText(part.etag, MAX_ETAG_LENGTH)) {
      throw new ValidationFailed(`parts.${index}.etag: must be the ETag header S3 answered the part's PUT with.`, `parts.${index}.etag`);
    }
    if (seen.has(part.partNumber))
      throw new ValidationFailed(`parts.${index}.partNumber: part ${part.partNumber} is listed twice.`, `parts.${index}.partNumber`);
    seen.add(part.partNumber);
  });
  return (parts as CompletedPart[]).map(({ partNumber, etag }) => ({ partNumber, etag })).sort((a, b) => a.partNumber - b.partNumber);
}

/**
 * Signs parts `first` to `last` of an upload, as many as one answer holds, with credentials that were checked.
 * The answer's `nextPartNumber` names the first part left out.
 */
async function partPage(
  deps: VendingDeps,
  visible: Visible,
  credentials: TemporaryCredentials,
  target: { key: string; uploadId: string; given: string },
  first: number,
  last: number,
): Promise<{ page: PartUrls; expiresInSeconds: number }> {
  const numbers = Array.from({ length: Math.min(last - first + 1, PART_URLS_PER_ANSWER) }, (_, i) => first + i);
  const signed = await signUrls(
    deps,
    visible,
    credentials,
    { method: 'PUT', expiresIn: PART_URL_SECONDS },
    numbers.map((partNumber) => ({ key: target.key, uploadId: target.uploadId, partNumber })),
    { maxBytes: PART_URL_BYTES_PER_ANSWER },
  );
  const signedLast = first + signed.urls.length - 1;
  const page: PartUrls = {
    uploadId: target.uploadId,
    key: target.given,
    parts: signed.urls.map((url, i) => ({ partNumber: first + i, url })),
    expiresAt: signed.expiresAt.toISOString(),
    ...(signedLast < last ? { nextPartNumber: signedLast + 1 } : {}),
  };
  return { page, expiresInSeconds: signed.expiresInSeconds };
}

/**
 * Starts a multipart upload of `key` and presigns the PUT URLs of its first parts (see the module's comment).
 * Errors: those of presigning a PUT, and `ValidationFailed` on `parts`/`contentType`. Audited as `upload.start`
 * with the key, part count, uploadId and how many URLs were signed.
 */
export async function startUpload(deps: VendingDeps, caller: Caller, volumeId: string, input: StartUploadInput): Promise<StartedUpload> {
  if (!partNumberOk(input.parts))
    throw new ValidationFailed(`parts: must be a whole number from 1 to ${MAX_PARTS}, how many parts will be uploaded.`, 'parts');
  if (input.contentType !== undefined) {
    const problem = typeof input.contentType === 'string' ? contentTypeProblem(input.contentType) : 'must be a string.';
    if (problem) throw new ValidationFailed(`contentType: ${problem}`, 'contentType');
  }
  return audited(
    deps,
    caller,
    volumeId,
    'upload.start',
    { key: auditedKey(input.key), parts: input.parts, cached: false },
    async (visible) => {
      requireDataAccess(caller, visible, 'write');
      const { volume } = visible;
      const key = objectKey(volume, input.key);
      const { credentials, source } = await dataCredentials(deps, caller, visible, 'write', PART_URL_SECONDS);
      const target = { bucket: volume.bucket, key, region: volume.region };
      const { uploadId } = await deps.multipart.create(
        credentials,
        { ...target, ...(input.contentType ? { contentType: input.contentType } : {}) },
        caller.signal,
      );
      const { page, expiresInSeconds } = await partPage(deps, visible, credentials, { key, uploadId, given: input.key }, 1, input.parts);
      return { value: page, detail: { uploadId, signed: page.parts.length, expiresInSeconds, cached: source !== 'issued' } };
    },
  );
}

/**
 * Presigns the PUT URLs of parts `from` to `from + count - 1` of an upload that was started (the next page, or
 * parts whose URLs expired), as many as one answer holds; `nextPartNumber` says where to go on. Only an upload
 * that S3 has open for this key in this volume is served: S3 lists its parts with the caller's write credentials
 * (scoped to the volume) first, so a wrong, completed or aborted uploadId, or one of another key, is
 * `UploadNotFound` (404) and nothing is signed. Errors: as for starting, plus `ValidationFailed` on
 * `from`/`count`. Audited as `upload.parts` with the key, uploadId, range and how many URLs were signed.
 */
export async function presignParts(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  uploadId: string,
  input: PartUrlsInput,
): Promise<PartUrls> {
  const id = checkUploadId(uploadId);
  if (!partNumberOk(input.from))
    throw new ValidationFailed(`from: must be a whole number from 1 to ${MAX_PARTS}, the first part to sign.`, 'from');
  const left = MAX_PARTS - input.from + 1;
  if (typeof input.count !== 'number' || !Number.isInteger(input.count) || input.count < 1 || input.count > left) {
    throw new ValidationFailed(`count: must be a whole number from 1 to ${left}: parts are numbered up to ${MAX_PARTS}.`, 'count');
  }
  return audited(
    deps,
    caller,
    volumeId,
    'upload.parts',
    { key: auditedKey(input.key), uploadId: id, from: input.from, count: input.count, cached: false },
    async (visible) => {
      requireDataAccess(caller, visible, 'write');
      const { volume } = visible;
      const key = objectKey(volume, input.key);
      const { credentials, source } = await dataCredentials(deps, caller, visible, 'write', PART_URL_SECONDS);
      await deps.multipart.check(credentials, { bucket: volume.bucket, key, region: volume.region, uploadId: id }, caller.signal);
      const { page, expiresInSeconds } = await partPage(
        deps,
        visible,
        credentials,
        { key, uploadId: id, given: input.key },
        input.from,
        input.from + input.count - 1,
      );
      return { value: page, detail: { signed: page.parts.length, expiresInSeconds, cached: source !== 'issued' } };
    },
  );
}

/**
 * Completes the upload from its parts' ETags (in any order; sent ascending). Errors: as for starting, plus
 * `UploadNotFound` 404 and `InvalidPart` 400 from S3. Audited as `upload.complete`.
 */
export async function completeUpload(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  uploadId: string,
  input: CompleteUploadInput,
): Promise<{ key: string; etag: string }> {
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
      const { etag } = await deps.multipart.complete(
        credentials,
        { bucket: volume.bucket, key, region: volume.region, uploadId: id, parts },
        caller.signal,
      );
      return { value: { key: input.key, etag } };
    },
    'succeeded',
  );
}

/** Aborts the upload and frees its parts. Errors: as for completing. Audited as `upload.abort`. */
export async function abortUpload(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  uploadId: string,
  input: { key: string },
): Promise<void> {
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
