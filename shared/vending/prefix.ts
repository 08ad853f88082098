/**
 * A narrower prefix inside a volume, as `POST …/credentials` (`prefix`) and access keys' scopes
 * (`scopes[i].prefix`) name it: relative to the volume's root, ending in `/`, and otherwise a key by the one key
 * rule (`../volumes/object-keys`): not empty, valid Unicode, no `.` or `..` segments, at most 1,024 UTF-8 bytes
 * once the root is in front. `runs/42/` narrows a volume rooted at `data` to `data/runs/42/*`. A refused prefix
 * is 400 `ValidationFailed` naming the field.
 */
import { ValidationFailed } from '../errors';
import type { Volume } from '../volumes/model';
import { KEY_RULE, keyProblem, keyRefusal } from '../volumes/object-keys';

const PREFIX_INTRO = 'A prefix is relative to the volume\'s root and ends in "/" (e.g. `runs/42/`); otherwise it follows the key rule: ';

/** The rule in one sentence, for messages and the OpenAPI descriptions. */
export const PREFIX_RULE = `${PREFIX_INTRO}${KEY_RULE}`;

const endProblem = (prefix: string): string | undefined =>
  prefix.endsWith('/') ? undefined : `must end in "/" (got "${prefix.slice(0, 200)}"). ${PREFIX_RULE}`;

/** What is wrong with `prefix` on its own (the root not yet known), or undefined: the request schemas' check. */
export const prefixProblem = (prefix: string): string | undefined => keyProblem(prefix)?.message ?? endProblem(prefix);

/** `prefix` checked for the volume (its root counted in S3's limit); undefined when absent; else `ValidationFailed` naming `field`. */
export function checkPrefix(volume: Pick<Volume, 'prefix'> | undefined, prefix: unknown, field = 'prefix'): string | undefined {
  if (prefix === undefined) return undefined;
  if (typeof prefix !== 'string') throw new ValidationFailed(`${field}: must be a string. ${PREFIX_RULE}`, field);
  const problem = (volume ? keyRefusal(volume, prefix)?.message : keyProblem(prefix)?.message) ?? endProblem(prefix);
  if (problem) throw new ValidationFailed(`${field}: ${problem}`, field);
  return prefix;
}

/** Whether `key` (relative to the root) lies within `prefix` (relative too); any key when there is no prefix. */
export const withinPrefix = (prefix: string | undefined, key: string): boolean => prefix === undefined || key.startsWith(prefix);
