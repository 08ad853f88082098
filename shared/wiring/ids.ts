import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** Random identifiers: unguessable (crypto randomness), within the character sets AWS accepts. */
export const randomIds = {
  volumeId: () => `vol-${base32(randomBytes(20))}`,
  /** 160 bits; STS allows `[\w+=,.@:/-]`, 2 to 1,224 characters. */
  externalId: () => `vg-${randomBytes(20).toString('hex')}`,
  nonce: () => randomBytes(6).toString('hex'),
};

export const systemClock = { now: () => new Date() };
