/**
 * `nextToken`: DynamoDB's LastEvaluatedKey, base64url-encoded with the kind of listing it belongs to.
 * Opaque to callers, and checked on the way back in: a token must have exactly the key attributes the
 * listing uses, and point into the partition (volume, subject) it is presented for, so a token from
 * one listing cannot be replayed against another or steer a query anywhere else.
 */
import { ValidationFailed } from '../../errors';

export type PageKey = Record<string, string>;
export type TokenKind = 'subject-volumes' | 'volume-members' | 'volume-audit' | 'owner-access-keys' | 'volume-links' | 'volume-objects';

const MAX_TOKEN_LENGTH = 4096;
const MAX_KEY_VALUE_LENGTH = 2048;

export function invalidNextToken(): ValidationFailed {
  return new ValidationFailed(
    'nextToken is not a token this API gave you for this listing; start again without it.',
    'nextToken',
    'InvalidNextToken',
  );
}

export function encodePageToken(kind: TokenKind, key: PageKey): string {
  return Buffer.from(JSON.stringify({ kind, key }), 'utf8').toString('base64url');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function sameNames(object: Record<string, unknown>, names: readonly string[]): boolean {
  const keys = Object.keys(object).sort();
  const wanted = [...names].sort();
  return keys.length === wanted.length && keys.every((key, i) => key === wanted[i]);
}

/**
 * Decodes a token for `kind`, whose key must consist of exactly `keyNames` (all strings) and pass
 * `belongs` (the partition check). Anything else is {@link invalidNextToken}.
 */
export function decodePageToken<K extends string>(
  token: string,
  kind: TokenKind,
  keyNames: readonly K[],
  belongs: (key: Record<K, string>) => boolean,
): Record<K, string> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalidNextToken();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidNextToken();
  }
  if (!isPlainObject(decoded) || !sameNames(decoded, ['kind', 'key']) || decoded.kind !== kind) throw invalidNextToken();
  const key = decoded.key;
  if (!isPlainObject(key) || !sameNames(key, keyNames)) throw invalidNextToken();
  const values = Object.values(key);
  if (!values.every((value) => typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_VALUE_LENGTH))
    throw invalidNextToken();
  const typed = key as Record<K, string>;
  if (!belongs(typed)) throw invalidNextToken();
  return typed;
}

/** Only the named attributes of an item or a LastEvaluatedKey, as strings. */
export function pickKey(item: Record<string, unknown>, keyNames: readonly string[]): PageKey {
  return Object.fromEntries(keyNames.map((name) => [name, String(item[name])]));
}

/**
 * One page from a query run with `Limit: limit + 1`: at most `limit` items, and the key to resume after
 * the last one when more remain. The extra item means the last page carries no token (a plain
 * `Limit: limit` would hand out a token that leads to an empty page). A query cut short for another
 * reason (1 MB, or a filter) resumes from DynamoDB's own LastEvaluatedKey.
 */
export function pageFromQuery<T extends Record<string, unknown>>(
  items: T[],
  limit: number,
  lastEvaluatedKey: Record<string, unknown> | undefined,
  keyNames: readonly string[],
): { items: T[]; nextKey?: PageKey } {
  if (items.length > limit) {
    const page = items.slice(0, limit);
    return { items: page, nextKey: pickKey(page[page.length - 1]!, keyNames) };
  }
  return lastEvaluatedKey ? { items, nextKey: pickKey(lastEvaluatedKey, keyNames) } : { items };
}

/** A page size the adapters accept: a whole number, at least 1. The domain sets the upper bound. */
export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new ValidationFailed('limit must be a whole number, at least 1.', 'limit', 'InvalidLimit');
  return limit;
}
