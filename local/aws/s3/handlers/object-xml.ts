/** XML fragments about objects shared by several responses. */
import { checksumElement } from '../checksums';
import type { StoredChecksum } from '../storage/records';
import { text } from '../xml';

/** `<ChecksumAlgorithm>` and `<ChecksumType>` of a listing entry. */
export function checksumAlgorithmXml(checksum: StoredChecksum | undefined): string {
  if (!checksum) return '';
  return text('ChecksumAlgorithm', checksum.algorithm) + text('ChecksumType', checksum.type);
}

/** `<ChecksumCRC32>…</ChecksumCRC32>` and friends (plus `<ChecksumType>` when asked). */
export function checksumValueXml(checksum: StoredChecksum | undefined, withType = true): string {
  if (!checksum) return '';
  return text(checksumElement(checksum.algorithm), checksum.value) + (withType ? text('ChecksumType', checksum.type) : '');
}
