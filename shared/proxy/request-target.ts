/**
 * What a request names: the volume (the "bucket" S3 clients see) and the key, from the raw path, and its query
 * parameters, decoded exactly once. SigV4 for S3 does not normalise paths, so neither do we: `a//b`, `%2F`,
 * `+` (a literal plus in a path) and unicode come through as the key the client signed.
 */
import { decodeComponent, percentDecode, splitQuery } from '../sigv4/encoding';
import { invalidUri } from './errors';
import { isIgnoredParam, type Operation } from './operations';

export interface Target {
  scope: Operation['scope'];
  /** Absent for the service (`GET /`). */
  volumeName?: string;
  /** Relative to the volume's root; absent for bucket-level requests. */
  key?: string;
}

// ignoreBOM: a leading U+FEFF is part of the name (TextDecoder would drop it, and "\uFEFFx" would become "x").
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Percent-decodes once into UTF-8 text; `InvalidURI` when the bytes are not UTF-8. */
export function decodeOnce(encoded: string): string {
  try {
    return utf8.decode(percentDecode(encoded));
  } catch {
    throw invalidUri();
  }
}

/** `/` → service, `/vol` or `/vol/` → bucket, `/vol/key…` → object (everything after the first `/` is the key). */
export function parseTarget(rawPath: string): Target {
  if (!rawPath.startsWith('/')) throw invalidUri();
  const path = rawPath.slice(1);
  if (path === '') return { scope: 'service' };
  const slash = path.indexOf('/');
  const volumeName = decodeOnce(slash < 0 ? path : path.slice(0, slash));
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  if (rest === '') return { scope: 'bucket', volumeName };
  return { scope: 'object', volumeName, key: decodeOnce(rest) };
}

/** The query as decoded pairs, in order, without the parameters no operation sees (signing, `x-id`). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of splitQuery(rawQuery)) {
    const decodedName = decodeComponent(name);
    if (isIgnoredParam(decodedName)) continue;
    pairs.push([decodedName, decodeComponent(value)]);
  }
  return pairs;
}

/** The value of the first parameter called `name`. */
export const param = (query: Array<[string, string]>, name: string): string | undefined => query.find(([n]) => n === name)?.[1];
