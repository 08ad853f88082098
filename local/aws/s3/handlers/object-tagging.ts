/**
 * Object tags, as S3 keeps them: GetObjectTagging, PutObjectTagging (the whole set replaced) and
 * DeleteObjectTagging, and `x-amz-tagging` on PutObject, CreateMultipartUpload and CopyObject (with
 * `x-amz-tagging-directive`). S3's limits and answers: at most 10 tags (400 BadRequest), a key of 1 to 128 and
 * a value of up to 256 characters of letters, digits, spaces and `+ - = . _ : / @` (400 InvalidTag), no key
 * twice (InvalidTag in the document, InvalidArgument in the header), a document that is not a `<Tagging>` with
 * one `<TagSet>` of `<Tag>`s with one `<Key>` and one `<Value>` is MalformedXML. Setting tags on a write needs
 * `s3:PutObjectTagging` besides the write's own action, as S3 checks it.
 */
import { AwsError, type AwsResponse } from '../../types';
import { missingKey, objectArn, requireAllowed } from '../access';
import type { ObjectContext } from '../context';
import { invalidArgument, malformedXml } from '../errors';
import { receiveBody } from '../request-body';
import { emptyResponse, xmlResponse } from '../respond';
import type { StoredTag } from '../storage/records';
import { children, el, parseXml, text, textOf, type XmlElement, xmlDocument } from '../xml';

export const MAX_TAGS = 10;
const MAX_KEY = 128;
const MAX_VALUE = 256;
const MAX_BODY = 64 * 1024;
/** What S3 accepts in object tags: letters, digits, spaces and `+ - = . _ : / @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string) => new AwsError('InvalidTag', message, 400);

/** Checks a tag set against S3's limits; `source` says where duplicates came from (they are answered differently). */
export function checkTags(tags: StoredTag[], source: 'document' | 'header'): StoredTag[] {
  if (tags.length > MAX_TAGS) throw new AwsError('BadRequest', `Object tags cannot be greater than ${MAX_TAGS}`, 400);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if ([...key].length > MAX_KEY) throw invalidTag(`The TagKey you have provided is too long, max ${MAX_KEY}`);
    if ([...value].length > MAX_VALUE) throw invalidTag(`The TagValue you have provided is too long, max ${MAX_VALUE}`);
    if (key === '' || !TAG_CHARACTERS.test(key)) throw invalidTag('The TagKey you have provided is invalid');
    if (!TAG_CHARACTERS.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    if (seen.has(key)) {
      if (source === 'document') throw invalidTag('Cannot provide multiple Tags with the same key');
      throw invalidArgument(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
        'x-amz-tagging',
      );
    }
    seen.add(key);
  }
  return tags;
}

/** The tags of an `x-amz-tagging` header (URL query encoding: `k1=v1&k2=v2`); undefined when the header is absent. */
export function tagsFromHeader(headers: Record<string, string>): StoredTag[] | undefined {
  const raw = headers['x-amz-tagging'];
  if (raw === undefined) return undefined;
  const tags = [...new URLSearchParams(raw)].map(([key, value]) => ({ key, value }));
  return checkTags(tags, 'header');
}

/** `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>`, read strictly. */
export function parseTagging(body: string): StoredTag[] {
  const root = parseXml(body, 'Tagging');
  if (root.children.length !== 1 || root.children[0]!.name !== 'TagSet') throw malformedXml();
  const tagSet = root.children[0]!;
  const one = (tag: XmlElement, name: string): string => {
    const found = children(tag, name);
    if (found.length !== 1) throw malformedXml();
    return textOf(found[0]!);
  };
  const tags = tagSet.children.map((tag) => {
    if (tag.name !== 'Tag' || tag.children.some((c) => c.name !== 'Key' && c.name !== 'Value')) throw malformedXml();
    return { key: one(tag, 'Key'), value: one(tag, 'Value') };
  });
  return checkTags(tags, 'document');
}

/** Setting tags on a write needs `s3:PutObjectTagging` on the object besides the write's own action. */
export function requireTaggingAllowed(ctx: ObjectContext, tags: StoredTag[] | undefined): void {
  if (tags !== undefined && tags.length > 0)
    requireAllowed(ctx.deps, ctx.caller, 's3:PutObjectTagging', objectArn(ctx.bucket.name, ctx.key));
}

/**
 * The tags a CopyObject gives its target: the source's with `x-amz-tagging-directive: COPY` (the default),
 * the request's `x-amz-tagging` with REPLACE.
 */
export function copiedTags(ctx: ObjectContext, sourceTags: StoredTag[] | undefined): StoredTag[] | undefined {
  const directive = (ctx.req.headers['x-amz-tagging-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', ctx.req.headers['x-amz-tagging-directive']);
  if (directive === 'COPY') return sourceTags;
  const tags = tagsFromHeader(ctx.req.headers);
  requireTaggingAllowed(ctx, tags);
  return tags;
}

/** The record's `tags` field for a tag set: absent when empty. */
export const tagsField = (tags: StoredTag[] | undefined): { tags?: StoredTag[] } => (tags !== undefined && tags.length > 0 ? { tags } : {});

const tagSetXml = (tags: StoredTag[]) => el('TagSet', ...tags.map((tag) => el('Tag', text('Key', tag.key), text('Value', tag.value))));

export async function getObjectTagging(ctx: ObjectContext): Promise<AwsResponse> {
  const record = ctx.bucket.objects.get(ctx.key);
  if (!record) throw missingKey(ctx.deps, ctx.caller, ctx.bucket, ctx.key);
  return xmlResponse(xmlDocument('Tagging', tagSetXml(record.tags ?? [])));
}

/** Replaces the whole tag set; an empty `<TagSet/>` removes every tag. */
export async function putObjectTagging(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, caller, bucket, key } = ctx;
  if (!bucket.objects.has(key)) throw missingKey(deps, caller, bucket, key);
  const tags = parseTagging((await receiveBody(ctx.req, MAX_BODY, { requireDigest: true })).toString('utf8'));
  const updated = await bucket.updateObject(key, ({ tags: _old, ...rest }) => ({ ...rest, ...tagsField(tags) }));
  if (!updated) throw missingKey(deps, caller, bucket, key);
  return emptyResponse(200);
}

export async function deleteObjectTagging(ctx: ObjectContext): Promise<AwsResponse> {
  const { deps, caller, bucket, key } = ctx;
  const updated = await bucket.updateObject(key, ({ tags: _old, ...rest }) => rest);
  if (!updated) throw missingKey(deps, caller, bucket, key);
  return emptyResponse(204);
}
