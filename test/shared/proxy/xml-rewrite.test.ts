import { describe, expect, it } from 'vitest';
import { escapeXml, MalformedXml, rewriteXml, rootElement, unescapeXml } from '../../../shared/proxy/xml-rewrite';

describe('leaf rewriting of small XML documents', () => {
  it('rewrites the text of the elements named by path and leaves every other byte as it was', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="x"><Key>a</Key><C><Key>b</Key><Other>b</Other></C>\n  <C><Key>c</Key></C></R>';
    const out = rewriteXml(xml, { 'R/C/Key': (t) => t.toUpperCase() });
    expect(out).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="x"><Key>a</Key><C><Key>B</Key><Other>b</Other></C>\n  <C><Key>C</Key></C></R>');
  });

  it('unescapes before and escapes after, entities and character references included', () => {
    const xml = '<R><Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#10;&#x263A;</Key></R>';
    let seen = '';
    const out = rewriteXml(xml, { 'R/Key': (t) => ((seen = t), `x/${t}`) });
    expect(seen).toBe('a & b <c> "d" \'e\' \n☺');
    expect(unescapeXml(out.slice('<R><Key>'.length, -'</Key></R>'.length))).toBe('x/a & b <c> "d" \'e\' \n☺');
    expect(escapeXml('\r\t<&')).toBe('&#13;&#9;&lt;&amp;');
  });

  it('drops an element whose rule says null, and expands self-closing ones that gain text', () => {
    expect(rewriteXml('<E><Code>X</Code><HostId>h</HostId><Key/></E>', { 'E/HostId': () => null, 'E/Key': () => 'k' })).toBe('<E><Code>X</Code><Key>k</Key></E>');
  });

  it('ignores namespace prefixes in paths and knows the root element', () => {
    expect(rewriteXml('<s:R xmlns:s="x"><s:Key>a</s:Key></s:R>', { 'R/Key': () => 'b' })).toBe('<s:R xmlns:s="x"><s:Key>b</s:Key></s:R>');
    expect(rootElement('<?xml version="1.0"?>\n<!-- c --><Error><Code/></Error>')).toBe('Error');
  });

  it('refuses what it cannot rewrite faithfully: bare "&", unknown entities, CDATA in a rewritten element, unbalanced tags', () => {
    const rules = { 'R/Key': (t: string) => t };
    for (const xml of ['<R><Key>a & b</Key></R>', '<R><Key>&nbsp;</Key></R>', '<R><Key><![CDATA[x]]></Key></R>', '<R><Key>a</R>', '<R><Key>a</Key>']) {
      expect(() => rewriteXml(xml, rules)).toThrow(MalformedXml);
    }
  });
});
