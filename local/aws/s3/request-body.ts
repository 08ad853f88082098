/** Small request bodies (XML documents), read into memory with their digests verified. */
import { createReadStream } from 'node:fs';
import { receiveSmall } from './body';
import { type ChecksumAlgorithm, createHasher } from './checksums';
import { prepareIntegrity, requireReceivedIntegrity, verifyIntegrity } from './integrity';
import type { S3Request } from './request';

export interface BodyOptions {
  /** S3 refuses the operation without Content-MD5 or a checksum (DeleteObjects, PutBucketCors). */
  requireDigest?: boolean;
  /**
   * The request's `x-amz-checksum-*` headers describe an object, not this body (CompleteMultipartUpload's
   * full-object or composite checksum): they are not checked against the body.
   */
  checksumHeadersDescribeObject?: boolean;
}

export async function receiveBody(request: S3Request, limit: number, options: BodyOptions = {}): Promise<Buffer> {
  const req = options.checksumHeadersDescribeObject
    ? { ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !name.startsWith('x-amz-checksum-'))) }
    : request;
  const algorithms = prepareIntegrity(req);
  const received = await receiveSmall(req.body, limit, algorithms);
  if (options.requireDigest) await requireReceivedIntegrity(req);
  await verifyIntegrity(req, received, async (algorithm: ChecksumAlgorithm) => {
    const hasher = createHasher(algorithm);
    hasher.update(received.body);
    return (await hasher.digest()).toString('base64');
  });
  return received.body;
}

/** A checksum of a file on disk (for a trailer naming an algorithm that was not computed while streaming). */
export async function checksumOfFile(path: string, algorithm: ChecksumAlgorithm): Promise<string> {
  const hasher = createHasher(algorithm);
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return (await hasher.digest()).toString('base64');
}
