/** ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation. */

import { escapeXml } from '../../../../shared/s3/xml-escape';
import type { AwsResponse } from '../../types';
import { AwsError } from '../../types';
import { ALL_BUCKETS_ARN, bucketArn, requireAllowed } from '../access';
import { requireValidBucketName } from '../bucket-name';
import type { BucketContext, ServiceContext } from '../context';
import { invalidArgument } from '../errors';
import { ownerXml } from '../owner';
import { receiveBody } from '../request-body';
import { emptyResponse, isoDate, xmlResponse } from '../respond';
import { childText, el, parseXml, S3_NAMESPACE, text, xmlDocument } from '../xml';

const MAX_BUCKETS_PAGE = 10000;

export async function listBuckets(ctx: ServiceContext): Promise<AwsResponse> {
  const { deps, req, caller } = ctx;
  requireAllowed(deps, caller, 's3:ListAllMyBuckets', ALL_BUCKETS_ARN);
  const prefix = req.query.get('prefix') ?? '';
  const region = req.query.get('bucket-region');
  const maxParam = req.query.get('max-buckets');
  const max = maxParam === undefined ? MAX_BUCKETS_PAGE : Number(maxParam);
  if (!Number.isInteger(max) || max < 1 || max > MAX_BUCKETS_PAGE)
    throw invalidArgument('Invalid max-buckets value', 'max-buckets', maxParam);
  const token = req.query.get('continuation-token');
  const after = token === undefined ? '' : Buffer.from(token, 'base64url').toString('utf8');
  const mine = deps.store
    .list()
    .filter((b) => b.record.ownerAccountId === caller.accountId && b.name.startsWith(prefix) && b.name > after)
    .filter((b) => region === undefined || b.record.region === region);
  const page = mine.slice(0, max);
  const next = mine.length > max ? Buffer.from(page[page.length - 1]!.name, 'utf8').toString('base64url') : undefined;
  const body = xmlDocument(
    'ListAllMyBucketsResult',
    el(
      'Buckets',
      ...page.map((b) =>
        el('Bucket', text('Name', b.name), text('CreationDate', isoDate(b.record.creationDate)), text('BucketRegion', b.record.region)),
      ),
    ),
    ownerXml(caller.accountId),
    text('ContinuationToken', next),
    req.query.has('prefix') && text('Prefix', prefix),
  );
  return xmlResponse(body);
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region a CreateBucketConfiguration asks for, if any (`EU` is S3's old name for eu-west-1). */
function locationConstraint(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  const config = parseXml(body, 'CreateBucketConfiguration');
  const constraint = childText(config, 'LocationConstraint')?.trim();
  if (constraint === undefined || constraint === '') return undefined;
  if (constraint === 'EU') return 'eu-west-1';
  if (!REGION.test(constraint)) {
    throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
      LocationConstraint: constraint,
    });
  }
  return constraint;
}

export async function createBucket(ctx: ServiceContext): Promise<AwsResponse> {
  const { deps, req, caller } = ctx;
  const name = req.bucket!;
  requireValidBucketName(name);
  requireAllowed(deps, caller, 's3:CreateBucket', bucketArn(name));
  if (req.headers['x-amz-bucket-object-lock-enabled']?.toLowerCase() === 'true') {
    throw new AwsError('NotImplemented', 'Object Lock is not implemented by this local S3 endpoint.', 501, {
      Header: 'x-amz-bucket-object-lock-enabled',
    });
  }
  const region = locationConstraint((await receiveBody(req, 64 * 1024)).toString('utf8')) ?? deps.region;
  const { created, bucket } = await deps.store.createBucket({
    name,
    ownerAccountId: caller.accountId,
    region,
    creationDate: deps.now().toISOString(),
  });
  if (!created) {
    if (bucket.record.ownerAccountId !== caller.accountId) {
      throw new AwsError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a ' +
          'different name and try again.',
        409,
        { BucketName: name },
      );
    }
    // S3 keeps a legacy answer in us-east-1: re-creating your own bucket there succeeds.
    if (bucket.record.region !== 'us-east-1' || region !== 'us-east-1') {
      throw new AwsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        {
          BucketName: name,
        },
      );
    }
  }
  return emptyResponse(200, { location: `/${name}` });
}

export async function deleteBucket(ctx: BucketContext): Promise<AwsResponse> {
  await ctx.deps.store.deleteBucket(ctx.bucket);
  return emptyResponse(204);
}

export async function headBucket(ctx: BucketContext): Promise<AwsResponse> {
  return emptyResponse(200, { 'x-amz-bucket-region': ctx.bucket.record.region });
}

export async function getBucketLocation(ctx: BucketContext): Promise<AwsResponse> {
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  const region = ctx.bucket.record.region === 'us-east-1' ? '' : ctx.bucket.record.region;
  return xmlResponse(
    `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_NAMESPACE}">${escapeXml(region)}</LocationConstraint>`,
  );
}
