/**
 * What the proxy answers from the volume itself, without asking S3:
 * - CreateBucket of a volume the caller can see: "already yours", so clients that create before uploading go on;
 * - ListBuckets: the volumes the caller may use, as S3's ListAllMyBucketsResult (without BucketRegion, which
 *   sends some clients to the real S3);
 * - HeadBucket: the volume exists and the caller may use it, which is what the question means;
 * - GetBucketLocation: the volume's region.
 * Asking S3 would need bucket-wide permissions the volume's session never has.
 */
import { createHash } from 'node:crypto';
import { s3ErrorXml } from '../s3/error-xml';
import { escapeXml } from '../s3/xml-escape';
import type { Caller } from '../volumes/deps';
import type { Volume } from '../volumes/model';
import type { VolumeRepository } from '../volumes/ports';
import type { Principal } from './authenticate';
import { invalidArgument } from './errors';
import { param } from './request-target';
import type { ProxyResponse } from './types';
import { refusalOf } from './volume-access';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const PAGE = 100;
/** A subject with more volumes than this sees the first ones: S3's own default page is 1,000 buckets. */
export const MAX_LISTED_VOLUMES = 1000;

function xmlResponse(body: string, requestId: string): ProxyResponse {
  const document = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(document)), 'x-amz-request-id': requestId },
    body: document,
  };
}

/** The volumes the caller may use now: member, within the key's volumes, active, MFA satisfied, reachable with this kind of credential. */
export async function usableVolumes(
  repo: Pick<VolumeRepository, 'listForSubject'>,
  principal: Principal,
  caller: Caller,
): Promise<Volume[]> {
  const usable: Volume[] = [];
  let nextToken: string | undefined;
  do {
    const page = await repo.listForSubject(principal.subject, { limit: PAGE, ...(nextToken ? { nextToken } : {}) });
    for (const row of page.items) {
      if (principal.volumeIds && !principal.volumeIds.includes(row.volume.id)) continue;
      if (refusalOf(principal, caller, row, 'read') === undefined) usable.push(row.volume);
    }
    nextToken = page.nextToken;
  } while (nextToken && usable.length < MAX_LISTED_VOLUMES);
  return usable.slice(0, MAX_LISTED_VOLUMES);
}

export async function listBuckets(
  repo: Pick<VolumeRepository, 'listForSubject'>,
  principal: Principal,
  caller: Caller,
  query: Array<[string, string]>,
  requestId: string,
): Promise<ProxyResponse> {
  const prefix = param(query, 'prefix');
  const region = param(query, 'bucket-region');
  const maxBuckets = maxBucketsOf(param(query, 'max-buckets'));
  // The token is the last name of the previous page (opaque to clients, as S3's is).
  const token = param(query, 'continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const volumes = (await usableVolumes(repo, principal, caller))
    .filter((v) => v.name.startsWith(prefix ?? '') && (region === undefined || v.region === region) && v.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = volumes.slice(0, maxBuckets);
  const buckets = page
    .map(
      (v) =>
        `<Bucket><Name>${escapeXml(v.name)}</Name><CreationDate>${escapeXml(v.createdAt)}</CreationDate><BucketRegion>` +
        `${escapeXml(v.region)}</BucketRegion></Bucket>`,
    )
    .join('');
  const ownerId = createHash('sha256').update(principal.subject).digest('hex');
  const owner = `<Owner><ID>${ownerId}</ID><DisplayName>${escapeXml(principal.subject)}</DisplayName></Owner>`;
  const next =
    page.length < volumes.length ? `<ContinuationToken>${Buffer.from(page.at(-1)!.name).toString('base64url')}</ContinuationToken>` : '';
  const echoed = prefix === undefined ? '' : `<Prefix>${escapeXml(prefix)}</Prefix>`;
  return xmlResponse(
    `<ListAllMyBucketsResult xmlns="${XMLNS}">${owner}<Buckets>${buckets}</Buckets>${next}${echoed}</ListAllMyBucketsResult>`,
    requestId,
  );
}

/** ListBuckets' `max-buckets`: 1 to 10,000 (S3's range); absent, every bucket. */
function maxBucketsOf(value: string | undefined): number {
  if (value === undefined) return Number.MAX_SAFE_INTEGER;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 10_000))
    throw invalidArgument('max-buckets must be an integer from 1 to 10000.', {
      ArgumentName: 'max-buckets',
      ArgumentValue: value.slice(0, 20),
    });
  return n;
}

/** What S3 answers a CreateBucket of a bucket the caller already owns (rclone takes it as "exists"). */
export function bucketOwned(name: string, requestId: string): ProxyResponse {
  const body = s3ErrorXml(
    'BucketAlreadyOwnedByYou',
    'Your previous request to create the named bucket succeeded and you already own it.',
    requestId,
    { BucketName: name },
  );
  return {
    status: 409,
    headers: { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amz-request-id': requestId },
    body,
  };
}

export function headBucket(requestId: string): ProxyResponse {
  return { status: 200, headers: { 'x-amz-request-id': requestId }, body: '' };
}

/** S3 writes us-east-1 as an empty constraint. */
export function bucketLocation(volume: Pick<Volume, 'region'>, requestId: string): ProxyResponse {
  const body =
    volume.region === 'us-east-1'
      ? `<LocationConstraint xmlns="${XMLNS}"/>`
      : `<LocationConstraint xmlns="${XMLNS}">${escapeXml(volume.region)}</LocationConstraint>`;
  return xmlResponse(body, requestId);
}
