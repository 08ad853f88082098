/**
 * Identifiers in AWS's shapes: access key ids (`AKIA…` long-term, `ASIA…` temporary; 20 characters), unique ids
 * (`AIDA…` users, `AROA…` roles; 21 characters), 40-character secret keys and opaque session tokens.
 * Randomness is injected so tests can fix it.
 */
import { randomBytes } from 'node:crypto';

export type RandomSource = (size: number) => Buffer;

export const defaultRandom: RandomSource = (size) => randomBytes(size);

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(random: RandomSource, length: number): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform.
  return [...random(length)].map((b) => BASE32[b & 31]).join('');
}

export type IdPrefix = 'AKIA' | 'ASIA' | 'AIDA' | 'AROA';

/** `AKIA…`/`ASIA…` access key ids are 20 characters; `AIDA…`/`AROA…` unique ids are 21. */
export function newId(prefix: IdPrefix, random: RandomSource): string {
  const length = prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17;
  return prefix + base32(random, length);
}

/** 40 characters of base64 (30 random bytes), like AWS secret access keys. */
export function newSecretAccessKey(random: RandomSource): string {
  return random(30).toString('base64');
}

/** An opaque session token; AWS's are several hundred base64 characters. */
export function newSessionToken(random: RandomSource): string {
  return `IQoJb3JpZ2luX2Vj${random(192).toString('base64')}`;
}
