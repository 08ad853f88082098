/**
 * CreateMultipartUpload, UploadPart, UploadPartCopy and AbortMultipartUpload. Parts stream to temp files
 * and are committed into the upload's folder under its lock. When the upload declared a checksum
 * algorithm, every part must carry that algorithm's checksum (header or aws-chunked trailer) and it is
 * checked; a FULL_OBJECT upload alone lets S3 compute a missing one (OpenStack Swift's s3api suite, run
 * against AWS: "AWS appears to automatically add missing part checksums when using FULL_OBJECT").
 */
import { Readable } from 'node:stream';
import { AwsError, type AwsResponse } from '../../types';
import { receiveToFile } from '../body';
import {
  type ChecksumAlgorithm,
  type ChecksumType,
  checksumHeader,
  checksumTypeMismatch,
  DEFAULT_ALGORITHM,
  parseAlgorithm,
  sentAlgorithm,
} from '../checksums';
import { type ObjectContext, stamp } from '../context';
import { invalidArgument, invalidRequest, noSuchUpload } from '../errors';
import { prepareIntegrity, verifyIntegrity } from '../integrity';
import { expectedBodySize, MAX_SINGLE_UPLOAD, parsePartNumber, validateStorageClass } from '../limits';
import { storedHeadersFrom } from '../object-headers';
import { parseCopySourceRange } from '../range';
import { checksumOfFile } from '../request-body';
import { emptyResponse, isoDate, xmlResponse } from '../respond';
import type { UploadState } from '../storage/bucket-state';
import { removeFile } from '../storage/fs-util';
import type { PartRecord } from '../storage/records';
import { commitPart, createUpload, discardUpload, withUpload } from '../storage/uploads';
import { text, xmlDocument } from '../xml';
import { openCopySource } from './copy-source';
import { requireTaggingAllowed, tagsField, tagsFromHeader } from './object-tagging';
import { checksumValueXml } from './object-xml';

function checksumSettings(headers: Record<string, string>): { algorithm?: ChecksumAlgorithm; type?: ChecksumType } {
  const raw = headers['x-amz-checksum-algorithm'];
  const algorithm = parseAlgorithm(raw);
  if (raw !== undefined && !algorithm) {
    // AWS's wording, list included (pinned against AWS by OpenStack Swift's test/s3api/test_object_checksums.py).
    throw invalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, SHA1, SHA256]',
    );
  }
  const rawType = headers['x-amz-checksum-type']?.toUpperCase();
  if (rawType !== undefined && rawType !== 'COMPOSITE' && rawType !== 'FULL_OBJECT')
    throw invalidRequest('Value for x-amz-checksum-type header is invalid.');
  if (!algorithm) {
    if (rawType !== undefined)
      throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return {};
  }
  const type: ChecksumType = (rawType as ChecksumType | undefined) ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) {
    throw invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  }
  return { algorithm, type };
}

export async function createMultipartUpload(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket, key } = ctx;
  validateStorageClass(req.headers);
  const tags = tagsFromHeader(req.headers);
  requireTaggingAllowed(ctx, tags);
  const headers = storedHeadersFrom(req.headers);
  const { algorithm, type } = checksumSettings(req.headers);
  const uploadId = deps.randomId();
  await createUpload(bucket, {
    uploadId,
    key,
    initiated: stamp(deps).toISOString(),
    initiatorArn: caller.arn,
    initiatorId: caller.userId,
    ownerAccountId: bucket.record.ownerAccountId,
    headers,
    ...(algorithm ? { checksumAlgorithm: algorithm, checksumType: type } : {}),
    ...tagsField(tags),
  });
  const body = xmlDocument('InitiateMultipartUploadResult', text('Bucket', bucket.name), text('Key', key), text('UploadId', uploadId));
  return xmlResponse(body, algorithm ? { 'x-amz-checksum-algorithm': algorithm, 'x-amz-checksum-type': type! } : {});
}

/** The upload named by `uploadId`, checked before any byte is received (and again at commit). */
function knownUpload(ctx: ObjectContext): { uploadId: string; upload: UploadState } {
  const uploadId = ctx.req.query.get('uploadId') ?? '';
  const upload = ctx.bucket.uploads.get(uploadId);
  if (!upload || upload.record.key !== ctx.key) throw noSuchUpload(uploadId);
  return { uploadId, upload };
}

/**
 * Headers answering a part: its ETag and the checksum of the upload's algorithm, else the one the client sent,
 * else S3's default CRC64NVME (versity/versitygw#1547: an upload without an algorithm answers the part's crc64nvme).
 */
function partHeaders(part: PartRecord, upload: UploadState, sent: ChecksumAlgorithm | undefined): Record<string, string> {
  const algorithm = upload.record.checksumAlgorithm ?? sent ?? DEFAULT_ALGORITHM;
  const value = part.checksums[algorithm];
  return value ? { etag: part.etag, [checksumHeader(algorithm)]: value } : { etag: part.etag };
}

/**
 * A part of an upload that declared an algorithm carries that algorithm's checksum: another algorithm is refused
 * for either type, none at all for COMPOSITE (S3 computes it for FULL_OBJECT). Checked before any byte is read.
 */
function requirePartChecksum(upload: UploadState, headers: Record<string, string>): void {
  const { checksumAlgorithm: expected, checksumType: type } = upload.record;
  if (!expected) return;
  const sent = sentAlgorithm(headers);
  if (sent ? sent !== expected : type === 'COMPOSITE') throw checksumTypeMismatch(expected, sent);
}

export async function uploadPart(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, bucket, key } = ctx;
  const partNumber = parsePartNumber(req.query.get('partNumber') ?? '');
  const { uploadId, upload } = knownUpload(ctx);
  requirePartChecksum(upload, req.headers);
  const algorithms = prepareIntegrity(req, [upload.record.checksumAlgorithm ?? DEFAULT_ALGORITHM]);
  const expectedSize = expectedBodySize(req.headers, MAX_SINGLE_UPLOAD);
  const temp = deps.store.tempFile();
  const digests = await receiveToFile(req.body, temp, { algorithms, expectedSize, maxSize: MAX_SINGLE_UPLOAD });
  try {
    const sent = await verifyIntegrity(req, digests, (algorithm) => checksumOfFile(temp, algorithm));
    const checksums = { ...digests.checksums, ...(sent ? { [sent.algorithm]: sent.value } : {}) };
    const part = await commitPart(bucket, key, uploadId, temp, {
      partNumber: partNumber!,
      size: digests.size,
      etag: `"${digests.md5.toString('hex')}"`,
      lastModified: stamp(deps).toISOString(),
      checksums,
    });
    return emptyResponse(200, partHeaders(part, upload, sent?.algorithm));
  } finally {
    await removeFile(temp);
  }
}

export async function uploadPartCopy(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, bucket, key } = ctx;
  const partNumber = parsePartNumber(req.query.get('partNumber') ?? '');
  const { uploadId, upload } = knownUpload(ctx);
  const source = await openCopySource(ctx, 'UploadPartCopy');
  let streaming = false;
  try {
    const rangeHeader = req.headers['x-amz-copy-source-range'];
    let range = { start: 0, end: source.record.size - 1 };
    if (rangeHeader !== undefined) {
      const parsed = parseCopySourceRange(rangeHeader, source.record.size);
      if (parsed instanceof Error) throw invalidArgument(parsed.message, 'x-amz-copy-source-range', rangeHeader);
      range = parsed;
    }
    if (range.end - range.start + 1 > MAX_SINGLE_UPLOAD) {
      throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400);
    }
    const algorithm = upload.record.checksumAlgorithm;
    const temp = deps.store.tempFile();
    streaming = true;
    let stream: Readable;
    if (range.end >= range.start) stream = source.file.createReadStream({ start: range.start, end: range.end });
    else {
      await source.file.close(); // an empty source: nothing to read
      stream = Readable.from([]);
    }
    const digests = await receiveToFile(stream, temp, { algorithms: algorithm ? [algorithm] : [], maxSize: MAX_SINGLE_UPLOAD });
    try {
      const part = await commitPart(bucket, key, uploadId, temp, {
        partNumber: partNumber!,
        size: digests.size,
        etag: `"${digests.md5.toString('hex')}"`,
        lastModified: stamp(deps).toISOString(),
        checksums: digests.checksums,
      });
      const checksum = algorithm ? { algorithm, value: part.checksums[algorithm]!, type: 'FULL_OBJECT' as const } : undefined;
      const body = xmlDocument(
        'CopyPartResult',
        text('ETag', part.etag),
        text('LastModified', isoDate(part.lastModified)),
        checksumValueXml(checksum, false),
      );
      return xmlResponse(body);
    } finally {
      await removeFile(temp);
    }
  } finally {
    if (!streaming) await source.file.close();
  }
}

export async function abortMultipartUpload(ctx: ObjectContext): Promise<AwsResponse> {
  const uploadId = ctx.req.query.get('uploadId') ?? '';
  await withUpload(ctx.bucket, ctx.key, uploadId, (upload) => discardUpload(ctx.bucket, upload));
  return emptyResponse(204);
}
