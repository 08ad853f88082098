/**
 * XML read by a conforming XML 1.0 parser (saxes), which refuses what lenient ones let through: raw control
 * characters, references to characters XML cannot carry, undeclared entities. Gives each element's own text.
 */
import { SaxesParser } from 'saxes';

export interface StrictElement {
  /** Local names from the root, `Error/Key`. */
  path: string;
  text: string;
}

/** The elements of `xml` in document order; throws when the document is not well-formed XML 1.0. */
export function parseStrict(xml: string): StrictElement[] {
  const parser = new SaxesParser();
  const open: StrictElement[] = [];
  const done: StrictElement[] = [];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const name = tag.name.slice(tag.name.indexOf(':') + 1);
    open.push({ path: [...open.map((e) => e.path.split('/').at(-1)), name].join('/'), text: '' });
  });
  parser.on('text', (text) => {
    if (open.length > 0) open[open.length - 1]!.text += text;
  });
  parser.on('cdata', (text) => {
    if (open.length > 0) open[open.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    done.push(open.pop()!);
  });
  parser.write(xml).close();
  return done;
}

/** The text of the first element at `path`. */
export const strictText = (xml: string, path: string): string | undefined => parseStrict(xml).find((e) => e.path === path)?.text;
