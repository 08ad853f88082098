/**
 * S3's XML, both ways. Responses are built as strings with every text value escaped (XML 1.0 cannot carry
 * most control characters raw, so they go out as character references, as S3 sends them); request bodies
 * (CreateBucketConfiguration, CORSConfiguration, Delete, CompleteMultipartUpload) are validated, then
 * parsed without any entity expansion beyond XML's own five and numeric references.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformedXml } from './errors';
import { escapeXml } from './xml-escape';

export { escapeXml };

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

type Text = string | number | boolean | bigint;

/** `<name>escaped value</name>`, or nothing when the value is undefined. */
export function text(name: string, value: Text | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>`; children are already-built XML fragments (falsy ones are skipped). */
export function el(name: string, ...children: (string | false | undefined | null)[]): string {
  return `<${name}>${children.filter(Boolean).join('')}</${name}>`;
}

/** A whole response document: declaration, then the root element carrying S3's namespace. */
export function xmlDocument(root: string, ...children: (string | false | undefined | null)[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${children.filter(Boolean).join('')}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
  isArray: (_name, jpath) => typeof jpath === 'string' && jpath.split('.').length > 1,
});

/** One parsed element: its text, or its child elements by name (always arrays, below the root). */
export type XmlElement = string | { [name: string]: XmlElement[] | string | undefined };

/**
 * Parses a request body. Anything that is not well-formed XML with the expected root is `MalformedXML`,
 * as S3 answers. A DOCTYPE is refused outright: S3 bodies never need one, and it is where entity bombs live.
 */
export function parseXml(body: string, root: string): XmlElement {
  if (/<!DOCTYPE/i.test(body) || XMLValidator.validate(body) !== true) throw malformedXml();
  const doc = parser.parse(body) as Record<string, unknown>;
  const top = doc[root];
  if (top === undefined) throw malformedXml();
  return top as XmlElement;
}

/** The child elements called `name` (empty when there are none). */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  if (element === undefined || typeof element === 'string') return [];
  const value = element[name];
  return Array.isArray(value) ? value : [];
}

/** The decoded text of the single child `name`, undefined when absent; more than one is MalformedXML. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const found = children(element, name);
  if (found.length === 0) return undefined;
  if (found.length > 1) throw malformedXml();
  return textOf(found[0]!);
}

/** The text content of an element with entity and character references decoded; nested elements are MalformedXML. */
export function textOf(element: XmlElement): string {
  if (typeof element === 'string') return decodeEntities(element);
  let out = '';
  for (const [name, value] of Object.entries(element)) {
    if (name === '#text' && typeof value === 'string') out += decodeEntities(value);
    else if (name === '#cdata') out += Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')).join('') : (value ?? '');
    else throw malformedXml();
  }
  return out;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw malformedXml();
    const named = NAMED[ref];
    if (named !== undefined) return named;
    const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#([0-9]{1,7})$/.exec(ref)?.[1];
    if (num === undefined) throw malformedXml();
    const code = ref.startsWith('#x') ? parseInt(num, 16) : parseInt(num, 10);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw malformedXml();
    return String.fromCodePoint(code);
  });
}
