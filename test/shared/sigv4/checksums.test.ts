import { describe, expect, it } from 'vitest';
import { type ChecksumAlgorithm, checksumAlgorithmOf, createChecksum } from '../../../shared/sigv4';

/** The catalogue check value of each CRC (the checksum of the ASCII digits "123456789"), and SHA test vectors. */
const CHECK_VALUES: Array<[ChecksumAlgorithm, string]> = [
  ['CRC32', 'cbf43926'],
  ['CRC32C', 'e3069283'],
  ['CRC64NVME', 'ae8b14860a799888'],
  ['SHA1', 'f7c3bc1d808e04732adf679965ccc34ca7ae3441'],
  ['SHA256', '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'],
];

async function digest(algorithm: ChecksumAlgorithm, pieces: Buffer[]): Promise<string> {
  const checksum = createChecksum(algorithm);
  for (const piece of pieces) checksum.update(piece);
  return checksum.digestBase64();
}

describe('checksums', () => {
  it.each(CHECK_VALUES)('%s of "123456789" is the catalogue check value', async (algorithm, hex) => {
    expect(await digest(algorithm, [Buffer.from('123456789')])).toBe(Buffer.from(hex, 'hex').toString('base64'));
  });

  it.each(CHECK_VALUES)('%s gives the same digest however the data is split', async (algorithm) => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    expect(await digest(algorithm, [data.subarray(0, 1), data.subarray(1, 333), data.subarray(333)])).toBe(await digest(algorithm, [data]));
  });

  it('CRC32C of the S3 documentation example payload (66560 × "a") is sOO8/Q==', async () => {
    expect(await digest('CRC32C', [Buffer.alloc(66560, 'a')])).toBe('sOO8/Q==');
  });

  it('maps x-amz-checksum-* header names to algorithms, case-insensitively, and nothing else', () => {
    expect(checksumAlgorithmOf('x-amz-checksum-crc32')).toBe('CRC32');
    expect(checksumAlgorithmOf('X-Amz-Checksum-CRC64NVME')).toBe('CRC64NVME');
    expect(checksumAlgorithmOf('x-amz-checksum-md5')).toBeUndefined();
    expect(checksumAlgorithmOf('content-md5')).toBeUndefined();
  });
});
