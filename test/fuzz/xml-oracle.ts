/**
 * How S3 reads an XML body, independently of the proxy's code: a real parser (fast-xml-parser, in document
 * order), comments and processing instructions part of no text, CDATA part of it verbatim, the five entities
 * and character references decoded. The fuzz suite checks the proxy's output with it, and a strict XML 1.0
 * check for documents every client must be able to read (error documents).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

type Node = Record<string, unknown>;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) =>
    ref.startsWith('#x')
      ? String.fromCodePoint(parseInt(ref.slice(2), 16))
      : ref.startsWith('#')
        ? String.fromCodePoint(parseInt(ref.slice(1), 10))
        : (NAMED[ref] ?? whole),
  );

function textOf(children: Node[]): string {
  let text = '';
  for (const child of children) {
    if ('#text' in child) text += decode(String(child['#text']));
    else if ('#cdata' in child) text += ((child['#cdata'] as Node[]) ?? []).map((c) => String(c['#text'] ?? '')).join('');
  }
  return text;
}

/** The text of every element at `path` (local names from the root, e.g. `Delete/Object/Key`), as S3 reads it. */
export function textsAt(xml: string, path: string): string[] {
  const names = path.split('/');
  const found: string[] = [];
  const walk = (nodes: Node[], depth: number) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@');
      if (name === undefined || name.startsWith('#') || name.startsWith('?')) continue;
      if (name.slice(name.indexOf(':') + 1) !== names[depth]) continue;
      const children = (node[name] as Node[]) ?? [];
      if (depth === names.length - 1) found.push(textOf(children));
      else walk(children, depth + 1);
    }
  };
  walk(parser.parse(xml) as Node[], 0);
  return found;
}

const XML_CHAR = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

/** Well-formed XML 1.0: well-formed markup, and no character (raw or referenced) that XML 1.0 cannot carry. */
export function isStrictXml(xml: string): boolean {
  if (XMLValidator.validate(xml) !== true) return false;
  for (const char of xml) if (!XML_CHAR(char.codePointAt(0)!) || (char.length === 1 && char >= '\ud800' && char <= '\udfff')) return false;
  for (const [, ref] of xml.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g))
    if (!XML_CHAR(ref!.startsWith('x') ? parseInt(ref!.slice(1), 16) : parseInt(ref!, 10))) return false;
  return true;
}
