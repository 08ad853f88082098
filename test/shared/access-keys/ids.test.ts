import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID_PATTERN, isAccessKeyId, randomAccessKeyIds } from '../../../shared/access-keys/ids';

describe('access key ids', () => {
  it('are 20 characters of uppercase letters and digits, starting VGAK, and do not repeat', () => {
    const ids = Array.from({ length: 2000 }, () => randomAccessKeyIds.accessKeyId());
    for (const id of ids) {
      expect(id).toHaveLength(20);
      expect(id).toMatch(/^VGAK[A-Z0-9]{16}$/);
      expect(isAccessKeyId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are told apart from AWS ids, JWTs and lowercase look-alikes', () => {
    for (const other of [
      'AKIAIOSFODNN7EXAMPLE',
      'ASIAIOSFODNN7EXAMPLE',
      'eyJhbGciOi.eyJzdWIi.sig',
      'vgakabcdefghijklmnop',
      'VGAK',
      'VGAKAAAAAAAAAAAAAAAA1',
      'VGAKAAAAAAAAAAAAAAA1',
      42,
      undefined,
    ]) {
      expect(isAccessKeyId(other)).toBe(false);
    }
    expect(ACCESS_KEY_ID_PATTERN.test('VGAKAAAAAAAAAAAAAAA2')).toBe(true);
  });

  it('come with salts of 128 random bits, different every time', () => {
    const salts = Array.from({ length: 100 }, () => randomAccessKeyIds.salt());
    for (const salt of salts) expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(new Set(salts).size).toBe(100);
  });
});

describe('id randomness', () => {
  it('uses every character of the alphabet in every position over many ids', () => {
    const ids = Array.from({ length: 4000 }, () => randomAccessKeyIds.accessKeyId().slice(4));
    for (let position = 0; position < 16; position++) {
      expect({ position, seen: new Set(ids.map((id) => id[position])).size }).toEqual({ position, seen: 32 });
    }
  });
});
