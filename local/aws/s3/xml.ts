/**
 * S3's XML, both ways. Responses are built as strings with every text value escaped (XML 1.0 cannot carry
 * most control characters raw, so they go out as character references, as S3 sends them); request bodies
 * (CreateBucketConfiguration, CORSConfiguration, Delete, CompleteMultipartUpload) are parsed by the one
 * request-body parser the proxy uses too, with no entity expansion beyond XML's own five and numeric references.
 */
import {
  childText as bodyChildText,
  childrenNamed,
  leafText,
  MalformedXmlBody,
  parseXmlBody,
  type XmlBodyElement,
} from '../../../shared/s3/xml-body';
import { escapeXml } from '../../../shared/s3/xml-escape';
import { malformedXml } from './errors';

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

/** One parsed element of a request body (see shared/s3/xml-body.ts). */
export type XmlElement = XmlBodyElement;

const malformed = <T>(read: () => T): T => {
  try {
    return read();
  } catch (error) {
    if (error instanceof MalformedXmlBody) throw malformedXml();
    throw error;
  }
};

/**
 * Parses a request body as S3 does. Anything that is not well-formed XML with the expected root is
 * `MalformedXML`; comments and processing instructions are not part of any text, a DOCTYPE is refused.
 */
export function parseXml(body: string, root: string): XmlElement {
  return malformed(() => parseXmlBody(body, root));
}

/** The child elements called `name` (empty when there are none). */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element === undefined ? [] : childrenNamed(element, name);
}

/** The decoded text of the single child `name`, undefined when absent; more than one is MalformedXML. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return element === undefined ? undefined : malformed(() => bodyChildText(element, name));
}

/** The text content of an element, references decoded and CDATA kept; nested elements are MalformedXML. */
export function textOf(element: XmlElement): string {
  return malformed(() => leafText(element));
}
