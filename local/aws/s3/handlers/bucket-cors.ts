/** PutBucketCors, GetBucketCors, DeleteBucketCors. */
import { AwsError, type AwsResponse } from '../../types';
import type { BucketContext } from '../context';
import { parseCorsConfiguration, renderCorsConfiguration } from '../cors-config';
import { receiveBody } from '../request-body';
import { emptyResponse, xmlResponse } from '../respond';

const MAX_CORS_BODY = 64 * 1024;

export async function putBucketCors(ctx: BucketContext): Promise<AwsResponse> {
  const body = await receiveBody(ctx.req, MAX_CORS_BODY, { requireDigest: true });
  const rules = parseCorsConfiguration(body.toString('utf8'));
  await ctx.bucket.saveRecord({ ...ctx.bucket.record, cors: rules });
  return emptyResponse(200);
}

export async function getBucketCors(ctx: BucketContext): Promise<AwsResponse> {
  const rules = ctx.bucket.record.cors;
  if (!rules) {
    throw new AwsError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, { BucketName: ctx.bucket.name });
  }
  return xmlResponse(renderCorsConfiguration(rules));
}

export async function deleteBucketCors(ctx: BucketContext): Promise<AwsResponse> {
  const { cors: _dropped, ...record } = ctx.bucket.record;
  await ctx.bucket.saveRecord(record);
  return emptyResponse(204);
}
