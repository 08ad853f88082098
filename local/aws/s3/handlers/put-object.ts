/**
 * PutObject: the body streams to a temp file (hashing MD5 and any announced checksum on the way), is
 * verified (Content-MD5, `x-amz-checksum-*`, trailer checksums), then committed by rename. Conditional
 * writes are checked before receiving (to fail fast) and again atomically at commit.
 */
import type { AwsResponse } from '../../types';
import { missingKey } from '../access';
import { receiveToFile } from '../body';
import { DEFAULT_ALGORITHM } from '../checksums';
import { checkWriteConditions } from '../conditions';
import type { ObjectContext } from '../context';
import { prepareIntegrity, verifyIntegrity } from '../integrity';
import { expectedBodySize, MAX_SINGLE_UPLOAD, validateStorageClass } from '../limits';
import { checksumResponseHeaders, storedHeadersFrom } from '../object-headers';
import { checksumOfFile } from '../request-body';
import { emptyResponse } from '../respond';
import { removeFile } from '../storage/fs-util';
import { requireTaggingAllowed, tagsField, tagsFromHeader } from './object-tagging';
import { wholeObjectRecord } from './whole-object';

export async function putObject(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket, key } = ctx;
  const missing = () => missingKey(deps, caller, bucket, key);
  checkWriteConditions(req.headers, bucket.objects.get(key), missing);
  validateStorageClass(req.headers);
  const tags = tagsFromHeader(req.headers);
  requireTaggingAllowed(ctx, tags);
  const headers = storedHeadersFrom(req.headers);
  // S3 keeps a CRC64NVME of every object sent without a checksum (DEFAULT_ALGORITHM), so it is always computed.
  const algorithms = prepareIntegrity(req, [DEFAULT_ALGORITHM]);
  const expectedSize = expectedBodySize(req.headers, MAX_SINGLE_UPLOAD);
  const temp = deps.store.tempFile();
  const digests = await receiveToFile(req.body, temp, { algorithms, expectedSize, maxSize: MAX_SINGLE_UPLOAD });
  try {
    const sent = await verifyIntegrity(req, digests, (algorithm) => checksumOfFile(temp, algorithm));
    const checksum = sent ?? { algorithm: DEFAULT_ALGORITHM, value: digests.checksums[DEFAULT_ALGORITHM]! };
    const record = await bucket.commitObject(
      key,
      temp,
      { ...wholeObjectRecord(deps, digests, headers, checksum), ...tagsField(tags) },
      (current) => checkWriteConditions(req.headers, current, missing),
    );
    return emptyResponse(200, { etag: record.etag, ...checksumResponseHeaders(record.checksum) });
  } finally {
    await removeFile(temp);
  }
}
