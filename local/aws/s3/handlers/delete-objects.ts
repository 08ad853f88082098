/**
 * DeleteObject (204 whether or not the key existed) and DeleteObjects: up to 1000 keys in one XML body that
 * must carry Content-MD5 or a checksum, each key authorized on its own (`s3:DeleteObject`) and answered with
 * `<Deleted>` (left out when Quiet) or `<Error>`.
 */
import type { AwsResponse } from '../../types';
import { decide, objectArn } from '../access';
import type { BucketContext, ObjectContext } from '../context';
import { malformedXml } from '../errors';
import { receiveBody } from '../request-body';
import { emptyResponse, xmlResponse } from '../respond';
import { childText, children, el, parseXml, text, xmlDocument } from '../xml';

const MAX_KEYS_PER_REQUEST = 1000;
const MAX_BODY = 4 * 1024 * 1024;

export async function deleteObject(ctx: ObjectContext): Promise<AwsResponse> {
  await ctx.bucket.deleteObject(ctx.key);
  return emptyResponse(204);
}

export async function deleteObjects(ctx: BucketContext): Promise<AwsResponse> {
  const { deps, req, caller, bucket } = ctx;
  const body = await receiveBody(req, MAX_BODY, { requireDigest: true });
  const root = parseXml(body.toString('utf8'), 'Delete');
  const quiet = childText(root, 'Quiet')?.trim().toLowerCase() === 'true';
  const objects = children(root, 'Object').map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined) throw malformedXml();
    return { key, versionId: childText(o, 'VersionId') };
  });
  if (objects.length === 0 || objects.length > MAX_KEYS_PER_REQUEST) throw malformedXml();
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
