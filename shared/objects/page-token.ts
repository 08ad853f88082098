/**
 * The `nextToken` of an object listing: where the next page resumes (the last key or common prefix of this page,
 * relative to the volume's root) and a digest of the listing it belongs to (the volume, the prefix, the delimiter),
 * in the same base64url envelope as every other listing's token (`adapters/dynamodb/page-token.ts`).
 *
 * Opaque to callers and checked on the way back in, so a token can steer the listing nowhere the caller could not
 * list anyway: it is refused (400 `InvalidNextToken`) unless it has exactly this shape, was given for this same
 * listing, and resumes inside the listed prefix at a key no longer than S3 allows. S3's own continuation token is never
 * handed out: S3 is asked to start after the checked key, and always with the volume's root in front of the prefix.
 * A token edited to resume elsewhere inside the same prefix only skips what the caller may list anyway.
 */
import { createHash } from 'node:crypto';
import { decodePageToken, encodePageToken, invalidNextToken } from '../adapters/dynamodb/page-token';
import type { Volume } from '../volumes/model';
import { MAX_KEY_BYTES, rootOf } from '../volumes/object-keys';

const KIND = 'volume-objects';
const FIELDS = ['listing', 'after'] as const;

/** What a token is bound to: one volume, one prefix, one delimiter. */
export interface Listing {
  volumeId: string;
  prefix: string;
  delimiter?: string;
}

const digestOf = (listing: Listing): string =>
  createHash('sha256')
    .update(JSON.stringify([listing.volumeId, listing.prefix, listing.delimiter ?? null]))
    .digest('base64url');

/** The token resuming `listing` after `after` (a key or common prefix relative to the root). */
export const encodeListingToken = (listing: Listing, after: string): string =>
  encodePageToken(KIND, { listing: digestOf(listing), after: Buffer.from(after, 'utf8').toString('base64url') });

/** Where the listing resumes (relative to the root); `InvalidNextToken` (400) for any token not given for this listing. */
export function decodeListingToken(token: string, listing: Listing, volume: Pick<Volume, 'prefix'>): string {
  const digest = digestOf(listing);
  const decoded = decodePageToken(token, KIND, FIELDS, (key) => key.listing === digest && /^[A-Za-z0-9_-]+$/.test(key.after));
  const after = Buffer.from(decoded.after, 'base64url').toString('utf8');
  // Bytes that were not UTF-8 decode to U+FFFD and encode back differently: not a token this API wrote.
  if (Buffer.from(after, 'utf8').toString('base64url') !== decoded.after) throw invalidNextToken();
  // Inside the listed prefix, and no longer than a key of the volume can be (S3 lists keys the key rule would refuse, such
  // as ones with `..` segments written by other tools, and a page may end on one: only where it is matters).
  const bytes = Buffer.byteLength(rootOf(volume) + after, 'utf8');
  if (after === '' || !after.startsWith(listing.prefix) || bytes > MAX_KEY_BYTES) throw invalidNextToken();
  return after;
}
