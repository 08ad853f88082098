/**
 * Rewrites the text of chosen leaf elements of S3's small XML answers (listings, results, errors) and leaves
 * every other byte as it was. A rule is keyed by the element's path of local names from the root
 * (`ListBucketResult/Contents/Key`); it gets the unescaped text and returns the new text, or null to drop the
 * element. A rewritten element must hold text only (entities and character references decoded): a comment,
 * processing instruction, CDATA section or element inside it is refused rather than guessed at, since a
 * rewrite that skipped part of it would pass a key on unmapped. S3 writes none of these. Request bodies are
 * not rewritten here: the proxy parses them (`delete-objects.ts`).
 */
import { decodeXmlText, MalformedXmlBody as MalformedXml } from '../s3/xml-body';
import { escapeXml } from '../s3/xml-escape';

export type TextRule = (text: string) => string | null;

/** XML the rewriter cannot read faithfully. */
export { MalformedXml };

const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;

/** Text with XML's entities and character references decoded; anything else is MalformedXml. */
export const unescapeXml = decodeXmlText;

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** The local name of the document's root element, or undefined when there is none. */
export function rootElement(xml: string): string | undefined {
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(xml); m; m = MARKUP.exec(xml)) {
    if (m[2] !== undefined && m[1] === '') return localName(m[2]);
  }
  return undefined;
}

/** Rewritten text carries characters XML 1.0 cannot as S3 does, as character references (`xml-escape.ts`). */
export function rewriteXml(xml: string, rules: Record<string, TextRule>): string {
  const out: string[] = [];
  const stack: string[] = [];
  let pos = 0;
  /** The rewritten element open now, if any: [the index of its open tag in `out`, its rule]. */
  let open: [number, TextRule] | undefined;
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(xml); m; m = MARKUP.exec(xml)) {
    const text = xml.slice(pos, m.index);
    pos = m.index + m[0].length;
    const [whole, closing, rawName, selfClosing] = m;
    const name = rawName === undefined ? undefined : localName(rawName);
    if (open && !(closing && name === stack[stack.length - 1]))
      throw new MalformedXml(`markup inside <${stack[stack.length - 1]}>, whose text is rewritten`);
    if (name === undefined) {
      // A comment, declaration, processing instruction or CDATA section, outside any rewritten element.
      out.push(text, whole);
      continue;
    }
    if (closing) {
      if (stack.pop() !== name) throw new MalformedXml(`</${rawName}> does not close the open element`);
      if (open) {
        const replaced = open[1](unescapeXml(text));
        if (replaced === null) out.splice(open[0], 1);
        else out.push(escapeXml(replaced), whole);
        open = undefined;
      } else {
        out.push(text, whole);
      }
      continue;
    }
    out.push(text);
    const path = [...stack, name].join('/');
    const rule = rules[path];
    if (selfClosing) {
      const replaced = rule ? rule('') : '';
      if (replaced === null) continue;
      out.push(replaced === '' ? whole : `<${rawName}>${escapeXml(replaced)}</${rawName}>`);
      continue;
    }
    stack.push(name);
    out.push(whole);
    if (rule) open = [out.length - 1, rule];
  }
  if (stack.length > 0) throw new MalformedXml(`<${stack[stack.length - 1]}> is never closed`);
  out.push(xml.slice(pos));
  return out.join('');
}
