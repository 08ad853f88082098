/**
 * Which S3 operation a request is, by method, addressing level and sub-resource, named as S3's API names
 * it. Names the service does not implement still resolve, so the 501 can say what was asked for.
 */
import type { S3Request } from './request';

type Methods = Partial<Record<string, string>>;

/** Bucket sub-resources, checked in this order. */
const BUCKET_SUBRESOURCES: [string, Methods][] = [
  ['uploads', { GET: 'ListMultipartUploads' }],
  ['delete', { POST: 'DeleteObjects' }],
  ['cors', { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' }],
  ['location', { GET: 'GetBucketLocation' }],
  ['versioning', { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' }],
  ['versions', { GET: 'ListObjectVersions' }],
  ['tagging', { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' }],
  ['acl', { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' }],
  ['policy', { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' }],
  ['policyStatus', { GET: 'GetBucketPolicyStatus' }],
  ['lifecycle', { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' }],
  ['website', { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' }],
  ['logging', { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' }],
  ['notification', { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' }],
  ['replication', { GET: 'GetBucketReplication', PUT: 'PutBucketReplication', DELETE: 'DeleteBucketReplication' }],
  ['encryption', { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' }],
  ['ownershipControls', { GET: 'GetBucketOwnershipControls', PUT: 'PutBucketOwnershipControls', DELETE: 'DeleteBucketOwnershipControls' }],
  ['publicAccessBlock', { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' }],
  ['accelerate', { GET: 'GetBucketAccelerateConfiguration', PUT: 'PutBucketAccelerateConfiguration' }],
  ['requestPayment', { GET: 'GetBucketRequestPayment', PUT: 'PutBucketRequestPayment' }],
  [
    'analytics',
    { GET: 'GetBucketAnalyticsConfiguration', PUT: 'PutBucketAnalyticsConfiguration', DELETE: 'DeleteBucketAnalyticsConfiguration' },
  ],
  ['metrics', { GET: 'GetBucketMetricsConfiguration', PUT: 'PutBucketMetricsConfiguration', DELETE: 'DeleteBucketMetricsConfiguration' }],
  [
    'inventory',
    { GET: 'GetBucketInventoryConfiguration', PUT: 'PutBucketInventoryConfiguration', DELETE: 'DeleteBucketInventoryConfiguration' },
  ],
  [
    'intelligent-tiering',
    {
      GET: 'GetBucketIntelligentTieringConfiguration',
      PUT: 'PutBucketIntelligentTieringConfiguration',
      DELETE: 'DeleteBucketIntelligentTieringConfiguration',
    },
  ],
  ['object-lock', { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' }],
  [
    'metadataTable',
    {
      GET: 'GetBucketMetadataTableConfiguration',
      POST: 'CreateBucketMetadataTableConfiguration',
      DELETE: 'DeleteBucketMetadataTableConfiguration',
    },
  ],
  ['session', { GET: 'CreateSession' }],
];

/** Object sub-resources, checked in this order. */
const OBJECT_SUBRESOURCES: [string, Methods][] = [
  ['uploadId', { GET: 'ListParts', PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload' }],
  ['uploads', { POST: 'CreateMultipartUpload' }],
  ['tagging', { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' }],
  ['acl', { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' }],
  ['retention', { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' }],
  ['legal-hold', { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' }],
  ['torrent', { GET: 'GetObjectTorrent' }],
  ['restore', { POST: 'RestoreObject' }],
  ['select', { POST: 'SelectObjectContent' }],
  ['attributes', { GET: 'GetObjectAttributes' }],
  ['renameObject', { PUT: 'RenameObject' }],
];

const BUCKET_PLAIN: Methods = { GET: 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket', POST: 'PostObject' };
const OBJECT_PLAIN: Methods = { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject', POST: 'PostObject' };

export interface Route {
  /** S3's operation name, e.g. `PutObject`; `undefined` when the method makes no sense on the resource. */
  operation: string | undefined;
  level: 'service' | 'bucket' | 'object';
}

function pick(req: S3Request, table: [string, Methods][], plain: Methods): string | undefined {
  for (const [sub, methods] of table) {
    if (req.query.has(sub)) return methods[req.method] ?? `${req.method} ?${sub}`;
  }
  return plain[req.method];
}

export function route(req: S3Request): Route {
  if (req.bucket === undefined) return { operation: req.method === 'GET' ? 'ListBuckets' : undefined, level: 'service' };
  if (req.key === undefined) {
    let operation = pick(req, BUCKET_SUBRESOURCES, BUCKET_PLAIN);
    if (operation === 'ListObjects' && req.query.get('list-type') === '2') operation = 'ListObjectsV2';
    return { operation, level: 'bucket' };
  }
  let operation = pick(req, OBJECT_SUBRESOURCES, OBJECT_PLAIN);
  if (req.headers['x-amz-copy-source'] !== undefined) {
    if (operation === 'PutObject') operation = 'CopyObject';
    else if (operation === 'UploadPart') operation = 'UploadPartCopy';
  }
  const versionId = req.query.get('versionId');
  if (versionId !== undefined && versionId !== 'null' && operation !== undefined) operation = `${operation} with versionId`;
  return { operation, level: 'object' };
}
