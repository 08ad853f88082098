/**
 * Keys as S3 clients of the proxy name them are relative to the volume's root; S3 knows them as
 * `prefix/key` in the volume's bucket. Requests are mapped in, answers mapped back out, so neither the
 * prefix nor the real bucket ever shows. A key becomes `root + key` and nothing else: whatever it contains
 * (`%2F`, a leading `/`, the bucket's name) it stays a string under the root, since S3 keys are plain strings.
 * Which keys are accepted is the one rule of `../volumes/object-keys` (the API's presign, download and upload
 * routes apply the same): refused here as S3 would word it, `InvalidArgument` or `KeyTooLongError`.
 */

import type { Volume } from '../volumes/model';
import { keyRefusal, MAX_KEY_BYTES, rootOf } from '../volumes/object-keys';
import { S3Refusal } from './errors';

export { MAX_KEY_BYTES, rootOf };

type Rooted = Pick<Volume, 'prefix'>;

/** The real key of a client's key; refuses what the key rule refuses. */
export function realKey(volume: Rooted, key: string): string {
  const refusal = keyRefusal(volume, key);
  if (refusal?.reason === 'too-long') {
    throw new S3Refusal(
      400,
      'KeyTooLongError',
      `Your key is too long: keys in this volume are at most ${refusal.allowedBytes} bytes (S3 allows ${MAX_KEY_BYTES} with the ` +
        `volume's root in front).`,
      {
        MaxSizeAllowed: String(refusal.allowedBytes),
        Size: String(refusal.bytes),
      },
    );
  }
  if (refusal) throw new S3Refusal(400, 'InvalidArgument', `The key ${refusal.message}`, { ArgumentName: 'key' });
  return rootOf(volume) + key;
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
