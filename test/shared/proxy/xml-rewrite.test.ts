import { describe, expect, it } from 'vitest';
import { MalformedXml, rewriteXml, rootElement, unescapeXml } from '../../../shared/proxy/xml-rewrite';

describe('leaf rewriting of small XML documents', () => {
  it('rewrites the text of the elements named by path and leaves every other byte as it was', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="x"><Key>a</Key><C><Key>b</Key><Other>b</Other></C>\n  <C><Key>c</Key></C></R>';
    const out = rewriteXml(xml, { 'R/C/Key': (t) => t.toUpperCase() });
    expect(out).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="x"><Key>a</Key><C><Key>B</Key><Other>b</Other></C>\n  <C><Key>C</Key></C></R>',
    );
  });

  it('unescapes before and escapes after, entities and character references included', () => {
    const xml = '<R><Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#10;&#x263A;</Key></R>';
    let seen = '';
    const out = rewriteXml(xml, { 'R/Key': (t) => ((seen = t), `x/${t}`) });
    expect(seen).toBe('a & b <c> "d" \'e\' \n☺');
    expect(unescapeXml(out.slice('<R><Key>'.length, -'</Key></R>'.length))).toBe('x/a & b <c> "d" \'e\' \n☺');
    expect(rewriteXml('<R><Key>a</Key></R>', { 'R/Key': () => '\r\t<&\x01' })).toBe('<R><Key>&#xD;\t&lt;&amp;&#x1;</Key></R>');
  });

  it('drops an element whose rule says null, and expands self-closing ones that gain text', () => {
    expect(rewriteXml('<E><Code>X</Code><HostId>h</HostId><Key/></E>', { 'E/HostId': () => null, 'E/Key': () => 'k' })).toBe(
      '<E><Code>X</Code><Key>k</Key></E>',
    );
  });

  it('ignores namespace prefixes in paths and knows the root element', () => {
    expect(rewriteXml('<s:R xmlns:s="x"><s:Key>a</s:Key></s:R>', { 'R/Key': () => 'b' })).toBe('<s:R xmlns:s="x"><s:Key>b</s:Key></s:R>');
    expect(rootElement('<?xml version="1.0"?>\n<!-- c --><Error><Code/></Error>')).toBe('Error');
  });

  it('refuses what it cannot rewrite faithfully: bare "&", unknown entities, references to no character, unbalanced tags', () => {
    const rules = { 'R/Key': (t: string) => t };
    for (const xml of [
      '<R><Key>a & b</Key></R>',
      '<R><Key>&nbsp;</Key></R>',
      '<R><Key>&#xD800;</Key></R>',
      '<R><Key>&#x110000;</Key></R>',
      '<R><Key>a</R>',
      '<R><Key>a</Key>',
    ]) {
      expect(() => rewriteXml(xml, rules), xml).toThrow(MalformedXml);
    }
  });

  it(
    'refuses any markup inside a rewritten element (comment, processing instruction, CDATA, element), which would leave part of a ' +
      'key unmapped',
    () => {
      const rules = { 'R/Key': (t: string) => `root/${t}` };
      for (const xml of [
        '<R><Key>../<!-- -->x</Key></R>',
        '<R><Key>a<?pi?>b</Key></R>',
        '<R><Key><![CDATA[x]]></Key></R>',
        '<R><Key>a<b>c</b>d</Key></R>',
        '<R><Key>a<b/>d</Key></R>',
      ]) {
        expect(() => rewriteXml(xml, rules), xml).toThrow(MalformedXml);
      }
      expect(rewriteXml('<R><!-- c --><Key>a</Key><?pi?><Other><![CDATA[x]]></Other></R>', rules)).toBe(
        '<R><!-- c --><Key>root/a</Key><?pi?><Other><![CDATA[x]]></Other></R>',
      );
    },
  );
});
