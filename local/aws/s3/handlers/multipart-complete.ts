/**
 * CompleteMultipartUpload: the listed parts must be ascending (InvalidPartOrder), uploaded with the ETag
 * (and checksum) given (InvalidPart), and at least 5 MiB except the last (EntityTooSmall). The parts are
 * concatenated into a temp file and committed as the object, with ETag `"md5(part md5s)-N"` and, when the
 * upload declared an algorithm, a composite (or full-object) checksum.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { AwsError, type AwsResponse } from '../../types';
import { missingKey } from '../access';
import { concatFiles, receiveToFile } from '../body';
import { CHECKSUM_ALGORITHMS, checksumElement, checksumFromHeaders, compositeChecksum, verifyChecksum } from '../checksums';
import { checkWriteConditions, sameEtag, validateWriteConditions } from '../conditions';
import { stamp, type ObjectContext } from '../context';
import { malformedXml } from '../errors';
import { MAX_OBJECT, MAX_PART_NUMBER, MIN_PART_SIZE } from '../limits';
import { receiveBody } from '../request-body';
import { xmlResponse } from '../respond';
import type { UploadState } from '../storage/bucket-state';
import { removeFile } from '../storage/fs-util';
import type { PartRecord, StoredChecksum } from '../storage/records';
import { discardUpload, partPath, withUpload } from '../storage/uploads';
import { childText, children, parseXml, text, xmlDocument } from '../xml';
import { checksumValueXml } from './object-xml';

const MAX_BODY = 8 * 1024 * 1024;

interface ListedPart {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<string, string>>;
}

function parseParts(body: string): ListedPart[] {
  const root = parseXml(body, 'CompleteMultipartUpload');
  const parts = children(root, 'Part').map((p) => {
    const number = childText(p, 'PartNumber')?.trim() ?? '';
    const etag = childText(p, 'ETag');
    if (!/^\d{1,5}$/.test(number) || etag === undefined) throw malformedXml();
    const checksums: Partial<Record<string, string>> = {};
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = childText(p, checksumElement(algorithm));
      if (value !== undefined) checksums[algorithm] = value.trim();
    }
    return { partNumber: Number(number), etag, checksums };
  });
  if (parts.length === 0 || parts.length > MAX_PART_NUMBER) throw malformedXml();
  return parts;
}

function invalidPart(uploadId: string, part: ListedPart): AwsError {
  return new AwsError(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    400,
    { UploadId: uploadId, PartNumber: String(part.partNumber), ETag: part.etag },
  );
}

/** The stored parts the list names, in order, after every check S3 makes. */
function resolveParts(upload: UploadState, listed: ListedPart[]): PartRecord[] {
  const uploadId = upload.record.uploadId;
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.partNumber <= listed[i - 1]!.partNumber) {
      throw new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, {
        UploadId: uploadId,
      });
    }
  }
  const parts = listed.map((wanted) => {
    const stored = upload.parts.get(wanted.partNumber);
    if (!stored || !sameEtag(wanted.etag, stored.etag)) throw invalidPart(uploadId, wanted);
    for (const [algorithm, value] of Object.entries(wanted.checksums)) {
      const have = stored.checksums[algorithm as keyof PartRecord['checksums']];
      if (have !== undefined && have !== value) throw invalidPart(uploadId, wanted);
    }
    return stored;
  });
  parts.forEach((part, i) => {
    if (i < parts.length - 1 && part.size < MIN_PART_SIZE) {
      throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400, {
        UploadId: uploadId,
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(part.partNumber),
        ETag: part.etag,
      });
    }
  });
  return parts;
}

/** `Location` of the new object, in the addressing style the client used. */
function location(ctx: ObjectContext): string {
  const path = ctx.key.split('/').map(encodeURIComponent).join('/');
  return ctx.req.virtualHost ? `http://${ctx.req.host}/${path}` : `http://${ctx.req.host}/${encodeURIComponent(ctx.bucket.name)}/${path}`;
}

export async function completeMultipartUpload(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket, key } = ctx;
  const uploadId = req.query.get('uploadId') ?? '';
  validateWriteConditions(req.headers);
  const claimed = checksumFromHeaders(req.headers);
  const listed = parseParts((await receiveBody(req, MAX_BODY)).toString('utf8'));
  const missing = () => missingKey(deps, caller, bucket, key);
  return withUpload(bucket, key, uploadId, async (upload) => {
    const parts = resolveParts(upload, listed);
    checkWriteConditions(req.headers, bucket.objects.get(key), missing);
    const { checksumAlgorithm: algorithm, checksumType: type } = upload.record;
    const temp = deps.store.tempFile();
    const digests = await receiveToFile(
      concatFiles((i) => (i < parts.length ? createReadStream(partPath(upload, parts[i]!)) : undefined)),
      temp,
      { algorithms: algorithm && type === 'FULL_OBJECT' ? [algorithm] : [], maxSize: MAX_OBJECT },
    );
    try {
      let checksum: StoredChecksum | undefined;
      if (algorithm && type === 'FULL_OBJECT') checksum = { algorithm, value: digests.checksums[algorithm]!, type };
      else if (algorithm && parts.every((p) => p.checksums[algorithm] !== undefined)) {
        checksum = { algorithm, value: compositeChecksum(algorithm, parts.map((p) => p.checksums[algorithm]!)), type: 'COMPOSITE' };
      }
      if (claimed) {
        const computed = checksum?.algorithm === claimed.algorithm ? checksum.value.replace(/-\d+$/, '') : undefined;
        verifyChecksum(claimed.algorithm, claimed.value.replace(/-\d+$/, ''), computed);
      }
      const md5s = createHash('md5');
      for (const part of parts) md5s.update(Buffer.from(part.etag.replace(/"/g, ''), 'hex'));
      const record = await bucket.commitObject(
        key,
        temp,
        {
          size: digests.size,
          etag: `"${md5s.digest('hex')}-${parts.length}"`,
          lastModified: stamp(deps).toISOString(),
          headers: upload.record.headers,
          partSizes: parts.map((p) => p.size),
          ...(upload.record.tags ? { tags: upload.record.tags } : {}),
          ...(checksum ? { checksum } : {}),
        },
        (current) => checkWriteConditions(req.headers, current, missing),
      );
      await discardUpload(bucket, upload);
      const body = xmlDocument(
        'CompleteMultipartUploadResult',
        text('Location', location(ctx)),
        text('Bucket', bucket.name),
        text('Key', key),
        text('ETag', record.etag),
        checksumValueXml(record.checksum),
      );
      return xmlResponse(body);
    } finally {
      await removeFile(temp);
    }
  });
}
