/**
 * Idempotent creation (`Idempotency-Key` on `POST /volumes`), as in the IETF draft "The Idempotency-Key HTTP
 * Header Field" and Powertools' idempotency utility:
 *
 * - The key is scoped to the caller's subject: two callers' keys never meet.
 * - The record stores a fingerprint (SHA-256) of the request as validated and normalised, and the volume it
 *   created. It is written in the same transaction as the volume, its name claim, its owner's membership and
 *   its audit event, so it exists exactly when the volume was created: there is no "in progress" state to wait
 *   for or to clean up after a crash.
 * - The same key with the same request answers the volume it created (as it is now), marked as a replay; the
 *   same key with another request is `IdempotencyKeyReused` (422).
 * - Records live {@link IDEMPOTENCY_TTL_SECONDS} (a day); the table's TTL sweeps them, and one past its expiry
 *   counts as absent even before the sweep.
 */
import { createHash } from 'node:crypto';
import { AppError, ValidationFailed } from '../errors';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** The header, as the route reads it (lower case). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that repeats an earlier creation instead of making a new one. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export interface IdempotencyRecord {
  subject: string;
  key: string;
  /** {@link fingerprint} of the request that created the volume. */
  fingerprint: string;
  volumeId: string;
  createdAt: string;
  /** ISO 8601; the record counts as absent from then on. */
  expiresAt: string;
}

/** 422: the key was used before with a different request (IETF draft: Unprocessable Content). */
export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(
      422,
      'IdempotencyKeyReused',
      'This Idempotency-Key was used for a different request in the last 24 hours; send the same request to get its answer again, or ' +
        'use a new key for a new volume.',
      'InvalidRequest',
    );
  }
}

/**
 * The header's value, or undefined when absent. 1 to 255 visible ASCII characters (a UUID is a good key);
 * anything else is `InvalidIdempotencyKey` (400), so a key is never silently trimmed or mangled.
 */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ValidationFailed(
      `Idempotency-Key: must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters (a UUID is a good choice).`,
      'Idempotency-Key',
      'InvalidIdempotencyKey',
    );
  }
  return value;
}

/** JSON with object keys sorted at every level, so equal requests serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) of the request's canonical JSON. */
export function fingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function idempotencyRecord(subject: string, key: string, request: unknown, volumeId: string, now: Date): IdempotencyRecord {
  return {
    subject,
    key,
    fingerprint: fingerprint(request),
    volumeId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_SECONDS * 1000).toISOString(),
  };
}

/** True while the record answers for its key. */
export const isLive = (record: IdempotencyRecord, now: Date): boolean => Date.parse(record.expiresAt) > now.getTime();

/** What a stored record means for a request: replay the volume it created, or refuse the reused key. */
export function replayOf(record: IdempotencyRecord, request: unknown): { volumeId: string } {
  if (record.fingerprint !== fingerprint(request)) throw new IdempotencyKeyReused();
  return { volumeId: record.volumeId };
}
