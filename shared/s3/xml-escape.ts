/**
 * The one XML escaper of the project: the proxy, the local AWS and every error document write text with it.
 *
 * The five markup characters become XML's entities and `\r` a character reference (a parser would turn a raw
 * one into `\n`). Characters XML 1.0 cannot carry at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF)
 * are written one of two ways:
 * - `reference` (data: listings, results): `&#x1;`, which is what S3 itself writes for a key holding them.
 *   Lenient parsers (the AWS SDK for JavaScript's among them) read the key back exactly; strict ones refuse
 *   the document, which is why S3 offers `encoding-type=url`. A key is never changed into another key.
 * - `replace` (error documents): U+FFFD, so the document is well-formed XML 1.0 for every parser and every
 *   client gets the error's code; the values there (a key, a bucket name) only describe the request.
 * A lone surrogate cannot be written in UTF-8 at all and is U+FFFD in both.
 */
const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const SPECIAL = /[&<>"'\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type Unrepresentable = 'reference' | 'replace';

/** Escapes text for element content (or a quoted attribute value). */
export function escapeXml(value: string, unrepresentable: Unrepresentable = 'reference'): string {
  return value.replace(SPECIAL, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    if (c === '\r') return '&#xD;';
    if (c.length === 1 && c >= '\uD800' && c <= '\uDFFF') return '\uFFFD';
    return unrepresentable === 'reference' ? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};` : '\uFFFD';
  });
}

/** For error documents: well-formed XML 1.0 whatever the text holds. */
export const escapeXmlStrict = (value: string): string => escapeXml(value, 'replace');

const XML_CHAR = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

/**
 * A document someone else wrote (S3's error documents, which carry a key's control characters as `&#x1;`)
 * made well-formed XML 1.0: every character reference to, and every raw occurrence of, a character XML cannot
 * carry becomes U+FFFD. Everything else is left as it was.
 */
export function wellFormedXml(xml: string): string {
  return xml
    .replace(/&#(x[0-9a-fA-F]+|[0-9]+);/g, (ref, num: string) =>
      XML_CHAR(num.startsWith('x') ? parseInt(num.slice(1), 16) : parseInt(num, 10)) ? ref : '\uFFFD',
    )
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
