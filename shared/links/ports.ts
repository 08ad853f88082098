/**
 * What the links domain needs from the outside world. The DynamoDB adapter (`shared/adapters/dynamodb/link-store.ts`)
 * implements the store; unit tests use in-memory fakes.
 */
import type { Page } from '../volumes/model';
import type { PageRequest } from '../volumes/ports';
import type { LinkRecord } from './model';

export type CountOutcome = 'counted' | 'refused';

export interface LinkStore {
  /** Stores a new link; its token hash must be new (a collision of 256-bit tokens is a bug). */
  put(link: LinkRecord): Promise<void>;
  /** The link whose token has this hash, as stored (also expired or revoked: the caller decides); one read. */
  byTokenHash(tokenHash: string): Promise<LinkRecord | undefined>;
  /** A volume's link by id, or undefined. */
  byId(volumeId: string, linkId: string): Promise<LinkRecord | undefined>;
  /** A volume's links, newest first: every one, or only `createdBy`'s. */
  list(volumeId: string, createdBy: string | undefined, page: PageRequest): Promise<Page<LinkRecord>>;
  /** Marks the link revoked (kept, so its uses are answered `LinkRevoked` until it is swept); the record, or undefined if gone. */
  revoke(tokenHash: string, at: string, by: string): Promise<LinkRecord | undefined>;
  /**
   * Counts one download, atomically: `refused` when the link is revoked, gone, expired at `now`, or already has
   * `maxDownloads` downloads, so two last downloads racing cannot both be counted.
   */
  countDownload(tokenHash: string, now: Date): Promise<CountOutcome>;
}

/** Randomness for new links; tests fix it. */
export interface LinkIds {
  linkId(now: Date): string;
  /** A new token: at least 128 random bits, URL-safe. */
  token(): string;
}
