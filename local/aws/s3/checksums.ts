/**
 * S3's additional checksums: which ones a request carries (headers, or the aws-chunked trailer the
 * dispatcher hands over), computing them while a body streams, and the composite form of multipart objects.
 * Values are base64 of the big-endian digest, as S3 sends them.
 */

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { badDigest, invalidRequest } from './errors';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** `x-amz-checksum-crc32` and friends. */
export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;

/** `ChecksumCRC32` and friends, as S3's XML names them. */
export const checksumElement = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}`;

export function parseAlgorithm(value: string | undefined): ChecksumAlgorithm | undefined {
  if (value === undefined) return undefined;
  const upper = value.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

export interface Hasher {
  update(data: Buffer): void;
  digest(): Promise<Buffer>;
}

/**
 * A streaming digest, from the kept libraries directly (Node's crypto and zlib, `@aws-crypto/crc32c`,
 * `@aws-sdk/crc64-nvme`): never the proxy's code, so the local S3 checks the proxy independently.
 */
export function createHasher(algorithm: ChecksumAlgorithm | 'MD5'): Hasher {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0;
      return {
        update: (data) => {
          value = crc32(data, value);
        },
        digest: async () => uint32(value),
      };
    }
    case 'CRC32C': {
      const crc = new Crc32c();
      return { update: (data) => void crc.update(data), digest: async () => uint32(crc.digest()) };
    }
    case 'CRC64NVME': {
      const crc = new Crc64Nvme();
      return { update: (data) => crc.update(data), digest: async () => Buffer.from(await crc.digest()) };
    }
    default: {
      const hash = createHash(algorithm === 'MD5' ? 'md5' : algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => void hash.update(data), digest: async () => hash.digest() };
    }
  }
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** Whether `value` is base64 of a digest of the algorithm's size. */
export function isValidChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  return Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm];
}

/**
 * The one `x-amz-checksum-<algorithm>` header a request carries, validated. More than one, or a value that is
 * not a digest of the right size, is InvalidRequest, as S3 answers.
 */
export function checksumFromHeaders(headers: Record<string, string>): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = headers[checksumHeader(algorithm)];
    if (value === undefined) continue;
    if (found) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    if (!isValidChecksum(algorithm, value.trim())) throw invalidRequest(`Value for ${checksumHeader(algorithm)} header is invalid.`);
    found = { algorithm, value: value.trim() };
  }
  return found;
}

/** Checksums from the aws-chunked trailer (see `AwsRequest.checksums`), validated like the headers. */
export function checksumsFromTrailer(trailer: Record<string, string> | undefined): Checksums {
  const out: Checksums = {};
  if (!trailer) return out;
  const lower = Object.fromEntries(Object.entries(trailer).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = lower[checksumHeader(algorithm)];
    if (value === undefined) continue;
    if (!isValidChecksum(algorithm, value)) throw invalidRequest(`Value for ${checksumHeader(algorithm)} trailing header is invalid.`);
    out[algorithm] = value;
  }
  return out;
}

/**
 * The algorithms worth computing while a body streams: the one in a checksum header, the one the SDK says it
 * used (`x-amz-sdk-checksum-algorithm`), and the one a trailer will carry (`x-amz-trailer`).
 */
export function announcedAlgorithms(headers: Record<string, string>): Set<ChecksumAlgorithm> {
  const out = new Set<ChecksumAlgorithm>();
  for (const algorithm of CHECKSUM_ALGORITHMS) if (headers[checksumHeader(algorithm)] !== undefined) out.add(algorithm);
  const sdk = parseAlgorithm(headers['x-amz-sdk-checksum-algorithm']);
  if (sdk) out.add(sdk);
  for (const algorithm of trailerAlgorithms(headers)) out.add(algorithm);
  return out;
}

/** The checksum algorithms `x-amz-trailer` announces, in its order. */
function trailerAlgorithms(headers: Record<string, string>): ChecksumAlgorithm[] {
  return (headers['x-amz-trailer'] ?? '').split(',').flatMap(
    (name) =>
      parseAlgorithm(
        name
          .trim()
          .toLowerCase()
          .replace(/^x-amz-checksum-/, ''),
      ) ?? [],
  );
}

/**
 * Compares a claimed checksum with the computed one; a mismatch is BadDigest with S3's wording, which names the
 * algorithm in capitals for PutObject/UploadPart and in lower case for CompleteMultipartUpload (`spelled`).
 */
export function verifyChecksum(
  algorithm: ChecksumAlgorithm,
  claimed: string,
  computed: string | undefined,
  spelled: string = algorithm,
): void {
  if (computed === undefined || Buffer.from(claimed, 'base64').compare(Buffer.from(computed, 'base64')) !== 0) {
    throw badDigest(`The ${spelled} you specified did not match the calculated checksum.`);
  }
}

/**
 * The checksum S3 stores when a client sends none ("default data integrity protections", Dec 2024): CRC64NVME,
 * full object. API reference, PutObject `x-amz-checksum-crc64nvme`: "present if the object was uploaded with the
 * CRC64NVME checksum algorithm, or if it was uploaded without a checksum (and Amazon S3 added the default checksum)".
 */
export const DEFAULT_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

/** The algorithm whose value a request carries: its `x-amz-checksum-*` header, else the trailer it announces. */
export function sentAlgorithm(headers: Record<string, string>): ChecksumAlgorithm | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) if (headers[checksumHeader(algorithm)] !== undefined) return algorithm;
  return trailerAlgorithms(headers)[0];
}

/**
 * A part whose checksum is not the upload's algorithm (or has none, `null`), as S3 words it (InvalidRequest; the
 * S3 API reference lists "Checksum Type mismatch occurred, expected checksum Type: sha1, actual checksum Type:
 * crc32c."; OpenStack Swift's s3api tests pin the `null` form against AWS).
 */
export const checksumTypeMismatch = (expected: ChecksumAlgorithm, actual: ChecksumAlgorithm | undefined) =>
  invalidRequest(
    `Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: ` +
      `${actual?.toLowerCase() ?? 'null'}`,
  );

/** S3's composite checksum of a multipart object: the checksum of the parts' binary checksums, then `-N`. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): Promise<string> {
  const hasher = createHasher(algorithm);
  for (const value of partChecksums) hasher.update(Buffer.from(value, 'base64'));
  return `${(await hasher.digest()).toString('base64')}-${partChecksums.length}`;
}
