/**
 * What listing a volume's objects needs beyond the vending ports: one ListObjectsV2 page with a member's vended
 * credentials. Keys and prefixes here are S3's full keys (the volume's root in front); the domain strips the root.
 * Adapter in `shared/adapters/s3-object-lister.ts`; domain code never imports `@aws-sdk/*`.
 */
import type { TemporaryCredentials } from '../volumes/ports';

export interface ListPageRequest {
  bucket: string;
  region: string;
  /** The full key prefix listed: the volume's root plus the caller's prefix. */
  prefix: string;
  /** Rolls keys up into common prefixes at this delimiter; none when absent. */
  delimiter?: string;
  /** Keys and common prefixes together, 1 to 1,000 (S3's `max-keys`). */
  maxKeys: number;
  /** A full key or common prefix: the listing resumes after it (a common prefix's whole group is skipped). */
  startAfter?: string;
}

export interface ListedObject {
  /** The full key. */
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
}

export interface ListedPage {
  objects: ListedObject[];
  /** Full common prefixes, each ending in the delimiter. */
  prefixes: string[];
  /** More keys or common prefixes follow the last ones of this page. */
  truncated: boolean;
}

/**
 * One page of a listing, in S3's order. S3's refusal (AccessDenied, NoSuchBucket, a wrong region, …) rejects
 * with `S3AccessDenied` and S3's code; S3 not answering with `DependencyUnavailable` (503 `S3Unavailable`).
 */
export interface ObjectLister {
  listPage(credentials: TemporaryCredentials, request: ListPageRequest, signal?: AbortSignal): Promise<ListedPage>;
}
