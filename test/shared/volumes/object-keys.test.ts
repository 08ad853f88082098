import { describe, expect, it } from 'vitest';
import { S3Refusal } from '../../../shared/proxy/errors';
import { realKey } from '../../../shared/proxy/keys';
import { objectKey } from '../../../shared/vending/keys';
import { keyRefusal } from '../../../shared/volumes/object-keys';
import { keyTable } from './key-table';

const S3_CODE = {
  'dot-segment': 'InvalidArgument',
  empty: 'InvalidArgument',
  'not-unicode': 'InvalidArgument',
  'too-long': 'KeyTooLongError',
} as const;

const outcome = (run: () => string): { key: string } | { error: unknown } => {
  try {
    return { key: run() };
  } catch (error) {
    return { error };
  }
};

describe.each([
  ['a volume with a prefix', 'runs/2025'],
  ['a whole-bucket volume', ''],
])('the one key rule, in %s', (_what, prefix) => {
  const volume = { prefix };
  const root = prefix === '' ? '' : `${prefix}/`;

  it.each(keyTable(root))('$what: $verdict by the rule, the proxy and the API alike', ({ key, verdict }) => {
    expect(keyRefusal(volume, key)?.reason ?? 'accepted').toBe(verdict);
    const proxy = outcome(() => realKey(volume, key));
    const api = outcome(() => objectKey(volume, key));
    if (verdict === 'accepted') {
      expect(proxy).toEqual({ key: root + key });
      expect(api).toEqual({ key: root + key });
      return;
    }
    expect((proxy as { error: S3Refusal }).error).toBeInstanceOf(S3Refusal);
    expect((proxy as { error: S3Refusal }).error).toMatchObject({ status: 400, s3Code: S3_CODE[verdict] });
    expect((api as { error: unknown }).error).toMatchObject({ status: 400, code: 'InvalidKey', details: { field: 'key' } });
  });

  it('says how many bytes the volume allows when a key is too long, on both paths', () => {
    const allowed = 1024 - Buffer.byteLength(root);
    expect(() => realKey(volume, 'k'.repeat(allowed + 1))).toThrow(
      expect.objectContaining({ extra: { MaxSizeAllowed: String(allowed), Size: String(allowed + 1) } }),
    );
    expect(() => objectKey(volume, 'k'.repeat(allowed + 1))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(new RegExp(`${allowed + 1} bytes long`)) }),
    );
  });
});
