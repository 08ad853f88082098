/**
 * The operations this endpoint implements, each with the IAM action S3 checks for it and the resource it
 * checks it on. `scope` says what must hold before the handler runs: `bucket` and `object` operations need
 * an existing bucket of the caller's account and (when `action` is set) IAM allowing `action` on the bucket
 * ARN or the object ARN. Handlers that need more (copy sources, per-key DeleteObjects) check it themselves,
 * still before any effect.
 */
import type { ConditionContext } from '../types';
import type { BucketContext, Handler, ObjectContext, ServiceContext } from './context';
import { deleteBucketCors, getBucketCors, putBucketCors } from './handlers/bucket-cors';
import { getBucketVersioning } from './handlers/bucket-versioning';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './handlers/buckets';
import { copyObject } from './handlers/copy-object';
import { deleteObject, deleteObjects } from './handlers/delete-objects';
import { getObject, headObject } from './handlers/get-object';
import { listObjects, listObjectsV2 } from './handlers/list-objects';
import { abortMultipartUpload, createMultipartUpload, uploadPart, uploadPartCopy } from './handlers/multipart';
import { completeMultipartUpload } from './handlers/multipart-complete';
import { listMultipartUploads, listParts } from './handlers/multipart-list';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './handlers/object-tagging';
import { putObject } from './handlers/put-object';
import type { S3Request } from './request';

export type Operation =
  | { scope: 'service'; run: Handler<ServiceContext> }
  | { scope: 'bucket'; action: string | null; conditions?: (req: S3Request) => ConditionContext; run: Handler<BucketContext> }
  | { scope: 'object'; action: string; run: Handler<ObjectContext> };

/** The condition keys S3 supplies with `s3:ListBucket`: only those the request actually sets. */
function listConditions(req: S3Request): ConditionContext {
  const context: ConditionContext = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const value = req.query.get(name);
    if (value !== undefined) context[`s3:${name}`] = value;
  }
  return context;
}

export const OPERATIONS: Record<string, Operation> = {
  // ListAllMyBuckets and CreateBucket check IAM in their handlers (no bucket to resolve first).
  ListBuckets: { scope: 'service', run: listBuckets },
  CreateBucket: { scope: 'service', run: createBucket },
  DeleteBucket: { scope: 'bucket', action: 's3:DeleteBucket', run: deleteBucket },
  HeadBucket: { scope: 'bucket', action: 's3:ListBucket', run: headBucket },
  GetBucketLocation: { scope: 'bucket', action: 's3:GetBucketLocation', run: getBucketLocation },
  GetBucketCors: { scope: 'bucket', action: 's3:GetBucketCORS', run: getBucketCors },
  PutBucketCors: { scope: 'bucket', action: 's3:PutBucketCORS', run: putBucketCors },
  // S3 has no s3:DeleteBucketCORS: deleting the configuration is governed by s3:PutBucketCORS.
  DeleteBucketCors: { scope: 'bucket', action: 's3:PutBucketCORS', run: deleteBucketCors },
  // Always "never versioned" (versioning cannot be enabled here); rclone asks before deleting.
  GetBucketVersioning: { scope: 'bucket', action: 's3:GetBucketVersioning', run: getBucketVersioning },
  ListObjects: { scope: 'bucket', action: 's3:ListBucket', conditions: listConditions, run: listObjects },
  ListObjectsV2: { scope: 'bucket', action: 's3:ListBucket', conditions: listConditions, run: listObjectsV2 },
  ListMultipartUploads: { scope: 'bucket', action: 's3:ListBucketMultipartUploads', run: listMultipartUploads },
  // Authorized per key (s3:DeleteObject) inside the handler.
  DeleteObjects: { scope: 'bucket', action: null, run: deleteObjects },
  GetObject: { scope: 'object', action: 's3:GetObject', run: getObject },
  HeadObject: { scope: 'object', action: 's3:GetObject', run: headObject },
  PutObject: { scope: 'object', action: 's3:PutObject', run: putObject },
  // The source additionally needs s3:GetObject (checked in the handler).
  CopyObject: { scope: 'object', action: 's3:PutObject', run: copyObject },
  DeleteObject: { scope: 'object', action: 's3:DeleteObject', run: deleteObject },
  CreateMultipartUpload: { scope: 'object', action: 's3:PutObject', run: createMultipartUpload },
  UploadPart: { scope: 'object', action: 's3:PutObject', run: uploadPart },
  UploadPartCopy: { scope: 'object', action: 's3:PutObject', run: uploadPartCopy },
  CompleteMultipartUpload: { scope: 'object', action: 's3:PutObject', run: completeMultipartUpload },
  AbortMultipartUpload: { scope: 'object', action: 's3:AbortMultipartUpload', run: abortMultipartUpload },
  ListParts: { scope: 'object', action: 's3:ListMultipartUploadParts', run: listParts },
  // The aws cli reads the source's tags before every multipart copy, and writes them after when too long for a header.
  GetObjectTagging: { scope: 'object', action: 's3:GetObjectTagging', run: getObjectTagging },
  PutObjectTagging: { scope: 'object', action: 's3:PutObjectTagging', run: putObjectTagging },
  DeleteObjectTagging: { scope: 'object', action: 's3:DeleteObjectTagging', run: deleteObjectTagging },
};
