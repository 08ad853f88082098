/**
 * The checksums S3 accepts in `x-amz-checksum-*` headers and trailers, computed incrementally and rendered as
 * S3 renders them: the big-endian digest, base64-encoded.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface Checksum {
  update(data: Uint8Array): void;
  /** The digest as S3 writes it in `x-amz-checksum-*`. Call once, after the last update. */
  digestBase64(): string;
}

const HEADER_PREFIX = 'x-amz-checksum-';

/** `x-amz-checksum-crc32` → `CRC32`; undefined for any other name. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.toLowerCase();
  if (!name.startsWith(HEADER_PREFIX)) return undefined;
  const algorithm = name.slice(HEADER_PREFIX.length).toUpperCase();
  return (['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const).find((known) => known === algorithm);
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32':
      return crc32Checksum();
    case 'CRC32C':
      return crc32cChecksum();
    case 'CRC64NVME':
      return crc64NvmeChecksum();
    case 'SHA1':
    case 'SHA256': {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => void hash.update(data), digestBase64: () => hash.digest('base64') };
    }
  }
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

function crc32Checksum(): Checksum {
  let value = 0;
  return { update: (data) => void (value = crc32(data, value)), digestBase64: () => uint32Base64(value) };
}

/** Reflected table for a CRC whose reversed polynomial fits in 32 bits. */
function crc32Table(reversedPolynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ reversedPolynomial : crc >>> 1;
    table[i] = crc >>> 0;
  }
  return table;
}

let crc32cTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), the checksum `x-amz-checksum-crc32c` carries. */
function crc32cChecksum(): Checksum {
  const table = (crc32cTable ??= crc32Table(0x82f63b78));
  let crc = 0xffffffff;
  return {
    update(data) {
      for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
    },
    digestBase64: () => uint32Base64(crc ^ 0xffffffff),
  };
}

let crc64Tables: { high: Uint32Array; low: Uint32Array } | undefined;

/** CRC-64/NVME tables, each 64-bit entry kept as two 32-bit halves so the per-byte loop stays in numbers. */
function crc64NvmeTables(): { high: Uint32Array; low: Uint32Array } {
  const polynomial = 0x9a6c9329ac4bc9b5n; // 0xad93d23594c93659 reversed
  const high = new Uint32Array(256);
  const low = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ polynomial : crc >> 1n;
    high[i] = Number(crc >> 32n);
    low[i] = Number(crc & 0xffffffffn);
  }
  return { high, low };
}

function crc64NvmeChecksum(): Checksum {
  const tables = (crc64Tables ??= crc64NvmeTables());
  let high = 0xffffffff;
  let low = 0xffffffff;
  return {
    update(data) {
      for (const byte of data) {
        const index = (low ^ byte) & 0xff;
        low = (((low >>> 8) | (high << 24)) ^ tables.low[index]!) >>> 0;
        high = ((high >>> 8) ^ tables.high[index]!) >>> 0;
      }
    },
    digestBase64() {
      const out = Buffer.alloc(8);
      out.writeUInt32BE((high ^ 0xffffffff) >>> 0, 0);
      out.writeUInt32BE((low ^ 0xffffffff) >>> 0, 4);
      return out.toString('base64');
    },
  };
}
