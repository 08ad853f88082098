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

/**
 * Slicing-by-8 tables for a reflected CRC: table k (at `k * 256`) advances the CRC over a byte followed by k
 * zero bytes, so eight bytes are folded in with eight look-ups. 64-bit CRCs keep each entry as two halves.
 */
function sliceTables(reversedPolynomial: bigint, width: 32 | 64): { high: Uint32Array; low: Uint32Array } {
  const entries: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ reversedPolynomial : crc >> 1n;
    entries.push(crc);
  }
  for (let i = 256; i < 8 * 256; i++) {
    const previous = entries[i - 256]!;
    entries.push((previous >> 8n) ^ entries[Number(previous & 0xffn)]!);
  }
  return {
    high: Uint32Array.from(entries, (entry) => (width === 64 ? Number(entry >> 32n) : 0)),
    low: Uint32Array.from(entries, (entry) => Number(entry & 0xffffffffn)),
  };
}

let crc32cTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), the checksum `x-amz-checksum-crc32c` carries. */
function crc32cChecksum(): Checksum {
  const t = (crc32cTable ??= sliceTables(0x82f63b78n, 32).low);
  let crc = 0xffffffff;
  return {
    update(data) {
      let i = 0;
      for (const end = data.length - 7; i < end; i += 8) {
        const word = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
        crc =
          t[1792 + (word & 0xff)]! ^ t[1536 + ((word >>> 8) & 0xff)]! ^ t[1280 + ((word >>> 16) & 0xff)]! ^ t[1024 + (word >>> 24)]! ^
          t[768 + data[i + 4]!]! ^ t[512 + data[i + 5]!]! ^ t[256 + data[i + 6]!]! ^ t[data[i + 7]!]!;
      }
      for (; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    },
    digestBase64: () => uint32Base64(crc ^ 0xffffffff),
  };
}

let crc64Tables: { high: Uint32Array; low: Uint32Array } | undefined;

/** CRC-64/NVME (polynomial 0xad93d23594c93659), the checksum `x-amz-checksum-crc64nvme` carries. */
function crc64NvmeChecksum(): Checksum {
  const { high: th, low: tl } = (crc64Tables ??= sliceTables(0x9a6c9329ac4bc9b5n, 64));
  let high = 0xffffffff;
  let low = 0xffffffff;
  return {
    update(data) {
      let i = 0;
      for (const end = data.length - 7; i < end; i += 8) {
        const a = low ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
        const b = high ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
        const k = [1792 + (a & 0xff), 1536 + ((a >>> 8) & 0xff), 1280 + ((a >>> 16) & 0xff), 1024 + (a >>> 24), 768 + (b & 0xff), 512 + ((b >>> 8) & 0xff), 256 + ((b >>> 16) & 0xff), b >>> 24];
        low = tl[k[0]!]! ^ tl[k[1]!]! ^ tl[k[2]!]! ^ tl[k[3]!]! ^ tl[k[4]!]! ^ tl[k[5]!]! ^ tl[k[6]!]! ^ tl[k[7]!]!;
        high = th[k[0]!]! ^ th[k[1]!]! ^ th[k[2]!]! ^ th[k[3]!]! ^ th[k[4]!]! ^ th[k[5]!]! ^ th[k[6]!]! ^ th[k[7]!]!;
      }
      for (; i < data.length; i++) {
        const index = (low ^ data[i]!) & 0xff;
        low = (((low >>> 8) | (high << 24)) ^ tl[index]!) >>> 0;
        high = ((high >>> 8) ^ th[index]!) >>> 0;
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
