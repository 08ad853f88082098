/**
 * Link tokens and ids. A token is 32 random bytes in base64url (43 characters, 256 bits): unguessable, and safe
 * in a URL path. Only its SHA-256 is stored; a token is looked up by hashing it. Ids are `lnk-` + 10 characters of
 * the creation time (ms) + 16 random ones, all in Crockford's base32 (lower case), so ids sort by age.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LinkIds } from './ports';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const LINK_ID_PATTERN = /^lnk-[0-9a-hjkmnp-tv-z]{26}$/;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN_PATTERN.test(value);
export const isLinkId = (value: unknown): value is string => typeof value === 'string' && LINK_ID_PATTERN.test(value);

function timePart(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

const randomPart = (chars: number) => Array.from(randomBytes(chars), (byte) => ALPHABET[byte & 31]).join('');

export const randomLinkIds: LinkIds = {
  linkId: (now) => `lnk-${timePart(now.getTime())}${randomPart(16)}`,
  token: () => randomBytes(32).toString('base64url'),
};
