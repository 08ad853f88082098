/**
 * Keys as S3 clients of the proxy name them are relative to the volume's root; S3 knows them as
 * `prefix/key` in the volume's bucket. Requests are mapped in, answers mapped back out, so neither the
 * prefix nor the real bucket ever shows. A key becomes `root + key` and nothing else: whatever it contains
 * (`../`, `%2F`, the bucket's name) it stays a string under the root, since S3 keys are plain strings.
 * `.` and `..` segments are still refused, as the vending API refuses them: some tools between a client and
 * S3 resolve them as paths, and then the request would name another object than the one checked.
 */
import type { Volume } from '../volumes/model';
import { S3Refusal } from './errors';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

type Rooted = Pick<Volume, 'prefix'>;

/** What every real key of the volume starts with: `prefix/`, or nothing for a whole-bucket volume. */
export const rootOf = (volume: Rooted): string => (volume.prefix === '' ? '' : `${volume.prefix}/`);

/** The real key of a client's key; refuses what cannot be one. */
export function realKey(volume: Rooted, key: string): string {
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new S3Refusal(400, 'InvalidArgument', `Keys with "." or ".." segments are not accepted by the proxy (got "${key.slice(0, 200)}").`, { ArgumentName: 'key' });
  }
  const real = rootOf(volume) + key;
  const bytes = Buffer.byteLength(real, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    const allowed = MAX_KEY_BYTES - Buffer.byteLength(rootOf(volume), 'utf8');
    throw new S3Refusal(400, 'KeyTooLongError', `Your key is too long: keys in this volume are at most ${allowed} bytes (S3 allows ${MAX_KEY_BYTES} with the volume's root in front).`, {
      MaxSizeAllowed: String(allowed),
      Size: String(bytes - (MAX_KEY_BYTES - allowed)),
    });
  }
  return real;
}

/** A listing parameter (`prefix`, `start-after`, `marker`, `key-marker`) as S3 must see it. */
export const realPrefix = (volume: Rooted, value: string | undefined): string => rootOf(volume) + (value ?? '');

/** The client's key for a real key; undefined when the real key is not under the root (never for S3's answers). */
export function clientKey(volume: Rooted, real: string): string | undefined {
  const root = rootOf(volume);
  return real.startsWith(root) ? real.slice(root.length) : undefined;
}

/**
 * The same for a key S3 wrote URL-encoded (`encoding-type=url`): the encoded units that spell the root are
 * removed and the rest is kept exactly as S3 encoded it, whichever style that is (`+` or `%20` for a space).
 */
export function clientKeyEncoded(volume: Rooted, encoded: string): string | undefined {
  const want = Buffer.from(rootOf(volume), 'utf8');
  let i = 0;
  let matched = 0;
  while (matched < want.length) {
    if (i >= encoded.length) return undefined;
    let bytes: Buffer;
    let width: number;
    if (encoded[i] === '%' && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes = Buffer.from([parseInt(encoded.slice(i + 1, i + 3), 16)]);
      width = 3;
    } else if (encoded[i] === '+') {
      bytes = Buffer.from(' ');
      width = 1;
    } else {
      const char = String.fromCodePoint(encoded.codePointAt(i)!);
      bytes = Buffer.from(char, 'utf8');
      width = char.length;
    }
    for (const byte of bytes) {
      if (matched >= want.length || want[matched] !== byte) return undefined;
      matched++;
    }
    i += width;
  }
  return encoded.slice(i);
}
