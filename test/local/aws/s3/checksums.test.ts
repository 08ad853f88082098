import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compositeChecksum, createHasher } from '../../../../local/aws/s3/checksums';

const CHECK = Buffer.from('123456789');

describe('CRC implementations', () => {
  it('match the published check values of CRC-32C and CRC-64/NVME', async () => {
    const digest = async (algorithm: 'CRC32C' | 'CRC64NVME') => {
      const hasher = createHasher(algorithm);
      hasher.update(CHECK);
      return (await hasher.digest()).toString('hex');
    };
    expect(await digest('CRC32C')).toBe('e3069283');
    expect(await digest('CRC64NVME')).toBe('ae8b14860a799888');
  });

  it('give the same digest fed in pieces as in one go', async () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const whole = createHasher(algorithm);
      whole.update(data);
      const pieces = createHasher(algorithm);
      for (let i = 0; i < data.length; i += 777) pieces.update(data.subarray(i, i + 777));
      expect((await pieces.digest()).toString('hex'), algorithm).toBe((await whole.digest()).toString('hex'));
    }
  });

  it('checksum the empty input as zero for CRC-32C', async () => {
    expect((await createHasher('CRC32C').digest()).toString('hex')).toBe('00000000');
  });

  it('build composite checksums from the parts’ binary checksums with a -N suffix', async () => {
    const parts = ['AAAAAA==', '/////w=='];
    const hasher = createHasher('CRC32');
    hasher.update(Buffer.from('00000000ffffffff', 'hex'));
    expect(await compositeChecksum('CRC32', parts)).toBe(`${(await hasher.digest()).toString('base64')}-2`);
  });

  it('come from the kept libraries, never from the proxy’s checksum code, so the local S3 checks the proxy independently', () => {
    const dir = join(__dirname, '../../../../local/aws/s3');
    const sources = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const borrowing = sources.filter((f) =>
      /shared\/sigv4\/checksums|shared\/sigv4['/]|createChecksum/.test(readFileSync(join(dir, f), 'utf8')),
    );
    expect(sources.length).toBeGreaterThan(10);
    expect(borrowing).toEqual([]);
  });
});
