/**
 * One page of a listing over keys in S3 order, shared by ListObjects (V1 and V2) and ListMultipartUploads:
 * prefix filtering, delimiter roll-up into common prefixes, resumption, and `maxKeys` counting keys and
 * common prefixes together, as S3 does.
 */
import { compareKeys, partitionPoint } from './key-order';

export interface ListingOptions {
  prefix: string;
  /** Empty for none. */
  delimiter: string;
  /** Index of the first candidate item: at or after the prefix's first key, and past the resume point. */
  start: number;
  /**
   * The resume point (a marker, start-after, or the last key or common prefix of the previous page). A
   * common prefix that sorts at or before it was returned before, so its whole group is skipped.
   */
  marker: string | undefined;
  maxKeys: number;
}

export interface ListingPage<T> {
  contents: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on this page: where the next page resumes. */
  last: string | undefined;
}

export function listPage<T>(items: readonly T[], keyOf: (item: T) => string, options: ListingOptions): ListingPage<T> {
  const { prefix, delimiter, marker, maxKeys } = options;
  const page: ListingPage<T> = { contents: [], commonPrefixes: [], isTruncated: false, last: undefined };
  if (maxKeys <= 0) return page;
  let count = 0;
  let i = options.start;
  while (i < items.length) {
    const item = items[i]!;
    const key = keyOf(item);
    if (!key.startsWith(prefix)) break;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) {
      const common = key.slice(0, at + delimiter.length);
      const groupEnd = partitionPoint(
        items,
        (it) => {
          const k = keyOf(it);
          return compareKeys(k, common) < 0 || k.startsWith(common);
        },
        i,
      );
      if (marker === undefined || compareKeys(common, marker) > 0) {
        if (count === maxKeys) {
          page.isTruncated = true;
          break;
        }
        page.commonPrefixes.push(common);
        page.last = common;
        count++;
      }
      i = groupEnd;
      continue;
    }
    if (count === maxKeys) {
      page.isTruncated = true;
      break;
    }
    page.contents.push(item);
    page.last = key;
    count++;
    i++;
  }
  return page;
}
