/**
 * The session policy of vended credentials: it narrows the volume's role to one member's access, exactly
 * `s3:ListBucket` on the bucket (confined to the prefix by `s3:prefix`) and the object actions of that access
 * (with their tag actions, below) on `bucket/prefix/*`; nothing else. Built from the statement builders of the
 * permissions policy, so the two cannot drift apart.
 *
 * STS accepts at most 2,048 characters of session policy. The volume's prefix appears three times (the object
 * ARN and the two `s3:prefix` patterns), and prefixes may be up to 1,024 bytes, so a long prefix can exceed the
 * limit. The fixed part is at most 518 characters (a 63-character bucket in `aws-us-gov`, write access), so a
 * prefix of up to 510 characters always fits (a `"` counts twice, JSON escapes it; so does a character outside
 * the Basic Multilingual Plane); a prefix of 1,024 characters cannot (3,590). See the tests.
 * Such a volume cannot have credentials vended: {@link sessionPolicy} refuses with `SessionPolicyTooLarge`
 * (400) before STS is called, in words that say why.
 *
 * The object tag actions of the access (`s3:GetObjectTagging`; writes also `s3:PutObjectTagging` and
 * `s3:DeleteObjectTagging`) go with the object actions while the policy still fits: the aws cli's copy and move
 * above its multipart threshold read the source's tags first (and may write the target's), directly against S3
 * with vended credentials as through the proxy. They cost at most 69 characters, so every prefix of up to 487
 * characters has them; a longer one gets the policy without them (such a copy then needs `--copy-props none`).
 *
 * The proxy's sessions ask for `listUploads`: write sessions may then also `s3:ListBucketMultipartUploads` on the
 * bucket, which ListMultipartUploads needs and which the volume's permissions policy grants read-write volumes.
 * Vended credentials do not get it, because S3 cannot confine that action to a prefix; through the proxy it is
 * confined anyway, since the proxy always sends the volume's root as the `prefix`. A policy that would exceed
 * STS's 2,048 characters with it is left without it (such a volume just cannot list its uploads through the proxy).
 *
 * Narrowed sessions (`prefix`, relative to the volume's root and ending in `/`: `POST …/credentials` with `prefix`,
 * the proxy's sessions for a scoped access key): the objects are `root/prefix*` only, and the listing is allowed only
 * when `s3:prefix` is like `root/prefix*` (a listing without a prefix, or of a parent, is refused, as S3 refuses it).
 * The proxy's multipart listing statement stays unconditional even then, because S3 offers no `s3:prefix` key for
 * `s3:ListBucketMultipartUploads` (a condition on it would never match): the proxy confines that listing to the
 * scope itself.
 */
import { ValidationFailed } from '../errors';
import type { DataAccess, Volume } from '../volumes/model';
import { partitionOf } from '../volumes/naming';
import { rootOf } from '../volumes/object-keys';
import {
  bucketArn,
  listBucketStatement,
  objectsArn,
  type PolicyDocument,
  READ_OBJECT_ACTIONS,
  READ_TAGGING_ACTIONS,
  type Statement,
  WRITE_OBJECT_ACTIONS,
  WRITE_TAGGING_ACTIONS,
} from '../volumes/policies';

/** STS's limit on the plain text of a session policy. */
export const SESSION_POLICY_MAX_CHARS = 2048;

export type PolicyVolume = Pick<Volume, 'bucket' | 'prefix' | 'region'>;

/** The object actions an access grants: read is `s3:GetObject`; write adds put, delete and the multipart cleanup. */
export const objectActions = (access: DataAccess): string[] =>
  access === 'write' ? [...READ_OBJECT_ACTIONS, ...WRITE_OBJECT_ACTIONS] : [...READ_OBJECT_ACTIONS];

/** The object tag actions an access grants: reading tags for read, writing and deleting them too for write. */
export const taggingActions = (access: DataAccess): string[] =>
  access === 'write' ? [...READ_TAGGING_ACTIONS, ...WRITE_TAGGING_ACTIONS] : [...READ_TAGGING_ACTIONS];

/** The full key prefix a session narrowed to `prefix` (relative to the root, ending in `/`) covers: `root + prefix`. */
export const narrowedPrefix = (volume: Pick<Volume, 'prefix'>, prefix: string): string => `${rootOf(volume)}${prefix}`;

/**
 * A key prefix as IAM text that matches only itself: IAM reads `*` and `?` in a resource or a `StringLike` value as
 * wildcards and `${…}` as a variable, and spells the literal characters `${*}`, `${?}` and `${$}`. Without it a
 * session narrowed to the prefix `a*` + `/` would reach every `a…/` of the volume.
 */
const iamLiteral = (text: string): string => text.replace(/[*?$]/g, (ch) => `\${${ch}}`);

/** ListBucket only for `s3:prefix` like `full*`: the listing of the narrowed prefix and of anything below it. */
const narrowedListStatement = (volume: PolicyVolume, full: string): Statement => ({
  Sid: 'ListVolumePrefix',
  Effect: 'Allow',
  Action: ['s3:ListBucket'],
  Resource: [bucketArn(partitionOf(volume.region), volume.bucket)],
  Condition: { StringLike: { 's3:prefix': [`${iamLiteral(full)}*`] } },
});

/**
 * The session policy as a document (one statement for the listing, one for the objects, their tags unless `tags` is
 * false), for the whole volume or, with `prefix` (relative to the root, ending in `/`), for `root/prefix*` only.
 */
export function sessionPolicyDocument(volume: PolicyVolume, access: DataAccess, tags = true, prefix?: string): PolicyDocument {
  const partition = partitionOf(volume.region);
  const actions = tags ? [...objectActions(access), ...taggingActions(access)] : objectActions(access);
  const full = prefix === undefined ? undefined : narrowedPrefix(volume, prefix);
  const objects =
    full === undefined
      ? objectsArn(partition, volume.bucket, volume.prefix)
      : `${bucketArn(partition, volume.bucket)}/${iamLiteral(full)}*`;
  return {
    Version: '2012-10-17',
    Statement: [
      full === undefined ? listBucketStatement(partition, volume.bucket, volume.prefix) : narrowedListStatement(volume, full),
      { Sid: 'VolumeObjects', Effect: 'Allow', Action: actions, Resource: [objects] },
    ],
  };
}

export interface SessionPolicyOptions {
  /** Write sessions may also list the bucket's multipart uploads, when the policy still fits (the proxy's sessions). */
  listUploads?: boolean;
  /** Narrows the session to `root/prefix*` (relative to the volume's root, ending in `/`; checked by the caller). */
  prefix?: string;
}

/** The proxy's statement for ListMultipartUploads, which S3 cannot confine to a prefix (the proxy confines it). */
const listUploadsStatement = (volume: PolicyVolume): Statement => ({
  Sid: 'ProxyListUploads',
  Effect: 'Allow',
  Action: ['s3:ListBucketMultipartUploads'],
  Resource: [bucketArn(partitionOf(volume.region), volume.bucket)],
});

/** The document with the multipart listing statement, when it grants writes, `listUploads` asks and it still fits. */
function withListUploads(
  document: PolicyDocument,
  text: string,
  volume: PolicyVolume,
  access: DataAccess,
  options: SessionPolicyOptions,
): string {
  if (!options.listUploads || access !== 'write') return text;
  const widened = JSON.stringify({ ...document, Statement: [...document.Statement, listUploadsStatement(volume)] });
  return widened.length <= SESSION_POLICY_MAX_CHARS ? widened : text;
}

/**
 * The compact JSON of the session policy for `access` on the volume, with the tag actions when they fit (and the
 * multipart listing, when `options.listUploads` asks and it fits too). Throws `SessionPolicyTooLarge` (400) when
 * even the policy without them is longer than STS accepts. Length is counted in UTF-16 code units, which never undercounts characters.
 */
export function sessionPolicy(volume: PolicyVolume, access: DataAccess, options: SessionPolicyOptions = {}): string {
  const tagged = sessionPolicyDocument(volume, access, true, options.prefix);
  const withTags = JSON.stringify(tagged);
  if (withTags.length <= SESSION_POLICY_MAX_CHARS) return withListUploads(tagged, withTags, volume, access, options);
  const untagged = sessionPolicyDocument(volume, access, false, options.prefix);
  const text = JSON.stringify(untagged);
  if (text.length > SESSION_POLICY_MAX_CHARS && options.prefix !== undefined) {
    throw new ValidationFailed(
      `prefix: too long for temporary credentials: their session policy names the volume's root and the prefix twice and would be ` +
        `${text.length} characters, but STS accepts at most ${SESSION_POLICY_MAX_CHARS}. Ask for a shorter prefix.`,
      'prefix',
      'SessionPolicyTooLarge',
    );
  }
  if (text.length > SESSION_POLICY_MAX_CHARS) {
    throw new ValidationFailed(
      `This volume's prefix is too long for temporary credentials: their session policy names the prefix three times and would be ` +
        `${text.length} characters, but STS accepts at most ${SESSION_POLICY_MAX_CHARS}. A volume's admin can register the data ` +
        `again with a shorter prefix (510 characters always fit).`,
      undefined,
      'SessionPolicyTooLarge',
    );
  }
  return withListUploads(untagged, text, volume, access, options);
}
