/**
 * GetObject and HeadObject: conditionals (304/412), one byte range or one part (206), the `response-*`
 * overrides, stored checksums on `x-amz-checksum-mode: ENABLED` (for the whole object, a range covering it,
 * or one part of a COMPOSITE object, as OpenStack Swift's s3api suite pins S3's answers). HEAD answers the
 * real Content-Length and no body. Content streams from disk through a file handle opened before any header is decided.
 */
import type { FileHandle } from 'node:fs/promises';
import { AwsError, type AwsResponse } from '../../types';
import { missingKey } from '../access';
import { checksumHeader } from '../checksums';
import { notModified } from '../conditions';
import type { ObjectContext } from '../context';
import { invalidRequest } from '../errors';
import { parsePartNumber } from '../limits';
import { checksumResponseHeaders, objectResponseHeaders } from '../object-headers';
import { type ByteRange, parseRange } from '../range';
import { emptyResponse, httpDate } from '../respond';
import type { ObjectRecord } from '../storage/records';

export const getObject = (ctx: ObjectContext) => read(ctx, true);
export const headObject = (ctx: ObjectContext) => read(ctx, false);

/** The byte range of part `n` (1-based); objects not assembled from parts are one part. */
function partRange(record: ObjectRecord, partNumber: number): ByteRange {
  const sizes = record.partSizes ?? [record.size];
  if (partNumber > sizes.length) {
    throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
      PartNumberRequested: String(partNumber),
      ActualPartCount: String(sizes.length),
    });
  }
  let start = 0;
  for (let i = 0; i < partNumber - 1; i++) start += sizes[i]!;
  return { start, end: start + sizes[partNumber - 1]! - 1 };
}

/**
 * The checksum answering checksum mode: the object's when the bytes are the whole object; a part's own checksum
 * for one part of a COMPOSITE object; none for a smaller range, which a client could not validate against it.
 */
function checksumHeadersFor(record: ObjectRecord, range: ByteRange | undefined, partNumber: number | undefined): Record<string, string> {
  const checksum = record.checksum;
  if (partNumber !== undefined && checksum?.type === 'COMPOSITE' && record.partChecksums) {
    const value = record.partChecksums[partNumber - 1];
    return value ? { [checksumHeader(checksum.algorithm)]: value, 'x-amz-checksum-type': 'COMPOSITE' } : {};
  }
  const whole = !range || (range.start === 0 && range.end === record.size - 1);
  return whole ? checksumResponseHeaders(checksum) : {};
}

async function read(ctx: ObjectContext, withBody: boolean): Promise<AwsResponse> {
  const { deps, req, caller, bucket, key } = ctx;
  const partNumber = parsePartNumber(req.query.get('partNumber'));
  if (partNumber !== undefined && req.headers.range !== undefined) {
    throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
  }
  const mode = req.headers['x-amz-checksum-mode'];
  if (mode !== undefined && mode.toUpperCase() !== 'ENABLED') throw invalidRequest('Value for x-amz-checksum-mode header is invalid.');
  let record: ObjectRecord | undefined;
  let file: FileHandle | undefined;
  if (withBody) {
    const opened = await bucket.openObject(key);
    record = opened?.record;
    file = opened?.file;
  } else {
    record = bucket.objects.get(key);
  }
  if (!record) throw missingKey(deps, caller, bucket, key);
  try {
    if (notModified(req.headers, record)) {
      await file?.close();
      return emptyResponse(304, { etag: record.etag, 'last-modified': httpDate(record.lastModified) });
    }
    const headers = objectResponseHeaders(record, req.query);
    // GetObject tells how many tags the object has (HeadObject does not, as on S3).
    if (withBody && record.tags) headers['x-amz-tagging-count'] = String(record.tags.length);
    let range: ByteRange | undefined;
    if (partNumber !== undefined) {
      range = partRange(record, partNumber);
      if (record.partSizes) headers['x-amz-mp-parts-count'] = String(record.partSizes.length);
    } else {
      range = parseRange(req.headers.range, record.size);
    }
    const length = range ? range.end - range.start + 1 : record.size;
    headers['content-length'] = String(length);
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${record.size}`;
    if (mode !== undefined) Object.assign(headers, checksumHeadersFor(record, range, partNumber));
    const status = range ? 206 : 200;
    if (!file) return { status, headers };
    if (length === 0) {
      await file.close();
      return { status, headers, body: Buffer.alloc(0) };
    }
    return { status, headers, body: file.createReadStream({ start: range?.start ?? 0, end: range?.end ?? record.size - 1 }) };
  } catch (error) {
    await file?.close();
    throw error;
  }
}
