/**
 * `GET /volumes/{id}/objects`: one page of a volume's objects, listed server-side (ListObjectsV2) with the caller's
 * read credentials for the volume, the same cached session presigned GETs use (a role volume's AssumeRole, a
 * web-identity volume's token, a gateway-oidc volume's gateway token: `vending/credentials.ts`), so a browser needs
 * neither AWS credentials nor a CORS rule on the bucket to show what a volume holds.
 *
 * Keys and prefixes are relative to the volume's root in both directions: `prefix` follows the one key rule
 * (`volumes/object-keys.ts`; empty or absent is the root) and S3 is always asked for `root + prefix`, so nothing
 * outside the root is ever listed and the root is never answered. `delimiter` rolls keys up into `prefixes`
 * (folders); `limit` counts keys and prefixes together, as S3's `max-keys` does (1 to 1,000, 1,000 when absent).
 * `nextToken` is `page-token.ts`'s: bound to this volume, prefix and delimiter.
 *
 * Who: any member with read access or more (rules.ts: 404 `VolumeNotFound` for others, nothing audited; 409
 * `VolumeNotActive`; 403 `MfaRequired`). S3's refusal (the role lacks `s3:ListBucket`, the bucket is gone, another
 * region) is 403 `S3Refused` with S3's code and what to fix; S3 not answering is 503 `S3Unavailable`.
 *
 * Audited as `objects.list`, sampled like the proxy's reads (`audit-sampler.ts`): refusals (403, 409) always, other
 * outcomes the first per volume and subject in each window, marked `sampled`.
 */
import { AppError, ValidationFailed } from '../errors';
import type { VendingDeps } from '../vending/deps';
import { INVALID_KEY } from '../vending/keys';
import { auditedKey, dataCredentials } from '../vending/presign';
import { requireDataAccess } from '../vending/rules';
import { hotReads, loadVisible, type Visible } from '../volumes/access';
import type { AuditSampler } from '../volumes/audit-sampler';
import type { Caller } from '../volumes/deps';
import { record } from '../volumes/guard';
import type { AuditOutcome, Volume } from '../volumes/model';
import { keyProblem, keyRefusal, rootOf } from '../volumes/object-keys';
import { S3AccessDenied } from '../volumes/ports';
import { decodeListingToken, encodeListingToken, type Listing } from './page-token';
import type { ListedPage, ObjectLister } from './ports';

/** S3's `max-keys` limit, and the page size when none is asked. */
export const MAX_LIST_LIMIT = 1000;
export const MAX_DELIMITER_LENGTH = 64;
export const MAX_NEXT_TOKEN_LENGTH = 4096;
export const LIST_ACTION = 'objects.list';
/** The remaining life a listing session needs at least: one S3 call. */
const LIST_SECONDS = 60;

export type ListingDeps = VendingDeps & { lister: ObjectLister; sampler: AuditSampler };

export interface ListObjectsInput {
  prefix?: string;
  delimiter?: string;
  limit?: number;
  nextToken?: string;
}

export interface ListedObjectView {
  /** Relative to the volume's root. */
  key: string;
  size: number;
  /** ISO 8601. */
  lastModified: string;
  /** As S3 gives it, quotes included. */
  etag: string;
}

export interface ObjectListing {
  objects: ListedObjectView[];
  /** Relative to the volume's root, each ending in the delimiter. */
  prefixes: string[];
  /** Present when more follow: pass it as `?nextToken=` with the same prefix and delimiter. */
  nextToken?: string;
}

export const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_LIST_LIMIT} (S3's most keys per page); ${MAX_LIST_LIMIT} when omitted`;

/** What is wrong with a delimiter, or undefined; empty means none. */
export function delimiterProblem(delimiter: string): string | undefined {
  if (delimiter.length > MAX_DELIMITER_LENGTH) return `must be at most ${MAX_DELIMITER_LENGTH} characters, e.g. "/".`;
  if (/\p{Cs}/u.test(delimiter)) return 'is not valid Unicode (it contains a lone surrogate).';
  return undefined;
}

/** What is wrong with a listing prefix before the volume is known, or undefined; empty means the volume's root. */
export const listPrefixProblem = (prefix: string): string | undefined => (prefix === '' ? undefined : keyProblem(prefix)?.message);

/** The request's own fields, checked again for direct callers (the route's schema checks them first). */
function checkInput(input: ListObjectsInput): { limit: number; delimiter?: string; nextToken?: string } {
  const limit = input.limit ?? MAX_LIST_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
    throw new ValidationFailed(`limit: ${LIMIT_MESSAGE} (got ${String(limit).slice(0, 20)}).`, 'limit');
  const checked: { limit: number; delimiter?: string; nextToken?: string } = { limit };
  if (input.delimiter !== undefined && input.delimiter !== '') {
    const problem = typeof input.delimiter === 'string' ? delimiterProblem(input.delimiter) : 'must be a string.';
    if (problem) throw new ValidationFailed(`delimiter: ${problem}`, 'delimiter');
    checked.delimiter = input.delimiter;
  }
  if (input.nextToken !== undefined) {
    if (typeof input.nextToken !== 'string' || input.nextToken === '' || input.nextToken.length > MAX_NEXT_TOKEN_LENGTH)
      throw new ValidationFailed(
        `nextToken: must be the nextToken of the previous page, 1 to ${MAX_NEXT_TOKEN_LENGTH} characters.`,
        'nextToken',
      );
    checked.nextToken = input.nextToken;
  }
  return checked;
}

/** The prefix relative to the root, `''` for the root; `InvalidKey` (400, field `prefix`) when the key rule refuses it. */
function listingPrefix(volume: Pick<Volume, 'prefix'>, prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') throw new ValidationFailed('prefix: must be a string.', 'prefix', INVALID_KEY);
  const problem = keyRefusal(volume, prefix)?.message;
  if (problem) throw new ValidationFailed(`prefix: ${problem}`, 'prefix', INVALID_KEY);
  return prefix;
}

/** S3's refusal in words the volume's members (and its admin) can act on. */
function s3Refusal(error: S3AccessDenied, volume: Volume): AppError {
  const where = `bucket "${volume.bucket}"${volume.prefix === '' ? '' : ` under "${rootOf(volume)}"`}`;
  const verify = `Ask the volume's admin to run verify (POST /volumes/${volume.id}/verify), which checks the listing and says what to fix.`;
  const elsewhere = `The volume's bucket "${volume.bucket}" is not in ${volume.region}, the region the volume names. ${verify}`;
  const messages: Record<string, string> = {
    AccessDenied:
      `S3 refused to list ${where} with the volume's role (AccessDenied): the role's permissions policy must allow s3:ListBucket on ` +
      `the bucket for the volume's prefix, as the policy given at registration does. ${verify}`,
    NoSuchBucket: `The volume's bucket "${volume.bucket}" does not exist (NoSuchBucket): it was deleted or renamed. ${verify}`,
    PermanentRedirect: elsewhere,
    AuthorizationHeaderMalformed: elsewhere,
  };
  const message = messages[error.code] ?? `S3 refused to list ${where} (${error.code}). ${verify}`;
  return new AppError(403, 'S3Refused', message, 'AccessDenied', { s3Code: error.code }, { cause: error });
}

/** Compares as S3 orders keys: by their UTF-8 bytes. */
const s3Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The answer, relative to the root, with the token resuming after the last key or prefix of the page. */
function view(page: ListedPage, root: string, listing: Listing): ObjectListing {
  const relative = (full: string) => (full.startsWith(root) ? full.slice(root.length) : undefined);
  const objects = page.objects.flatMap((o) => {
    const key = relative(o.key);
    return key === undefined ? [] : [{ key, size: o.size, lastModified: o.lastModified.toISOString(), etag: o.etag }];
  });
  const prefixes = page.prefixes.flatMap((p) => relative(p) ?? []);
  const lastKey = objects.at(-1)?.key;
  const lastPrefix = prefixes.at(-1);
  const last = lastKey === undefined || (lastPrefix !== undefined && s3Order(lastPrefix, lastKey) > 0) ? lastPrefix : lastKey;
  return { objects, prefixes, ...(page.truncated && last !== undefined ? { nextToken: encodeListingToken(listing, last) } : {}) };
}

async function audit(deps: ListingDeps, caller: Caller, visible: Visible, outcome: AuditOutcome, detail: Record<string, unknown>) {
  const always = outcome === 'denied';
  const key = JSON.stringify([visible.volume.id, caller.subject, LIST_ACTION]);
  if (!always && !deps.sampler.firstInWindow(key, deps.clock.now())) return;
  const sampled = always ? {} : { sampled: true, windowSeconds: deps.sampler.windowSeconds };
  await record(deps, caller, visible.volume.id, LIST_ACTION, outcome, { ...detail, ...sampled });
}

/**
 * One page of the volume's objects and common prefixes. Errors: `VolumeNotFound` 404, `VolumeNotActive` 409,
 * `MfaRequired` 403, `InvalidKey` 400 (prefix), `ValidationFailed` 400 (limit, delimiter, nextToken),
 * `InvalidNextToken` 400, `S3Refused` 403, `RoleRefused` 403, `SessionPolicyTooLarge` 400, `StsUnavailable` and
 * `S3Unavailable` 503.
 */
export async function listObjects(deps: ListingDeps, caller: Caller, volumeId: string, input: ListObjectsInput): Promise<ObjectListing> {
  const { limit, delimiter, nextToken } = checkInput(input);
  // 404 for non-members, before anything is audited or listed.
  const visible = await loadVisible(hotReads(deps), volumeId, caller.subject);
  const { volume } = visible;
  const detail: Record<string, unknown> = {
    prefix: auditedKey(input.prefix ?? ''),
    ...(delimiter === undefined ? {} : { delimiter }),
    limit,
    ...(nextToken === undefined ? {} : { nextPage: true }),
  };
  try {
    requireDataAccess(caller, visible, 'read');
    const prefix = listingPrefix(volume, input.prefix);
    const listing: Listing = { volumeId: volume.id, prefix, ...(delimiter === undefined ? {} : { delimiter }) };
    const after = nextToken === undefined ? undefined : decodeListingToken(nextToken, listing, volume);
    const { credentials } = await dataCredentials(deps, caller, visible, 'read', LIST_SECONDS);
    const root = rootOf(volume);
    let page: ListedPage;
    try {
      page = await deps.lister.listPage(
        credentials,
        {
          bucket: volume.bucket,
          region: volume.region,
          prefix: root + prefix,
          maxKeys: limit,
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(after === undefined ? {} : { startAfter: root + after }),
        },
        caller.signal,
      );
    } catch (error) {
      throw error instanceof S3AccessDenied ? s3Refusal(error, volume) : error;
    }
    const answer = view(page, root, listing);
    await audit(deps, caller, visible, 'succeeded', { ...detail, objects: answer.objects.length, prefixes: answer.prefixes.length });
    return answer;
  } catch (error) {
    if (error instanceof AppError)
      await audit(deps, caller, visible, error.status === 403 || error.status === 409 ? 'denied' : 'failed', {
        ...detail,
        reason: error.code,
      });
    throw error;
  }
}
