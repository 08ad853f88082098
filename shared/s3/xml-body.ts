/**
 * S3 request bodies (Delete, CompleteMultipartUpload, CreateBucketConfiguration, CORSConfiguration) read as
 * S3 reads them: as XML, with a real parser. An element's text is what XML says it is: comments and
 * processing instructions are not part of it, CDATA sections are (verbatim, in document order), and the five
 * XML entities and character references are decoded. Nothing else is expanded: a DOCTYPE is refused outright
 * (S3 bodies never need one, and it is where entity bombs live), nesting is capped, and so is the number of
 * elements. Anything that is not one well-formed document is `MalformedXmlBody`, which callers answer as
 * S3's 400 MalformedXML.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class MalformedXmlBody extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedXmlBody';
  }
}

/** One element: its local name (namespace prefix removed), its child elements in order, and its text. */
export interface XmlBodyElement {
  name: string;
  children: XmlBodyElement[];
  /** The element's own text (not its children's), decoded. */
  text: string;
}

export interface XmlBodyLimits {
  /** Deepest nesting of elements accepted. */
  maxDepth?: number;
  /** Most elements accepted in the whole document. */
  maxElements?: number;
}

const parser = (maxDepth: number) =>
  new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    cdataPropName: '#cdata',
    maxNestedTags: maxDepth,
  });

const parsers = new Map<number, XMLParser>();

type Ordered = Record<string, unknown>;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text with XML's five entities and character references decoded; anything else after `&` is malformed. */
export function decodeXmlText(raw: string): string {
  return raw.replace(/&([^;&]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new MalformedXmlBody('a bare "&" in text');
    const named = NAMED[ref];
    if (named !== undefined) return named;
    const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#([0-9]{1,7})$/.exec(ref)?.[1];
    if (num === undefined) throw new MalformedXmlBody(`an unknown entity &${ref.slice(0, 20)};`);
    const code = ref.startsWith('#x') ? parseInt(num, 16) : parseInt(num, 10);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new MalformedXmlBody('a character reference to no character');
    return String.fromCodePoint(code);
  });
}

function toElement(node: Ordered): XmlBodyElement {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#cdata') throw new MalformedXmlBody('text where an element was expected');
  const element: XmlBodyElement = { name, children: [], text: '' };
  for (const child of (node[name] as Ordered[] | undefined) ?? []) {
    if ('#text' in child) element.text += decodeXmlText(String(child['#text']));
    else if ('#cdata' in child) element.text += ((child['#cdata'] as Ordered[]) ?? []).map((c) => String(c['#text'] ?? '')).join('');
    else element.children.push(toElement(child));
  }
  return element;
}

function countElements(element: XmlBodyElement): number {
  let count = 1;
  const stack = [...element.children];
  while (stack.length > 0) {
    const next = stack.pop()!;
    count++;
    stack.push(...next.children);
  }
  return count;
}

/** Parses `body`, whose root element must be called `root`. */
export function parseXmlBody(body: string, root: string, limits: XmlBodyLimits = {}): XmlBodyElement {
  const maxDepth = limits.maxDepth ?? 16;
  const maxElements = limits.maxElements ?? 100_000;
  if (/<!DOCTYPE/i.test(body)) throw new MalformedXmlBody('a DOCTYPE');
  // Every element has a '<' of its own: a cheap bound before anything is built.
  let opens = 0;
  for (let i = body.indexOf('<'); i !== -1; i = body.indexOf('<', i + 1))
    if (++opens > maxElements * 2 + 8) throw new MalformedXmlBody('too many elements');
  if (XMLValidator.validate(body) !== true) throw new MalformedXmlBody('not well-formed');
  // The validator lets text after a self-closing root through, and the parser drops it.
  if (body.slice(body.lastIndexOf('>') + 1).trim() !== '') throw new MalformedXmlBody('text after the root element');
  let nodes: Ordered[];
  try {
    let p = parsers.get(maxDepth);
    if (!p) {
      p = parser(maxDepth);
      parsers.set(maxDepth, p);
    }
    nodes = p.parse(body) as Ordered[];
  } catch (error) {
    throw new MalformedXmlBody(error instanceof Error ? error.message : 'not well-formed');
  }
  const elements = nodes.filter((n) => !('#text' in n));
  if (nodes.some((n) => '#text' in n && String(n['#text']).trim() !== '')) throw new MalformedXmlBody('text outside the root element');
  if (elements.length !== 1) throw new MalformedXmlBody('not exactly one root element');
  const top = toElement(elements[0]!);
  if (top.name !== root) throw new MalformedXmlBody(`the root element is not <${root}>`);
  if (countElements(top) > maxElements) throw new MalformedXmlBody('too many elements');
  return top;
}

/** The child elements called `name`. */
export const childrenNamed = (element: XmlBodyElement, name: string): XmlBodyElement[] => element.children.filter((c) => c.name === name);

/** The text of a leaf element; one holding elements is malformed where text is expected. */
export function leafText(element: XmlBodyElement): string {
  if (element.children.length > 0) throw new MalformedXmlBody(`<${element.name}> holds elements where text is expected`);
  return element.text;
}

/** The text of the single child `name`, undefined when absent; more than one is malformed. */
export function childText(element: XmlBodyElement, name: string): string | undefined {
  const found = childrenNamed(element, name);
  if (found.length === 0) return undefined;
  if (found.length > 1) throw new MalformedXmlBody(`more than one <${name}>`);
  return leafText(found[0]!);
}
