/**
 * The source of CopyObject and UploadPartCopy: `x-amz-copy-source` is `bucket/key` (optionally with a leading
 * `/`), URL-encoded, decoded once. Reading it takes what reading it directly would: the source bucket must be
 * the caller's account's, IAM must allow `s3:GetObject` on it, and a missing key is hidden from a caller who
 * may not list it. `x-amz-copy-source-if-*` conditions are then applied.
 */
import type { FileHandle } from 'node:fs/promises';
import { missingKey, objectArn, requireAllowed, requireOwnBucket } from '../access';
import { checkCopySourceConditions } from '../conditions';
import type { ObjectContext } from '../context';
import { invalidArgument, noSuchBucket, notImplemented } from '../errors';
import { parseQuery } from '../request';
import type { BucketState } from '../storage/bucket-state';
import type { ObjectRecord } from '../storage/records';

export interface CopySource {
  bucket: BucketState;
  key: string;
  record: ObjectRecord;
  /** Open content; the caller must close it (or hand it to a stream that does). */
  file: FileHandle;
}

export function parseCopySource(header: string, operation: string): { bucket: string; key: string } {
  let value = header.trim();
  if (value.startsWith('/')) value = value.slice(1);
  const question = value.indexOf('?');
  if (question >= 0) {
    const versionId = parseQuery(value.slice(question + 1)).get('versionId');
    if (versionId !== undefined && versionId !== 'null') throw notImplemented(`${operation} from a source versionId`);
    value = value.slice(0, question);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', header);
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', header);
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export async function openCopySource(ctx: ObjectContext, operation: string): Promise<CopySource> {
  const { deps, req, caller } = ctx;
  const named = parseCopySource(req.headers['x-amz-copy-source']!, operation);
  const bucket = deps.store.bucket(named.bucket);
  if (!bucket) throw noSuchBucket(named.bucket);
  requireOwnBucket(caller, bucket, req.headers['x-amz-source-expected-bucket-owner']);
  requireAllowed(deps, caller, 's3:GetObject', objectArn(bucket.name, named.key));
  const opened = await bucket.openObject(named.key);
  if (!opened) throw missingKey(deps, caller, bucket, named.key);
  try {
    checkCopySourceConditions(req.headers, opened.record);
  } catch (error) {
    await opened.file.close();
    throw error;
  }
  return { bucket, key: named.key, ...opened };
}
