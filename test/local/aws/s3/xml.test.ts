import { describe, expect, it } from 'vitest';
import { children, childText, parseXml, textOf } from '../../../../local/aws/s3/xml';
import { AwsError } from '../../../../local/aws/types';

describe('S3 XML', () => {
  it('parses text with entities, character references and CDATA, keeping whitespace', () => {
    const root = parseXml(
      '<Delete><Object><Key> a&amp;b&#13;&#x1F600; </Key></Object><Object><Key><![CDATA[<raw>]]></Key></Object></Delete>',
      'Delete',
    );
    const keys = children(root, 'Object').map((o) => childText(o, 'Key'));
    expect(keys).toEqual([' a&b\r😀 ', '<raw>']);
  });

  it('refuses malformed XML, the wrong root, a DOCTYPE and unknown entities as MalformedXML', () => {
    for (const [body, root] of [
      ['<Delete><Key>x</Delete>', 'Delete'],
      ['<Other/>', 'Delete'],
      ['<!DOCTYPE x [<!ENTITY e "e">]><Delete/>', 'Delete'],
      ['not xml', 'Delete'],
      ['<Delete><Key>&nbsp;</Key></Delete>', 'Delete'],
      ['<Delete/><Delete/>', 'Delete'],
      ['<Delete/>junk', 'Delete'],
      [`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, 'a'],
    ] as const) {
      expect(() => parseXml(body, root), body).toThrow(AwsError);
    }
    const root = parseXml('<Delete><Key>a<b>c</b></Key></Delete>', 'Delete');
    expect(() => textOf(children(root, 'Key')[0]!)).toThrow(AwsError);
  });

  it('reads text as XML says: comments and processing instructions are part of no text, CDATA is, in document order', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><s3:Delete xmlns:s3="x"><Key>../<!-- -->x</Key><Key>a<?pi ' +
        'x?>b</Key><Key>a<![CDATA[<&b>]]>c&amp;</Key></s3:Delete>',
      'Delete',
    );
    expect(children(root, 'Key').map(textOf)).toEqual(['../x', 'ab', 'a<&b>c&']);
  });
});
