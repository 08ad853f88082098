/**
 * The body of S3's DeleteObjects, read and written by the one definition the proxy and the local S3 share:
 * `<Delete>` with 1 to 1,000 `<Object>`s (each exactly one `<Key>`, and the optional fields S3 takes beside
 * it) and an optional `<Quiet>`. Anything else, an element S3 does not define included, is malformed, as S3
 * answers it (MalformedXML): a field is never dropped, so a conditional delete never becomes unconditional.
 */
import { childrenNamed, childText, MalformedXmlBody, parseXmlBody } from './xml-body';
import { escapeXml } from './xml-escape';

/** S3's limit on keys in one DeleteObjects. */
export const MAX_DELETE_KEYS = 1000;

/** The fields S3 takes inside `<Object>` (ObjectIdentifier), in its order. */
export const OBJECT_FIELDS = ['Key', 'VersionId', 'ETag', 'LastModifiedTime', 'Size'] as const;

export type DeleteObject = { Key: string } & Partial<Record<Exclude<(typeof OBJECT_FIELDS)[number], 'Key'>, string>>;

export interface DeleteRequest {
  /** `<Quiet>`'s text as sent, when sent. */
  quiet: string | undefined;
  objects: DeleteObject[];
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const refuse = (why: string): never => {
  throw new MalformedXmlBody(why);
};

/** The request as S3 reads it; `MalformedXmlBody` for anything S3 refuses as MalformedXML. */
export function parseDeleteRequest(xml: string): DeleteRequest {
  const root = parseXmlBody(xml, 'Delete', { maxDepth: 8, maxElements: MAX_DELETE_KEYS * (OBJECT_FIELDS.length + 1) + 2 });
  if (root.text.trim() !== '') refuse('text inside <Delete>');
  for (const child of root.children) if (child.name !== 'Object' && child.name !== 'Quiet') refuse(`<${child.name}> inside <Delete>`);
  const objects = childrenNamed(root, 'Object').map((object): DeleteObject => {
    if (object.text.trim() !== '') refuse('text inside <Object>');
    for (const child of object.children)
      if (!(OBJECT_FIELDS as readonly string[]).includes(child.name)) refuse(`<${child.name}> inside <Object>`);
    const fields: Partial<Record<(typeof OBJECT_FIELDS)[number], string>> = {};
    for (const name of OBJECT_FIELDS) {
      const value = childText(object, name);
      if (value !== undefined) fields[name] = value;
    }
    if (fields.Key === undefined) refuse('an <Object> with no <Key>');
    return fields as DeleteObject;
  });
  if (objects.length === 0) refuse('no <Object>');
  if (objects.length > MAX_DELETE_KEYS) refuse(`more than ${MAX_DELETE_KEYS} <Object>s`);
  return { quiet: childText(root, 'Quiet'), objects };
}

/** A fresh `<Delete>` document from the values (none of a client's markup survives in it). */
export function deleteRequestXml(request: DeleteRequest): string {
  const field = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`);
  const objects = request.objects.map((o) => `<Object>${OBJECT_FIELDS.map((name) => field(name, o[name])).join('')}</Object>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="${S3_NAMESPACE}">${objects}${field('Quiet', request.quiet)}</Delete>`;
}
