/**
 * Which S3 operation a request is, from its method, path shape, query and one header, as S3 itself tells them
 * apart. Only the operations below are served; anything else is refused with `NotImplemented` before it is
 * forwarded, including any query parameter an operation does not take (`?acl` on a GET is GetObjectAcl, not a
 * GetObject to forward with a stray parameter).
 */
import { headerValueProblem } from '../s3/header-value';
import type { DataAccess } from '../volumes/model';
import { invalidArgument, notImplemented } from './errors';

export type OperationName =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'GetBucketLocation'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'GetObject'
  | 'HeadObject'
  | 'PutObject'
  | 'CopyObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'GetObjectTagging'
  | 'PutObjectTagging'
  | 'DeleteObjectTagging';

export interface Operation {
  name: OperationName;
  scope: 'service' | 'bucket' | 'object';
  /** What the caller needs. Listing multipart uploads and parts is part of writing (the read session may not). */
  access: DataAccess;
  /** The query parameters it takes. */
  params: readonly string[];
  /** Its request body is forwarded (streamed), or rewritten (DeleteObjects), or there is none. */
  body: 'none' | 'stream' | 'rewrite';
  /** Answered by the proxy from the volume, never forwarded. */
  local?: true;
  /** A 200 answer is an XML document with keys or the bucket in it, buffered and rewritten. */
  xmlResult?: true;
}

const RESPONSE_OVERRIDES = [
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
];

/**
 * Refuses, before anything is forwarded, a `response-*` override S3 would refuse because no header can carry it
 * (CR/LF, NUL, characters beyond ISO-8859-1): 400 InvalidArgument naming the parameter, as S3 answers.
 */
export function checkResponseOverrides(query: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of query) {
    if (!RESPONSE_OVERRIDES.includes(name)) continue;
    const problem = headerValueProblem(value);
    if (problem)
      throw invalidArgument(problem.message, { ArgumentName: name, ...(problem.echo ? { ArgumentValue: value.slice(0, 1024) } : {}) });
  }
}

const op = (
  name: OperationName,
  scope: Operation['scope'],
  access: DataAccess,
  params: string[],
  rest: Partial<Operation> = {},
): Operation => ({
  name,
  scope,
  access,
  params,
  body: 'none',
  ...rest,
});

export const OPERATIONS: Record<OperationName, Operation> = {
  ListBuckets: op('ListBuckets', 'service', 'read', ['prefix', 'max-buckets', 'continuation-token', 'bucket-region'], { local: true }),
  // Only ever "you already own it" (rclone creates the bucket before its first upload); volumes are made through the API.
  CreateBucket: op('CreateBucket', 'bucket', 'read', [], { local: true }),
  HeadBucket: op('HeadBucket', 'bucket', 'read', [], { local: true }),
  GetBucketLocation: op('GetBucketLocation', 'bucket', 'read', ['location'], { local: true }),
  ListObjects: op('ListObjects', 'bucket', 'read', ['prefix', 'delimiter', 'marker', 'max-keys', 'encoding-type'], { xmlResult: true }),
  ListObjectsV2: op(
    'ListObjectsV2',
    'bucket',
    'read',
    ['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'fetch-owner', 'encoding-type'],
    { xmlResult: true },
  ),
  ListMultipartUploads: op(
    'ListMultipartUploads',
    'bucket',
    'write',
    ['uploads', 'prefix', 'delimiter', 'key-marker', 'upload-id-marker', 'max-uploads', 'encoding-type'],
    { xmlResult: true },
  ),
  DeleteObjects: op('DeleteObjects', 'bucket', 'write', ['delete'], { body: 'rewrite', xmlResult: true }),
  GetObject: op('GetObject', 'object', 'read', ['partNumber', 'versionId', ...RESPONSE_OVERRIDES]),
  HeadObject: op('HeadObject', 'object', 'read', ['partNumber', 'versionId', ...RESPONSE_OVERRIDES]),
  PutObject: op('PutObject', 'object', 'write', [], { body: 'stream' }),
  CopyObject: op('CopyObject', 'object', 'write', [], { xmlResult: true }),
  DeleteObject: op('DeleteObject', 'object', 'write', ['versionId']),
  CreateMultipartUpload: op('CreateMultipartUpload', 'object', 'write', ['uploads'], { xmlResult: true }),
  UploadPart: op('UploadPart', 'object', 'write', ['partNumber', 'uploadId'], { body: 'stream' }),
  UploadPartCopy: op('UploadPartCopy', 'object', 'write', ['partNumber', 'uploadId'], { xmlResult: true }),
  CompleteMultipartUpload: op('CompleteMultipartUpload', 'object', 'write', ['uploadId'], { body: 'stream', xmlResult: true }),
  AbortMultipartUpload: op('AbortMultipartUpload', 'object', 'write', ['uploadId']),
  ListParts: op('ListParts', 'object', 'write', ['uploadId', 'max-parts', 'part-number-marker'], { xmlResult: true }),
  // The aws cli's copy and move above its multipart threshold read the source's tags and, when they are too long
  // for an x-amz-tagging header, write them on the target afterwards. Tags name no key: nothing to rewrite.
  GetObjectTagging: op('GetObjectTagging', 'object', 'read', ['tagging', 'versionId']),
  PutObjectTagging: op('PutObjectTagging', 'object', 'write', ['tagging', 'versionId'], { body: 'stream' }),
  DeleteObjectTagging: op('DeleteObjectTagging', 'object', 'write', ['tagging', 'versionId']),
};

/** Query parameters no operation sees: `x-id` (the JS SDK's), and presigning and hoisted `x-amz-*` ones. */
export function isIgnoredParam(name: string): boolean {
  return name === 'x-id' || name.toLowerCase().startsWith('x-amz-');
}

/** S3 operation names for the subresources clients ask for most, so a refusal names what was not done. */
const SUBRESOURCES: Record<string, string> = {
  policy: 'BucketPolicy',
  acl: 'Acl',
  tagging: 'Tagging',
  versioning: 'BucketVersioning',
  versions: 'ObjectVersions',
  cors: 'BucketCors',
  lifecycle: 'BucketLifecycleConfiguration',
  website: 'BucketWebsite',
  encryption: 'BucketEncryption',
  logging: 'BucketLogging',
  notification: 'BucketNotificationConfiguration',
  replication: 'BucketReplication',
  attributes: 'ObjectAttributes',
  retention: 'ObjectRetention',
  'legal-hold': 'ObjectLegalHold',
  restore: 'RestoreObject',
  select: 'SelectObjectContent',
  torrent: 'ObjectTorrent',
  requestPayment: 'BucketRequestPayment',
  ownershipControls: 'BucketOwnershipControls',
  accelerate: 'BucketAccelerateConfiguration',
  'object-lock': 'ObjectLockConfiguration',
  publicAccessBlock: 'PublicAccessBlock',
  policyStatus: 'BucketPolicyStatus',
};

/** S3's names for requests without a subresource that the proxy does not serve. */
const BARE: Record<string, string> = {
  'bucket DELETE': 'DeleteBucket',
  'bucket POST': 'PostObject',
};

function refuse(method: string, scope: Operation['scope'], names: string[]): never {
  const known = names.find((name) => SUBRESOURCES[name] !== undefined);
  const verb = { GET: 'Get', HEAD: 'Head', PUT: 'Put', DELETE: 'Delete', POST: 'Post' }[method] ?? method;
  if (known !== undefined) {
    const sub = SUBRESOURCES[known]!;
    const name =
      sub === 'Acl' || sub === 'Tagging'
        ? `${verb}${scope === 'bucket' ? 'Bucket' : 'Object'}${sub}`
        : known === 'versions'
          ? 'ListObjectVersions'
          : /^[A-Z][a-z]+Object/.test(sub)
            ? sub
            : `${verb}${sub}`;
    throw notImplemented(`${name} (${method} ?${known})`);
  }
  const on = scope === 'service' ? 'the service' : scope === 'bucket' ? 'a bucket' : 'an object';
  const bare = names.length === 0 ? BARE[`${scope} ${method}`] : undefined;
  throw notImplemented(`${bare ? `${bare} (` : ''}${method} on ${on}${names.length ? ` with ?${names.join('&')}` : ''}${bare ? ')' : ''}`);
}

const OBJECT_TAGGING: Partial<Record<string, OperationName>> = {
  GET: 'GetObjectTagging',
  PUT: 'PutObjectTagging',
  DELETE: 'DeleteObjectTagging',
};

/**
 * The operation of a request to `scope`, given the names of its query parameters (ignored ones already
 * removed) and whether it names a copy source. Throws `NotImplemented` for anything not served.
 */
export function classify(method: string, scope: Operation['scope'], params: string[], hasCopySource: boolean): Operation {
  const has = (name: string) => params.includes(name);
  let name: OperationName | undefined;
  if (scope === 'service') {
    if (method === 'GET') name = 'ListBuckets';
  } else if (scope === 'bucket') {
    if (method === 'HEAD' && params.length === 0) name = 'HeadBucket';
    else if (method === 'GET') {
      if (has('location')) name = 'GetBucketLocation';
      else if (has('uploads')) name = 'ListMultipartUploads';
      else if (has('list-type')) name = 'ListObjectsV2';
      else name = 'ListObjects';
    } else if (method === 'POST' && has('delete')) name = 'DeleteObjects';
    else if (method === 'PUT' && params.length === 0) name = 'CreateBucket';
  } else if (has('tagging')) name = OBJECT_TAGGING[method];
  else if (method === 'GET') name = has('uploadId') ? 'ListParts' : 'GetObject';
  else if (method === 'HEAD') name = 'HeadObject';
  else if (method === 'PUT') {
    const part = has('uploadId') || has('partNumber');
    name = part ? (hasCopySource ? 'UploadPartCopy' : 'UploadPart') : hasCopySource ? 'CopyObject' : 'PutObject';
  } else if (method === 'DELETE') name = has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  else if (method === 'POST') {
    if (has('uploads')) name = 'CreateMultipartUpload';
    else if (has('uploadId')) name = 'CompleteMultipartUpload';
  }
  const operation = name && OPERATIONS[name];
  const stray = operation ? params.filter((param) => !operation.params.includes(param)) : params;
  if (!operation || stray.length > 0) refuse(method, scope, stray);
  if (name === 'UploadPart' || name === 'UploadPartCopy') {
    if (!has('uploadId') || !has('partNumber')) throw notImplemented(`${method} on an object with only one of ?uploadId and ?partNumber`);
  }
  return operation;
}
