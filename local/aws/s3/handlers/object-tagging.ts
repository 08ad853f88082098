/**
 * GetObjectTagging, as far as clients depend on it: this endpoint keeps no tags, so every object's tag set
 * is empty. The aws cli asks for it before each multipart copy (to carry tags over); without an answer the
 * copy fails. Writing tags (PutObjectTagging, `x-amz-tagging` on writes) stays NotImplemented, so nothing a
 * client sets is silently dropped.
 */
import type { AwsResponse } from '../../types';
import { missingKey } from '../access';
import type { ObjectContext } from '../context';
import { notImplemented } from '../errors';
import { xmlResponse } from '../respond';
import { el, xmlDocument } from '../xml';

export async function getObjectTagging(ctx: ObjectContext): Promise<AwsResponse> {
  if (!ctx.bucket.objects.has(ctx.key)) throw missingKey(ctx.deps, ctx.caller, ctx.bucket, ctx.key);
  return xmlResponse(xmlDocument('Tagging', el('TagSet')));
}

/** Writes that would set tags are refused rather than stored without them. */
export function refuseTagging(headers: Record<string, string>, operation: string): void {
  if (headers['x-amz-tagging']) throw notImplemented(`${operation} with x-amz-tagging`);
}
