/**
 * Checking what a client says about its body: Content-MD5, one `x-amz-checksum-*` header, and checksums
 * from an aws-chunked trailer. Header formats are checked before any byte is read; values after the last.
 * A mismatch is BadDigest, a malformed Content-MD5 InvalidDigest, as S3 answers.
 */
import { AwsError } from '../types';
import type { Digests } from './body';
import {
  announcedAlgorithms,
  type ChecksumAlgorithm,
  checksumFromHeaders,
  checksumsFromTrailer,
  parseAlgorithm,
  verifyChecksum,
} from './checksums';
import { badDigest, invalidRequest } from './errors';
import type { S3Request } from './request';

function contentMd5(req: S3Request): Buffer | undefined {
  const value = req.headers['content-md5'];
  if (value === undefined) return undefined;
  const bytes = /^[A-Za-z0-9+/]{22}==$/.test(value.trim()) ? Buffer.from(value.trim(), 'base64') : undefined;
  if (bytes?.length !== 16)
    throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was not valid.', 400, { 'Content-MD5': value });
  return bytes;
}

/** Validates the digest headers' formats up front and names the algorithms to compute while receiving. */
export function prepareIntegrity(req: S3Request, extra: Iterable<ChecksumAlgorithm> = []): Set<ChecksumAlgorithm> {
  contentMd5(req);
  const header = checksumFromHeaders(req.headers);
  // A checksum header of one algorithm with `x-amz-sdk-checksum-algorithm` naming another: AWS's answer, as
  // OpenStack Swift's s3api suite pins it against AWS (test_good_checksum_different_algorithm_header).
  const sdk = req.headers['x-amz-sdk-checksum-algorithm'];
  if (header && sdk !== undefined && parseAlgorithm(sdk) !== header.algorithm) {
    throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }
  const algorithms = announcedAlgorithms(req.headers);
  for (const a of extra) algorithms.add(a);
  return algorithms;
}

export interface VerifiedChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
}

/**
 * Verifies every digest the client sent against `digests`. `compute` supplies a checksum that was not computed
 * while streaming (a trailer naming an algorithm no header announced). Returns the checksum to keep with the
 * object: the one the client sent, else the one its SDK says it uses.
 */
export async function verifyIntegrity(
  req: S3Request,
  digests: Digests,
  compute: (algorithm: ChecksumAlgorithm) => Promise<string>,
): Promise<VerifiedChecksum | undefined> {
  const md5 = contentMd5(req);
  if (md5 && !md5.equals(digests.md5)) {
    throw badDigest('The Content-MD5 you specified did not match what we received.', {
      ExpectedDigest: md5.toString('base64'),
      CalculatedDigest: digests.md5.toString('base64'),
    });
  }
  let kept: VerifiedChecksum | undefined;
  const header = checksumFromHeaders(req.headers);
  if (header) {
    verifyChecksum(header.algorithm, header.value, digests.checksums[header.algorithm]);
    kept = header;
  }
  const trailer = checksumsFromTrailer(await req.trailer());
  for (const [algorithm, value] of Object.entries(trailer) as [ChecksumAlgorithm, string][]) {
    const computed = digests.checksums[algorithm] ?? (await compute(algorithm));
    verifyChecksum(algorithm, value, computed);
    kept ??= { algorithm, value };
  }
  const sdk = parseAlgorithm(req.headers['x-amz-sdk-checksum-algorithm']);
  if (!kept && sdk) {
    const value = digests.checksums[sdk] ?? (await compute(sdk));
    kept = { algorithm: sdk, value };
  }
  return kept;
}

/** For small in-memory bodies that must carry a digest: checks that one arrived, header or trailer. */
export async function requireReceivedIntegrity(req: S3Request): Promise<void> {
  if (req.headers['content-md5'] !== undefined || checksumFromHeaders(req.headers)) return;
  if (Object.keys(checksumsFromTrailer(await req.trailer())).length > 0) return;
  throw invalidRequest('Missing required header for this request: Content-MD5');
}
