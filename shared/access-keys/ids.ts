/**
 * The shape of access key ids, and random ones. Ids look like AWS's (20 characters, uppercase letters and
 * digits) so every S3 client accepts them, with a prefix of our own (`VGAK`, "volume gateway access key")
 * that tells them apart from AWS's `AKIA`/`ASIA` at a glance and lets the proxy route a request without a
 * lookup. The 16 random characters carry 80 bits: ids are not secret, but are not guessable either.
 */
import { randomBytes } from 'node:crypto';
import type { AccessKeyIds } from './ports';

export const ACCESS_KEY_ID_PREFIX = 'VGAK';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: 10 bytes are exactly 16 characters, 5 bits each. */
function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ID_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return bits > 0 ? out + ID_ALPHABET[(value << (5 - bits)) & 31] : out;
}

export const ACCESS_KEY_ID_PATTERN = /^VGAK[A-Z2-7]{16}$/;

export const isAccessKeyId = (value: unknown): value is string => typeof value === 'string' && ACCESS_KEY_ID_PATTERN.test(value);

/** Crypto randomness: ids of 80 random bits, salts of 128. */
export const randomAccessKeyIds: AccessKeyIds = {
  accessKeyId: () => ACCESS_KEY_ID_PREFIX + base32(randomBytes(10)),
  salt: () => randomBytes(16).toString('base64url'),
};
