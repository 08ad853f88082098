/** What the store persists, one JSON document each, beside the content files they describe. */
import type { ChecksumAlgorithm, Checksums, ChecksumType } from '../checksums';
import type { CorsRule } from '../cors-config';

/** The representation headers S3 stores with an object and returns on GET/HEAD. */
export interface StoredHeaders {
  contentType: string;
  contentEncoding?: string;
  contentDisposition?: string;
  cacheControl?: string;
  contentLanguage?: string;
  expires?: string;
  /** `x-amz-meta-*` without the prefix, names lower-case. */
  userMetadata: Record<string, string>;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64; a composite checksum ends in `-N`. */
  value: string;
  type: ChecksumType;
}

export interface BucketRecord {
  name: string;
  ownerAccountId: string;
  region: string;
  /** ISO-8601. */
  creationDate: string;
  cors?: CorsRule[];
}

export interface ObjectRecord {
  key: string;
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  /** ISO-8601, whole seconds (S3's resolution). */
  lastModified: string;
  /** File name of the content, beside this record. */
  dataFile: string;
  headers: StoredHeaders;
  checksum?: StoredChecksum;
  /** Part sizes, for objects assembled by CompleteMultipartUpload (GetObject `partNumber`). */
  partSizes?: number[];
  /** The parts' checksums of a COMPOSITE object, in order (GetObject `partNumber` with checksum mode). */
  partChecksums?: string[];
  /** The object's tag set, in the order it was given; absent when it has none. */
  tags?: StoredTag[];
}

export interface StoredTag {
  key: string;
  value: string;
}

export interface UploadRecord {
  uploadId: string;
  key: string;
  /** ISO-8601. */
  initiated: string;
  initiatorArn: string;
  initiatorId: string;
  ownerAccountId: string;
  headers: StoredHeaders;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** `x-amz-tagging` of CreateMultipartUpload: the tags the completed object gets. */
  tags?: StoredTag[];
}

export interface PartRecord {
  partNumber: number;
  size: number;
  /** Quoted hex MD5 of the part. */
  etag: string;
  lastModified: string;
  dataFile: string;
  checksums: Checksums;
}
