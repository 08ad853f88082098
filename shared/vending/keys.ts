/**
 * Object keys as callers of the API name them: relative to the volume's root. `objectKey` turns one into the
 * full S3 key (the root in front) and refuses, as JSON 400 `InvalidKey` naming the field `key`, what the one key
 * rule of `../volumes/object-keys` refuses (the proxy applies the same rule): an empty key, text that is not
 * valid Unicode, `.` or `..` segments, and keys over S3's 1,024 bytes once the root is in front. Everything else
 * is kept exactly as given (a leading `/`, `//`, a trailing `/`, spaces, `+`, `%`, unicode, control characters),
 * so an object written through the proxy or by other tools can be presigned, downloaded and uploaded here too.
 */
import { ValidationFailed } from '../errors';
import type { Volume } from '../volumes/model';
import { KEY_RULE, keyRefusal, MAX_KEY_BYTES, keyProblem as problemOf, rootOf } from '../volumes/object-keys';

export { MAX_KEY_BYTES };

/** The stable code of every refused key on the API. */
export const INVALID_KEY = 'InvalidKey';

/** What is wrong with `key` on its own (the root not yet known), or `undefined`: the request schemas' check. */
export const keyProblem = (key: string): string | undefined => problemOf(key)?.message;

/** The full S3 key of `key` in the volume; `InvalidKey` (400, field `key`) when the key rule refuses it. */
export function objectKey(volume: Pick<Volume, 'prefix'>, key: string): string {
  if (typeof key !== 'string') throw new ValidationFailed(`key: must be a string. ${KEY_RULE}`, 'key', INVALID_KEY);
  const refusal = keyRefusal(volume, key);
  if (refusal) throw new ValidationFailed(`key: ${refusal.message}`, 'key', INVALID_KEY);
  return rootOf(volume) + key;
}
