/**
 * `Content-Disposition: attachment` for a download's file name (RFC 6266). A plain ASCII name goes in
 * `filename="…"` alone; any other also gets `filename*=UTF-8''…` (RFC 8187 encoding), which every current browser
 * prefers, with an ASCII stand-in in `filename` for the rest (non-ASCII, `"`, `\` and `%` become `_`).
 */
const MAX_FILENAME_CHARS = 255;

/** What is wrong with `name` as a download's file name, or `undefined`. */
export function filenameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty.';
  if (Array.from(name).length > MAX_FILENAME_CHARS) return `must be at most ${MAX_FILENAME_CHARS} characters.`;
  if (/\p{Cc}/u.test(name)) return 'must not contain control characters.';
  if (/\p{Cs}/u.test(name)) return 'is not valid Unicode (it contains a lone surrogate).';
  return undefined;
}

/** RFC 8187 `attr-char`: what `filename*` may carry unencoded. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function extValue(name: string): string {
  let out = "UTF-8''";
  for (const char of name) {
    if (ATTR_CHAR.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const SAFE_QUOTED = /^[\x20-\x7e]*$/;

/** The header value for `name`, which must pass {@link filenameProblem}. */
export function attachmentDisposition(name: string): string {
  if (SAFE_QUOTED.test(name) && !/["\\%]/.test(name)) return `attachment; filename="${name}"`;
  const fallback = Array.from(name, (c) => (SAFE_QUOTED.test(c) && !/["\\%]/.test(c) ? c : '_')).join('');
  return `attachment; filename="${fallback}"; filename*=${extValue(name)}`;
}
