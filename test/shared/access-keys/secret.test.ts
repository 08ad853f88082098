import { describe, expect, it } from 'vitest';
import { accessKeysDisabled, deriveSecret, requireMasterKey, SECRET_LENGTH, secretsEqual } from '../../../shared/access-keys/secret';
import { DependencyUnavailable } from '../../../shared/errors';
import { MASTER } from './fakes';

const ID = 'VGAKEXAMPLE234567ABC';
const SALT = 'c2FsdC1mb3ItdGVzdHM';

describe('secret derivation', () => {
  it('is HMAC-SHA256(master, id ":" salt), first 30 bytes in base64 (vector computed with openssl)', () => {
    // printf '%s' 'VGAKEXAMPLE234567ABC:c2FsdC1mb3ItdGVzdHM' | openssl dgst -sha256 -hmac "$MASTER" -binary | head -c 30 | base64
    expect(deriveSecret(MASTER, ID, SALT)).toBe('vdBgNZfp484UF/rgOQc5ZbPU9Wko9vMR8UAqAhoc');
  });

  it('is deterministic for one master key, id and salt', () => {
    expect(deriveSecret(MASTER, ID, SALT)).toBe(deriveSecret(MASTER, ID, SALT));
  });

  it('differs for another master key, another salt or another id', () => {
    const secret = deriveSecret(MASTER, ID, SALT);
    expect(deriveSecret(`${MASTER}!`, ID, SALT)).not.toBe(secret);
    expect(deriveSecret(MASTER, ID, `${SALT}x`)).not.toBe(secret);
    expect(deriveSecret(MASTER, 'VGAKEXAMPLE234567ABD', SALT)).not.toBe(secret);
  });

  it('refuses ids not of our shape, so "id:salt" can be read one way only', () => {
    expect(() => deriveSecret(MASTER, 'VGAKEXAMPLE234567AB:', 'C')).toThrow(TypeError);
    expect(() => deriveSecret(MASTER, 'AKIAIOSFODNN7EXAMPLE', SALT)).toThrow(TypeError);
  });

  it('looks like an AWS secret key: 40 characters of base64', () => {
    for (let i = 0; i < 50; i++) {
      const secret = deriveSecret(MASTER, ID, `salt-${i}`);
      expect(secret).toHaveLength(SECRET_LENGTH);
      expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
    }
  });

  it('refuses an empty master key, id or salt rather than derive a weak secret', () => {
    expect(() => deriveSecret('', ID, SALT)).toThrow(TypeError);
    expect(() => deriveSecret(MASTER, '', SALT)).toThrow(TypeError);
    expect(() => deriveSecret(MASTER, ID, '')).toThrow(TypeError);
  });
});

describe('secretsEqual', () => {
  it('is true only for equal secrets, whatever the lengths', () => {
    const secret = deriveSecret(MASTER, ID, SALT);
    expect(secretsEqual(secret, `${secret}`)).toBe(true);
    expect(secretsEqual(secret, secret.slice(0, 39))).toBe(false);
    expect(secretsEqual(secret, `${secret}x`)).toBe(false);
    expect(secretsEqual(secret, '')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
  });
});

describe('a deployment without a master key', () => {
  it('answers AccessKeysDisabled (503) naming ACCESS_KEY_MAC_KEY_ID', () => {
    const error = accessKeysDisabled();
    expect(error).toBeInstanceOf(DependencyUnavailable);
    expect(error).toMatchObject({ status: 503, code: 'AccessKeysDisabled', s3Code: 'ServiceUnavailable' });
    expect(error.message).toMatch(/^Gateway access keys are not enabled in this deployment: set ACCESS_KEY_MAC_KEY_ID/);
    expect(() => requireMasterKey(undefined)).toThrow(error.message);
    expect(requireMasterKey(MASTER)).toBe(MASTER);
  });
});
