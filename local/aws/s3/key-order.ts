/**
 * S3 lists keys in UTF-8 binary order. JavaScript compares strings by UTF-16 code unit, which disagrees for
 * characters above U+FFFF against U+E000–U+FFFF; comparing by code point fixes that, and code point order
 * is UTF-8 byte order.
 */

/** Maps a UTF-16 code unit so that unit order becomes code point order (surrogates sort above U+FFFF's BMP peers). */
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Negative, zero or positive as `a` sorts before, with, or after `b` in UTF-8 byte order. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** First index in `items` (sorted by `keyOf` in key order) for which `before(item)` is false. */
export function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean, from = 0): number {
  let lo = from;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sorted set of keys: binary-search lookups, splice inserts (fine for a local endpoint's bucket sizes). */
export class SortedKeys {
  private constructor(private readonly keys: string[]) {}

  static empty(): SortedKeys {
    return new SortedKeys([]);
  }

  get size(): number {
    return this.keys.length;
  }

  get items(): readonly string[] {
    return this.keys;
  }

  /** Index of the first key `>= key`. */
  lowerBound(key: string): number {
    return partitionPoint(this.keys, (k) => compareKeys(k, key) < 0);
  }

  /** Index of the first key `> key`. */
  upperBound(key: string): number {
    return partitionPoint(this.keys, (k) => compareKeys(k, key) <= 0);
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Builds from an unsorted list in one sort (used when loading a bucket from disk). */
  static from(keys: Iterable<string>): SortedKeys {
    return new SortedKeys([...new Set(keys)].sort(compareKeys));
  }
}
