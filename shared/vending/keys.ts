/**
 * Object keys as callers name them: relative to the volume's root. `objectKey` turns one into the full S3 key
 * (the prefix and a `/` in front) and refuses what would leave the volume or cannot be a key.
 *
 * Refused: an empty key, a leading `/`, `.` or `..` segments (browsers and curl resolve them in URLs, so the
 * request would name another object than the one signed), control characters, text that is not valid Unicode,
 * and keys over S3's 1,024 bytes once prefixed. Everything else is kept exactly as given: spaces, `+`, `=`, `%`,
 * unicode, `//` and a trailing `/` are legal S3 keys and must round-trip.
 */
import { ValidationFailed } from '../errors';
import type { Volume } from '../volumes/model';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const RULES = 'A key names an object inside the volume, e.g. "reads/sample 1.fastq.gz": no leading "/", no "." or ".." segments, no control characters.';

/** What is wrong with `key` on its own (not yet prefixed), or `undefined`. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return `must not be empty. ${RULES}`;
  if (key.startsWith('/')) return `must not start with "/": keys are relative to the volume's root. ${RULES}`;
  if (/\p{Cc}/u.test(key)) return `must not contain control characters. ${RULES}`;
  if (/\p{Cs}/u.test(key)) return `is not valid Unicode (it contains a lone surrogate). ${RULES}`;
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return `must not contain "." or ".." segments. ${RULES}`;
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `is ${bytes} bytes long; S3 keys are at most ${MAX_KEY_BYTES}. ${RULES}`;
  return undefined;
}

/** The full S3 key of `key` in the volume; `InvalidKey` (400, field `key`) when it cannot be one. */
export function objectKey(volume: Pick<Volume, 'prefix'>, key: string): string {
  if (typeof key !== 'string') throw new ValidationFailed(`key: must be a string. ${RULES}`, 'key', 'InvalidKey');
  const problem = keyProblem(key);
  if (problem) throw new ValidationFailed(`key: ${problem}`, 'key', 'InvalidKey');
  const full = volume.prefix === '' ? key : `${volume.prefix}/${key}`;
  const bytes = Buffer.byteLength(full, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new ValidationFailed(
      `key: is ${bytes} bytes long once the volume's prefix is put in front; S3 keys are at most ${MAX_KEY_BYTES}, so this volume allows ${MAX_KEY_BYTES - Buffer.byteLength(volume.prefix, 'utf8') - 1}.`,
      'key',
      'InvalidKey',
    );
  }
  return full;
}
