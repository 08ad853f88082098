/** ListParts and ListMultipartUploads. */
import type { AwsResponse } from '../../types';
import { checksumElement } from '../checksums';
import type { BucketContext, ObjectContext } from '../context';
import { invalidArgument, noSuchUpload } from '../errors';
import { compareKeys, partitionPoint } from '../key-order';
import { listPage } from '../listing';
import { ownerXml } from '../owner';
import { isoDate, xmlResponse } from '../respond';
import type { UploadState } from '../storage/bucket-state';
import { el, text, xmlDocument } from '../xml';
import { encoder, parseMax } from './list-objects';

const MAX_PAGE = 1000;

const initiatorXml = (upload: UploadState) =>
  el('Initiator', text('ID', upload.record.initiatorArn), text('DisplayName', upload.record.initiatorId));

export async function listParts(ctx: ObjectContext): Promise<AwsResponse> {
  const q = ctx.req.query;
  const uploadId = q.get('uploadId') ?? '';
  const upload = ctx.bucket.uploads.get(uploadId);
  if (!upload || upload.record.key !== ctx.key) throw noSuchUpload(uploadId);
  const maxParts = parseMax(q.get('max-parts'), 'max-parts', MAX_PAGE);
  const markerText = q.get('part-number-marker') ?? '0';
  if (!/^\d{1,5}$/.test(markerText))
    throw invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', markerText);
  const marker = Number(markerText);
  const all = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const algorithm = upload.record.checksumAlgorithm;
  const body = xmlDocument(
    'ListPartsResult',
    text('Bucket', ctx.bucket.name),
    text('Key', ctx.key),
    text('UploadId', uploadId),
    text('PartNumberMarker', marker),
    text('NextPartNumberMarker', page.length > 0 ? page[page.length - 1]!.partNumber : marker),
    text('MaxParts', maxParts),
    text('IsTruncated', truncated),
    ...page.map((p) =>
      el(
        'Part',
        text('PartNumber', p.partNumber),
        text('LastModified', isoDate(p.lastModified)),
        text('ETag', p.etag),
        text('Size', p.size),
        algorithm && text(checksumElement(algorithm), p.checksums[algorithm]),
      ),
    ),
    initiatorXml(upload),
    ownerXml(upload.record.ownerAccountId),
    text('StorageClass', 'STANDARD'),
    text('ChecksumAlgorithm', algorithm),
    text('ChecksumType', upload.record.checksumType),
  );
  return xmlResponse(body);
}

/** Uploads sort by key (S3 order), then upload id. */
function compareUploads(a: UploadState, b: UploadState): number {
  return (
    compareKeys(a.record.key, b.record.key) || (a.record.uploadId < b.record.uploadId ? -1 : a.record.uploadId > b.record.uploadId ? 1 : 0)
  );
}

export async function listMultipartUploads(ctx: BucketContext): Promise<AwsResponse> {
  const q = ctx.req.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const maxUploads = parseMax(q.get('max-uploads'), 'max-uploads', MAX_PAGE);
  const encode = encoder(q.get('encoding-type'));
  const uploads = [...ctx.bucket.uploads.values()].sort(compareUploads);
  // Past the marker: keys after key-marker, or (with upload-id-marker) uploads after that one of key-marker.
  const pastMarker = partitionPoint(uploads, (u) => {
    const c = compareKeys(u.record.key, keyMarker);
    return c < 0 || (c === 0 && (uploadIdMarker === '' || u.record.uploadId <= uploadIdMarker));
  });
  const start = Math.max(
    pastMarker,
    partitionPoint(uploads, (u) => compareKeys(u.record.key, prefix) < 0),
  );
  const page = listPage(uploads, (u) => u.record.key, { prefix, delimiter, start, marker: keyMarker || undefined, maxKeys: maxUploads });
  const lastUpload = page.contents[page.contents.length - 1];
  const lastIsUpload = lastUpload !== undefined && page.last === lastUpload.record.key;
  const body = xmlDocument(
    'ListMultipartUploadsResult',
    text('Bucket', ctx.bucket.name),
    text('KeyMarker', encode(keyMarker)),
    text('UploadIdMarker', uploadIdMarker),
    page.isTruncated && text('NextKeyMarker', encode(page.last!)),
    page.isTruncated && lastIsUpload && text('NextUploadIdMarker', lastUpload.record.uploadId),
    delimiter !== '' && text('Delimiter', encode(delimiter)),
    text('Prefix', encode(prefix)),
    text('MaxUploads', maxUploads),
    text('IsTruncated', page.isTruncated),
    ...page.contents.map((u) =>
      el(
        'Upload',
        text('Key', encode(u.record.key)),
        text('UploadId', u.record.uploadId),
        initiatorXml(u),
        ownerXml(u.record.ownerAccountId),
        text('StorageClass', 'STANDARD'),
        text('Initiated', isoDate(u.record.initiated)),
        text('ChecksumAlgorithm', u.record.checksumAlgorithm),
        text('ChecksumType', u.record.checksumType),
      ),
    ),
    ...page.commonPrefixes.map((p) => el('CommonPrefixes', text('Prefix', encode(p)))),
    q.has('encoding-type') && text('EncodingType', 'url'),
  );
  return xmlResponse(body);
}
