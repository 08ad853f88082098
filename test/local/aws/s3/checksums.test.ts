import { describe, expect, it } from 'vitest';
import { compositeChecksum, createHasher } from '../../../../local/aws/s3/checksums';

const CHECK = Buffer.from('123456789');

describe('CRC implementations', () => {
  it('match the published check values of CRC-32C and CRC-64/NVME', () => {
    const digest = (algorithm: 'CRC32C' | 'CRC64NVME') => {
      const hasher = createHasher(algorithm);
      hasher.update(CHECK);
      return hasher.digest().toString('hex');
    };
    expect(digest('CRC32C')).toBe('e3069283');
    expect(digest('CRC64NVME')).toBe('ae8b14860a799888');
  });

  it('give the same digest fed in pieces as in one go', () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const whole = createHasher(algorithm);
      whole.update(data);
      const pieces = createHasher(algorithm);
      for (let i = 0; i < data.length; i += 777) pieces.update(data.subarray(i, i + 777));
      expect(pieces.digest().toString('hex'), algorithm).toBe(whole.digest().toString('hex'));
    }
  });

  it('checksum the empty input as zero for CRC-32C', () => {
    expect(createHasher('CRC32C').digest().toString('hex')).toBe('00000000');
  });

  it('build composite checksums from the parts’ binary checksums with a -N suffix', () => {
    const parts = ['AAAAAA==', '/////w=='];
    const hasher = createHasher('CRC32');
    hasher.update(Buffer.from('00000000ffffffff', 'hex'));
    expect(compositeChecksum('CRC32', parts)).toBe(`${hasher.digest().toString('base64')}-2`);
  });
});
