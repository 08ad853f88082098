/**
 * The one rule for object keys, on every path that names an object of a volume: the S3 proxy (request paths,
 * copy sources, DeleteObjects), presigned URLs, download links, browser uploads (multipart included) and share
 * links. Keys are relative to the volume's root (`prefix/`, or nothing for a whole-bucket volume); the real key
 * is `root + key`, nothing else. Each path words its refusal its own way (the proxy as S3 XML, the API as JSON
 * 400 `InvalidKey`) but the verdict is this module's, so an object written on one path is reachable on all.
 *
 * A key is accepted when it is:
 * - not empty (S3's minimum; an empty key names the bucket, not an object);
 * - valid Unicode, i.e. encodable as UTF-8 (S3 keys are UTF-8; a lone surrogate is not);
 * - at most 1,024 UTF-8 bytes with the volume's root in front (S3's limit on the real key);
 * - free of `.` and `..` segments.
 * Everything else is kept byte for byte: a leading `/` (`/x` is `root//x`), `//`, a trailing `/`, spaces, `+`,
 * `%`, unicode, and control characters.
 *
 * Why: S3 accepts any UTF-8 string of 1 to 1,024 bytes, and a volume over an existing bucket holds whatever
 * other tools wrote there, `/x` and keys with control characters included. Refusing those would leave objects
 * the customer can see in S3 but never reach through the gateway, and S3 treats them as plain strings, so they
 * cannot leave the root. `.` and `..` segments are the one exception, kept for safety: browsers, curl, HTTP
 * libraries and proxies between a client and S3 resolve them as paths, so `a/../b` signed or checked as one key
 * would reach S3 as another (possibly outside the root). Objects with such segments written outside the gateway
 * stay unreachable through it; they are reachable with S3 itself.
 */
import type { Volume } from './model';

/** S3's limit on a key, in UTF-8 bytes, the volume's root included. */
export const MAX_KEY_BYTES = 1024;

/** The rule in one sentence, for error messages, the README and the OpenAPI descriptions. */
export const KEY_RULE =
  'A key is any text of 1 to 1,024 UTF-8 bytes once the volume\'s root is put in front, without "." or ".." segments; everything else ' +
  '(a leading "/", "//", a trailing "/", spaces, unicode, control characters) is kept as it is.';

type Rooted = Pick<Volume, 'prefix'>;

/** Why a key is refused; `too-long` also says how many bytes the volume allows and how long the key is. */
export type KeyRefusal =
  | { reason: 'empty' | 'not-unicode' | 'dot-segment'; message: string }
  | { reason: 'too-long'; message: string; bytes: number; allowedBytes: number };

/** What every real key of the volume starts with: `prefix/`, or nothing for a whole-bucket volume. */
export const rootOf = (volume: Rooted): string => (volume.prefix === '' ? '' : `${volume.prefix}/`);

const hasDotSegment = (key: string): boolean => key.split('/').some((segment) => segment === '.' || segment === '..');

/** What is wrong with `key` in a volume whose root is `root` (`''` when the root is not known yet), or undefined. */
function refusalUnder(root: string, key: string): KeyRefusal | undefined {
  if (key === '') return { reason: 'empty', message: `must not be empty. ${KEY_RULE}` };
  if (/\p{Cs}/u.test(key)) return { reason: 'not-unicode', message: `is not valid Unicode (it contains a lone surrogate). ${KEY_RULE}` };
  if (hasDotSegment(key))
    return { reason: 'dot-segment', message: `must not contain "." or ".." segments (got "${key.slice(0, 200)}"). ${KEY_RULE}` };
  const rootBytes = Buffer.byteLength(root, 'utf8');
  const bytes = Buffer.byteLength(key, 'utf8');
  const allowedBytes = MAX_KEY_BYTES - rootBytes;
  if (bytes > allowedBytes) {
    const where = root === '' ? '' : ` once the volume's root is put in front, so keys in this volume are at most ${allowedBytes} bytes`;
    return {
      reason: 'too-long',
      bytes,
      allowedBytes,
      message: `is ${bytes} bytes long; S3 keys are at most ${MAX_KEY_BYTES} bytes${where}. ${KEY_RULE}`,
    };
  }
  return undefined;
}

/** What is wrong with `key` on its own, before the volume is known (request validation), or undefined. */
export const keyProblem = (key: string): KeyRefusal | undefined => refusalUnder('', key);

/** What is wrong with `key` in `volume`, the root counted in S3's limit, or undefined. */
export const keyRefusal = (volume: Rooted, key: string): KeyRefusal | undefined => refusalUnder(rootOf(volume), key);
