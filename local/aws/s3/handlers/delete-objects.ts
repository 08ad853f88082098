/**
 * DeleteObject (204 whether or not the key existed) and DeleteObjects: up to 1000 keys in one XML body that
 * must carry Content-MD5 or a checksum, each key authorized on its own (`s3:DeleteObject`) and answered with
 * `<Deleted>` (left out when Quiet) or `<Error>`.
 */
import { type DeleteRequest, parseDeleteRequest } from '../../../../shared/s3/delete-request';
import { MalformedXmlBody } from '../../../../shared/s3/xml-body';
import type { AwsResponse } from '../../types';
import { decide, objectArn } from '../access';
import type { BucketContext, ObjectContext } from '../context';
import { malformedXml } from '../errors';
import { receiveBody } from '../request-body';
import { emptyResponse, xmlResponse } from '../respond';
import { el, text, xmlDocument } from '../xml';

const MAX_BODY = 4 * 1024 * 1024;

/** The body as S3 reads it (comments are part of no key, CDATA is), by the definition the proxy uses too. */
function parseDelete(xml: string): DeleteRequest {
  try {
    return parseDeleteRequest(xml);
  } catch (error) {
    if (error instanceof MalformedXmlBody) throw malformedXml();
    throw error;
  }
}

export async function deleteObject(ctx: ObjectContext): Promise<AwsResponse> {
  await ctx.bucket.deleteObject(ctx.key);
  return emptyResponse(204);
}

export async function deleteObjects(ctx: BucketContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket } = ctx;
  const body = await receiveBody(req, MAX_BODY, { requireDigest: true });
  const request = parseDelete(body.toString('utf8'));
  const quiet = request.quiet?.trim().toLowerCase() === 'true';
  const objects = request.objects.map((o) => ({ key: o.Key, versionId: o.VersionId }));
  const results: string[] = [];
  const error = (key: string, versionId: string | undefined, code: string, message: string) =>
    el('Error', text('Key', key), text('VersionId', versionId), text('Code', code), text('Message', message));
  for (const { key, versionId } of objects) {
    if (key === '') {
      results.push(error(key, versionId, 'UserKeyMustBeSpecified', 'The delete request must specify at least one key.'));
    } else if (versionId !== undefined && versionId !== 'null') {
      results.push(error(key, versionId, 'NotImplemented', 'Deleting an object version is not implemented by this local S3 endpoint.'));
    } else if (!decide(deps, caller, 's3:DeleteObject', objectArn(bucket.name, key)).allowed) {
      results.push(error(key, versionId, 'AccessDenied', 'Access Denied'));
    } else {
      await bucket.deleteObject(key);
      if (!quiet) results.push(el('Deleted', text('Key', key), text('VersionId', versionId)));
    }
  }
  return xmlResponse(xmlDocument('DeleteResult', ...results));
}
