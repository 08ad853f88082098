/**
 * Object ACLs on writes (`x-amz-acl`, `x-amz-grant-*` on PutObject, CopyObject, CreateMultipartUpload). The volume's
 * role writes in the bucket owner's own account, so `private` and `bucket-owner-full-control` say what S3 does
 * anyway. rclone sends `X-Amz-Acl: private` on every upload, which S3 can refuse where a plain upload passes
 * (rclone/rclone#4449: AccessDenied for a role with s3:PutObject but not s3:PutObjectAcl, as the volume's policy is;
 * rclone/rclone#6413: AccessControlListNotSupported from a bucket with ACLs disabled): such a header is dropped.
 * Any other ACL would open data beyond the volume's members (`public-read`, a grant): it is 403 AccessDenied, as S3
 * answers a role without s3:PutObjectAcl (not a 501: s3cmd retries a 5xx upload for minutes), and nothing is
 * forwarded.
 */
import { S3Refusal } from './errors';

const SAME_AS_DEFAULT = new Set(['private', 'bucket-owner-full-control']);
const GRANTS = ['x-amz-grant-read', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control', 'x-amz-grant-write'];

/** Removes a canned ACL that changes nothing from the forwarded `headers`; throws AccessDenied for any other ACL. */
export function dropDefaultAcl(headers: Record<string, string>): void {
  const acl = headers['x-amz-acl'];
  if (acl !== undefined && SAME_AS_DEFAULT.has(acl.trim().toLowerCase())) delete headers['x-amz-acl'];
  const asked =
    headers['x-amz-acl'] !== undefined
      ? `x-amz-acl: ${headers['x-amz-acl'].slice(0, 40)}`
      : GRANTS.find((name) => headers[name] !== undefined);
  if (asked !== undefined) {
    throw new S3Refusal(
      403,
      'AccessDenied',
      `The S3 proxy does not set object ACLs (${asked}): objects stay private to the bucket's account and are shared through volume ` +
        `membership. x-amz-acl private and bucket-owner-full-control are accepted.`,
    );
  }
}
