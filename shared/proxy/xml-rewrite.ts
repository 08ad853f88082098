/**
 * Rewrites the text of chosen leaf elements of a small XML document (S3's listings, results and errors; a
 * DeleteObjects request) and leaves every other byte as it was. A rule is keyed by the element's path of local
 * names from the root (`ListBucketResult/Contents/Key`); it gets the unescaped text and returns the new text,
 * or null to drop the element. Entities are the five XML ones and character references; S3 writes no CDATA,
 * so CDATA inside a rewritten element is refused rather than guessed at.
 */
export type TextRule = (text: string) => string | null;

export class MalformedXml extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedXml';
  }
}

const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, entity: string | undefined) => {
    if (entity === undefined) throw new MalformedXml('a bare "&" in text');
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const named = NAMED[entity];
    if (named === undefined) throw new MalformedXml(`unknown entity ${whole}`);
    return named;
  });
}

/** Escapes text for an element: the markup characters, and control characters as references so they survive parsing. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"'\u0000-\u001f\u007f]/g, (c) => {
    const named = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c];
    return named ?? `&#${c.charCodeAt(0)};`;
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** The local name of the document's root element, or undefined when there is none. */
export function rootElement(xml: string): string | undefined {
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(xml); m; m = MARKUP.exec(xml)) {
    if (m[2] !== undefined && m[1] === '') return localName(m[2]);
  }
  return undefined;
}

export function rewriteXml(xml: string, rules: Record<string, TextRule>): string {
  const out: string[] = [];
  const stack: string[] = [];
  let pos = 0;
  /** The open tag just written, if nothing but text followed it yet: [its index in `out`, its path]. */
  let openLeaf: [number, string] | undefined;
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(xml); m; m = MARKUP.exec(xml)) {
    const text = xml.slice(pos, m.index);
    pos = m.index + m[0].length;
    const [whole, closing, rawName, selfClosing] = m;
    if (rawName === undefined) {
      // A comment, declaration, processing instruction or CDATA section.
      if (whole.startsWith('<![CDATA[') && openLeaf && rules[openLeaf[1]]) throw new MalformedXml('CDATA in a rewritten element');
      out.push(text, whole);
      if (!whole.startsWith('<![CDATA[')) openLeaf = undefined;
      continue;
    }
    const name = localName(rawName);
    if (closing) {
      if (stack.pop() !== name) throw new MalformedXml(`</${rawName}> does not close the open element`);
      const rule = openLeaf && rules[openLeaf[1]];
      if (openLeaf && rule) {
        const replaced = rule(unescapeXml(text));
        if (replaced === null) out.splice(openLeaf[0], 1);
        else out.push(escapeXml(replaced), whole);
      } else {
        out.push(text, whole);
      }
      openLeaf = undefined;
      continue;
    }
    out.push(text);
    if (selfClosing) {
      const path = [...stack, name].join('/');
      const rule = rules[path];
      const replaced = rule ? rule('') : '';
      if (replaced === null) continue;
      out.push(replaced === '' ? whole : `<${rawName}>${escapeXml(replaced)}</${rawName}>`);
      openLeaf = undefined;
      continue;
    }
    stack.push(name);
    out.push(whole);
    openLeaf = [out.length - 1, stack.join('/')];
  }
  if (stack.length > 0) throw new MalformedXml(`<${stack[stack.length - 1]}> is never closed`);
  out.push(xml.slice(pos));
  return out.join('');
}
