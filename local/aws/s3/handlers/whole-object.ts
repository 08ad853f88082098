/** The record of an object written in one piece (PutObject, CopyObject): what both store, built once. */
import type { Digests } from '../body';
import type { ChecksumAlgorithm } from '../checksums';
import { type ServiceDeps, stamp } from '../context';
import type { NewObject } from '../storage/bucket-state';
import type { StoredHeaders } from '../storage/records';

export function wholeObjectRecord(
  deps: ServiceDeps,
  digests: Digests,
  headers: StoredHeaders,
  checksum?: { algorithm: ChecksumAlgorithm; value: string },
): NewObject {
  return {
    size: digests.size,
    etag: `"${digests.md5.toString('hex')}"`,
    lastModified: stamp(deps).toISOString(),
    headers,
    ...(checksum ? { checksum: { ...checksum, type: 'FULL_OBJECT' as const } } : {}),
  };
}
