/**
 * `POST /volumes/{id}/presign` and `GET /volumes/{id}/download/{key+}`: presigned URLs for one object of a
 * volume, signed with the same cached credentials as vending (scoped by the session policy to the access the
 * method needs: GET and HEAD read, PUT and DELETE write).
 *
 * A presigned URL cannot outlive the credentials that signed it, and role chaining keeps those under an hour (12
 * hours for gateway-oidc volumes, which are not chained), so the URL lives min(expiresIn, the credentials'
 * remaining life). `expiresAt` and `expiresInSeconds` say the
 * truth, and `note` says when it was shortened. To give URLs their full life when it can, a cached credential
 * with less than min(expiresIn, 30 minutes) left is replaced rather than used.
 *
 * The URL is a bearer secret: it is returned, never logged or audited. The key is audited.
 */
import { AppError, ValidationFailed } from '../errors';
import { countMetric } from '../metrics';
import type { Visible } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import { GATEWAY_OIDC_MAX_SESSION_SECONDS } from '../volumes/gateway-oidc';
import type { DataAccess, Volume } from '../volumes/model';
import type { TemporaryCredentials } from '../volumes/ports';
import { attachmentDisposition, filenameProblem } from './content-disposition';
import { DEFAULT_SESSION_SECONDS, volumeCredentials } from './credentials';
import type { VendingDeps } from './deps';
import { objectKey } from './keys';
import type { PresignMethod } from './ports';
import { audited, requireDataAccess } from './rules';

export const PRESIGN_METHODS: readonly PresignMethod[] = ['GET', 'PUT', 'HEAD', 'DELETE'];
export const DEFAULT_EXPIRES_IN = 900;
/** S3's limit: seven days. */
export const MAX_EXPIRES_IN = 604_800;

const NEEDS: Record<PresignMethod, DataAccess> = { GET: 'read', HEAD: 'read', PUT: 'write', DELETE: 'write' };
/** The S3 operation a URL of each method allows, as metrics name it. */
const OPERATIONS: Record<PresignMethod, string> = { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' };

export interface PresignInput {
  key: string;
  method: PresignMethod;
  expiresIn?: number;
  /** PUT only: the Content-Type the upload must send (it is signed). */
  contentType?: string;
  /** GET only: download as this file name (`response-content-disposition: attachment`). */
  filename?: string;
}

export interface PresignedUrl {
  url: string;
  method: PresignMethod;
  /** Headers the request must send as they are, e.g. `content-type` for a PUT. */
  headers: Record<string, string>;
  /** When the URL stops working (ISO 8601). */
  expiresAt: string;
  /** The URL's real lifetime from now; less than `expiresIn` when the credentials expire sooner. */
  expiresInSeconds: number;
  /** Present when the lifetime was shortened, saying why. */
  note?: string;
}

/** `type/subtype`, optionally with parameters; what a Content-Type header can carry. */
const CONTENT_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;[\x20-\x7e]*)?$/;

export function contentTypeProblem(value: string): string | undefined {
  if (value.length > 255) return 'must be at most 255 characters.';
  return CONTENT_TYPE.test(value) ? undefined : 'must be a media type such as "text/csv" or "application/octet-stream; charset=binary".';
}

export interface SignParams {
  method: PresignMethod;
  expiresIn: number;
  contentType?: string;
  responseContentDisposition?: string;
}

/** What one URL names: a full key, and for UploadPart the upload and part. */
export interface UrlTarget {
  key: string;
  uploadId?: string;
  partNumber?: number;
}

export function checkExpiresIn(value: unknown): number {
  if (value === undefined) return DEFAULT_EXPIRES_IN;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
    throw new ValidationFailed(`expiresIn: must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (seven days).`, 'expiresIn');
  }
  return value;
}

/** Checks the request's own fields (not the key, which needs the volume); the signing parameters. */
function signParams(input: PresignInput): SignParams {
  if (!PRESIGN_METHODS.includes(input.method)) throw new ValidationFailed('method: must be "GET", "PUT", "HEAD" or "DELETE".', 'method');
  const params: SignParams = { method: input.method, expiresIn: checkExpiresIn(input.expiresIn) };
  if (input.contentType !== undefined) {
    if (input.method !== 'PUT') throw new ValidationFailed('contentType: only a PUT sends a body with a content type.', 'contentType');
    const problem = typeof input.contentType === 'string' ? contentTypeProblem(input.contentType) : 'must be a string.';
    if (problem) throw new ValidationFailed(`contentType: ${problem}`, 'contentType');
    params.contentType = input.contentType;
  }
  if (input.filename !== undefined) {
    if (input.method !== 'GET') throw new ValidationFailed('filename: only a GET downloads under a file name.', 'filename');
    const problem = typeof input.filename === 'string' ? filenameProblem(input.filename) : 'must be a string.';
    if (problem) throw new ValidationFailed(`filename: ${problem}`, 'filename');
    params.responseContentDisposition = attachmentDisposition(input.filename);
  }
  return params;
}

export interface Signed {
  /** In the order of the targets; only the first ones when `maxBytes` cut the list short. */
  urls: string[];
  expiresAt: Date;
  expiresInSeconds: number;
  shortened: boolean;
}

/**
 * Credentials of `access` for a visible volume whose rights were checked, from the cache; an entry with less than
 * min(`wantedSeconds`, 30 minutes) of life left is replaced, so URLs get the life asked when they can.
 * A gateway-oidc role whose maximum session is below 12 hours (its `update-role` not run, or lowered since verify)
 * still signs, with an hour's credentials (what every role allows): the caller never asked for a duration.
 */
export async function dataCredentials(deps: VendingDeps, caller: Caller, visible: Visible, access: DataAccess, wantedSeconds: number) {
  const credentials = (durationSeconds: number) =>
    volumeCredentials(deps, caller, visible.volume, {
      access,
      durationSeconds,
      minRemainingSeconds: Math.min(wantedSeconds, durationSeconds / 2),
    });
  const durationSeconds = urlSessionSeconds(visible.volume);
  try {
    return await credentials(durationSeconds);
  } catch (error) {
    const shorter = durationSeconds > DEFAULT_SESSION_SECONDS && error instanceof AppError && error.code === 'DurationExceedsRoleMaximum';
    if (!shorter) throw error;
    return credentials(DEFAULT_SESSION_SECONDS);
  }
}

/**
 * How long the sessions that sign URLs last: an hour where the gateway chains roles (role volumes) or holds the
 * caller's own token; 12 hours for gateway-oidc volumes (no chaining), so their URLs live up to 12 hours. Either
 * way, a member's URLs and their vends of the same duration share one cached session.
 */
export const urlSessionSeconds = (volume: Pick<Volume, 'auth'>) =>
  volume.auth.type === 'gateway-oidc' ? GATEWAY_OIDC_MAX_SESSION_SECONDS : DEFAULT_SESSION_SECONDS;

/** What each URL costs in an answer besides itself: `{"partNumber":10000,"url":""},`, with room to spare. */
const PER_URL_OVERHEAD_BYTES = 40;

/**
 * Signs one URL per target with `credentials`, all at the same whole second (SigV4 dates have no fractions, so
 * `expiresAt` is exact); each lives min(`params.expiresIn`, the credentials' remaining life).
 *
 * With `maxBytes`, signs only the first targets whose URLs fit in that many bytes of JSON (at least one):
 * the first URL is signed alone and measured, and as many as fit at its length are signed. For targets that
 * differ only in their part number (one upload's parts), whose URLs differ by a few digits at most.
 */
export async function signUrls(
  deps: VendingDeps,
  visible: Visible,
  credentials: TemporaryCredentials,
  params: SignParams,
  targets: UrlTarget[],
  options: { maxBytes?: number } = {},
): Promise<Signed> {
  const signingDate = new Date(Math.floor(deps.clock.now().getTime() / 1000) * 1000);
  const remaining = Math.floor((credentials.expiration.getTime() - signingDate.getTime()) / 1000);
  if (remaining < 1) throw new Error('the credential cache served credentials that have expired');
  const expiresInSeconds = Math.min(params.expiresIn, remaining);
  const { volume } = visible;
  const sign = (target: UrlTarget) =>
    deps.signer.presign({
      bucket: volume.bucket,
      key: target.key,
      region: volume.region,
      credentials,
      method: params.method,
      expiresInSeconds,
      signingDate,
      ...(params.contentType ? { contentType: params.contentType } : {}),
      ...(params.responseContentDisposition ? { responseContentDisposition: params.responseContentDisposition } : {}),
      ...(target.uploadId !== undefined ? { uploadId: target.uploadId, partNumber: target.partNumber } : {}),
    });
  let urls: string[];
  if (options.maxBytes !== undefined && targets.length > 1) {
    const first = await sign(targets[0]!);
    const fit = Math.max(1, Math.floor(options.maxBytes / (first.length + PER_URL_OVERHEAD_BYTES)));
    urls = [first, ...(await Promise.all(targets.slice(1, fit).map(sign)))];
  } else {
    urls = await Promise.all(targets.map(sign));
  }
  for (const target of targets.slice(0, urls.length))
    countMetric('PresignedUrls', { Operation: target.uploadId !== undefined ? 'UploadPart' : OPERATIONS[params.method] });
  return {
    urls,
    expiresAt: new Date(signingDate.getTime() + expiresInSeconds * 1000),
    expiresInSeconds,
    shortened: expiresInSeconds < params.expiresIn,
  };
}

/** One object's URL with the credentials its method needs. */
async function signOne(deps: VendingDeps, caller: Caller, visible: Visible, params: SignParams, key: string) {
  const { credentials, source } = await dataCredentials(deps, caller, visible, NEEDS[params.method], params.expiresIn);
  const signed = await signUrls(deps, visible, credentials, params, [{ key }]);
  return { ...signed, url: signed.urls[0]!, cached: source !== 'issued' };
}

const shortenedNote = (volume: Pick<Volume, 'auth'>, asked: number, real: number) =>
  `The URL lives ${real} s, not the ${asked} s asked: a presigned URL cannot outlive the credentials that signed it, and the ` +
  `gateway's credentials for this volume live at most ${volume.auth.type === 'gateway-oidc' ? '12 hours' : 'an hour'}. Presign again ` +
  `when it expires.`;

/** The key as the audit trail keeps it: what the caller gave, cut short when absurdly long. */
export const auditedKey = (key: unknown) => (typeof key === 'string' ? key.slice(0, 1100) : undefined);

/**
 * A presigned URL for one object. Errors: `VolumeNotFound` 404, `VolumeNotActive` 409, `MfaRequired` 403,
 * `AccessExceedsMembership` 403 (PUT/DELETE on read access), `InvalidKey` 400, `ValidationFailed` 400 (method,
 * expiresIn, contentType, filename), `SessionPolicyTooLarge` 400, `RoleRefused` 403, `StsUnavailable` 503.
 * Audited as `presign` with the method and key.
 */
export async function presignObject(deps: VendingDeps, caller: Caller, volumeId: string, input: PresignInput): Promise<PresignedUrl> {
  const params = signParams(input);
  return audited(
    deps,
    caller,
    volumeId,
    'presign',
    { method: params.method, key: auditedKey(input.key), expiresIn: params.expiresIn, cached: false },
    async (visible) => {
      requireDataAccess(caller, visible, NEEDS[params.method]);
      const key = objectKey(visible.volume, input.key);
      const signed = await signOne(deps, caller, visible, params, key);
      return {
        value: {
          url: signed.url,
          method: params.method,
          headers: (params.contentType ? { 'content-type': params.contentType } : {}) as Record<string, string>,
          expiresAt: signed.expiresAt.toISOString(),
          expiresInSeconds: signed.expiresInSeconds,
          ...(signed.shortened ? { note: shortenedNote(visible.volume, params.expiresIn, signed.expiresInSeconds) } : {}),
        },
        detail: { expiresInSeconds: signed.expiresInSeconds, cached: signed.cached },
      };
    },
  );
}

/**
 * The presigned GET URL a download link redirects to (the handler answers 302 with it); it lives 900 s at
 * most. Same errors as {@link presignObject}; audited as `presign` with `download: true`.
 */
export async function downloadUrl(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  key: string,
  options: { filename?: string } = {},
): Promise<string> {
  const params = signParams({ key, method: 'GET', ...(options.filename !== undefined ? { filename: options.filename } : {}) });
  return audited(
    deps,
    caller,
    volumeId,
    'presign',
    { method: 'GET', key: auditedKey(key), download: true, cached: false },
    async (visible) => {
      requireDataAccess(caller, visible, 'read');
      const signed = await signOne(deps, caller, visible, params, objectKey(visible.volume, key));
      return { value: signed.url, detail: { expiresInSeconds: signed.expiresInSeconds, cached: signed.cached } };
    },
  );
}
