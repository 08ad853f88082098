/**
 * Conditional requests with S3's precedence. Reads: a passing If-Match outranks a failing
 * If-Unmodified-Since (412 otherwise), and a failing If-None-Match outranks If-Modified-Since (304).
 * Copy sources: the same pairs under `x-amz-copy-source-if-*`, every failure a 412. Writes:
 * `If-None-Match: *` (only `*`) and `If-Match`, decided under the commit lock.
 */
import { AwsError } from '../types';
import { preconditionFailed } from './errors';
import type { ObjectRecord } from './storage/records';

const bare = (etag: string) =>
  etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

/** Whether two ETags name the same content (quotes and a weak prefix ignored). */
export const sameEtag = (a: string, b: string) => bare(a) === bare(b);

/** Whether an If-Match / If-None-Match list names the ETag (`*` names any). */
export function etagListMatches(list: string, etag: string): boolean {
  const want = bare(etag);
  return list.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === want);
}

function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

interface ConditionHeaders {
  ifMatch: string;
  ifNoneMatch: string;
  ifModifiedSince: string;
  ifUnmodifiedSince: string;
}

const READ: ConditionHeaders = {
  ifMatch: 'if-match',
  ifNoneMatch: 'if-none-match',
  ifModifiedSince: 'if-modified-since',
  ifUnmodifiedSince: 'if-unmodified-since',
};

const COPY_SOURCE: ConditionHeaders = {
  ifMatch: 'x-amz-copy-source-if-match',
  ifNoneMatch: 'x-amz-copy-source-if-none-match',
  ifModifiedSince: 'x-amz-copy-source-if-modified-since',
  ifUnmodifiedSince: 'x-amz-copy-source-if-unmodified-since',
};

const CONDITION_NAMES: Record<string, string> = {
  'if-match': 'If-Match',
  'if-none-match': 'If-None-Match',
  'if-modified-since': 'If-Modified-Since',
  'if-unmodified-since': 'If-Unmodified-Since',
};

/** 'precondition' (412), 'not-modified' (304) or undefined (go ahead). */
function evaluate(
  headers: Record<string, string>,
  names: ConditionHeaders,
  record: ObjectRecord,
): { failed: string; kind: 'precondition' | 'not-modified' } | undefined {
  const modified = Date.parse(record.lastModified);
  const ifMatch = headers[names.ifMatch];
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, record.etag)) return { failed: names.ifMatch, kind: 'precondition' };
  } else {
    const since = parseDate(headers[names.ifUnmodifiedSince]);
    if (since !== undefined && modified > since) return { failed: names.ifUnmodifiedSince, kind: 'precondition' };
  }
  const ifNoneMatch = headers[names.ifNoneMatch];
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, record.etag)) return { failed: names.ifNoneMatch, kind: 'not-modified' };
  } else {
    const since = parseDate(headers[names.ifModifiedSince]);
    if (since !== undefined && modified <= since) return { failed: names.ifModifiedSince, kind: 'not-modified' };
  }
  return undefined;
}

/** For GET/HEAD: throws 412 PreconditionFailed, returns true for 304 Not Modified, false to go ahead. */
export function notModified(headers: Record<string, string>, record: ObjectRecord): boolean {
  const outcome = evaluate(headers, READ, record);
  if (!outcome) return false;
  if (outcome.kind === 'precondition') throw preconditionFailed(CONDITION_NAMES[outcome.failed] ?? outcome.failed);
  return true;
}

/** For CopyObject / UploadPartCopy: any failing `x-amz-copy-source-if-*` is a 412. */
export function checkCopySourceConditions(headers: Record<string, string>, record: ObjectRecord): void {
  const outcome = evaluate(headers, COPY_SOURCE, record);
  if (outcome) throw preconditionFailed(outcome.failed);
}

/** Rejects what S3 rejects up front: `If-None-Match` on a write takes only `*`. */
export function validateWriteConditions(headers: Record<string, string>): void {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, {
      Header: 'If-None-Match',
    });
  }
}

/**
 * Conditional writes against the object currently at the key. `missing` gives the error for If-Match on an
 * absent key (NoSuchKey, or AccessDenied for a caller who may not learn that).
 */
export function checkWriteConditions(headers: Record<string, string>, current: ObjectRecord | undefined, missing: () => Error): void {
  validateWriteConditions(headers);
  if (headers['if-none-match'] !== undefined && current) throw preconditionFailed('If-None-Match');
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!current) throw missing();
    if (!etagListMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
  }
}
