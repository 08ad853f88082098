/**
 * CopyObject: content streams from the source's open file to a temp file and is committed like a PUT.
 * `x-amz-metadata-directive` COPY keeps the source's headers, REPLACE takes the request's; copying an object
 * onto itself without changing anything is refused, as S3 refuses it.
 */
import type { AwsResponse } from '../../types';
import { missingKey } from '../access';
import { receiveToFile } from '../body';
import { DEFAULT_ALGORITHM, parseAlgorithm } from '../checksums';
import { checkWriteConditions, validateWriteConditions } from '../conditions';
import type { ObjectContext } from '../context';
import { invalidArgument, invalidRequest } from '../errors';
import { MAX_SINGLE_UPLOAD, validateStorageClass } from '../limits';
import { storedHeadersFrom } from '../object-headers';
import { isoDate, xmlResponse } from '../respond';
import { removeFile } from '../storage/fs-util';
import { text, xmlDocument } from '../xml';
import { openCopySource } from './copy-source';
import { copiedTags, tagsField } from './object-tagging';
import { checksumValueXml } from './object-xml';
import { wholeObjectRecord } from './whole-object';

export async function copyObject(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket, key } = ctx;
  const directive = (req.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  validateStorageClass(req.headers);
  validateWriteConditions(req.headers);
  const requestedAlgorithm = parseAlgorithm(req.headers['x-amz-checksum-algorithm']);
  const source = await openCopySource(ctx, 'CopyObject');
  let streaming = false;
  try {
    const changesSomething =
      directive === 'REPLACE' ||
      req.headers['x-amz-storage-class'] !== undefined ||
      req.headers['x-amz-website-redirect-location'] !== undefined;
    if (source.bucket === bucket && source.key === key && !changesSomething) {
      throw invalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, " +
          'storage class, website redirect location or encryption attributes.',
      );
    }
    if (source.record.size > MAX_SINGLE_UPLOAD) {
      throw invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_SINGLE_UPLOAD}`);
    }
    const headers = directive === 'REPLACE' ? storedHeadersFrom(req.headers) : source.record.headers;
    const tags = copiedTags(ctx, source.record.tags);
    // Without x-amz-checksum-algorithm "the checksum algorithm will be copied from the source object" (S3 API
    // reference, CopyObject), computed over the copy: a COMPOSITE source's too, as the copy is one piece. S3 stores
    // no object without a checksum, so a source without one gets the default.
    const algorithm = requestedAlgorithm ?? source.record.checksum?.algorithm ?? DEFAULT_ALGORITHM;
    const temp = deps.store.tempFile();
    streaming = true;
    const digests = await receiveToFile(source.file.createReadStream(), temp, {
      algorithms: [algorithm],
      maxSize: MAX_SINGLE_UPLOAD,
    });
    try {
      const missing = () => missingKey(deps, caller, bucket, key);
      const record = await bucket.commitObject(
        key,
        temp,
        { ...wholeObjectRecord(deps, digests, headers, { algorithm, value: digests.checksums[algorithm]! }), ...tagsField(tags) },
        (current) => checkWriteConditions(req.headers, current, missing),
      );
      const body = xmlDocument(
        'CopyObjectResult',
        text('ETag', record.etag),
        text('LastModified', isoDate(record.lastModified)),
        checksumValueXml(record.checksum),
      );
      return xmlResponse(body);
    } finally {
      await removeFile(temp);
    }
  } finally {
    if (!streaming) await source.file.close();
  }
}
