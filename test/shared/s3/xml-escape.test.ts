/**
 * The one escaper, and the documents written with it, for any string: error documents (the proxy's, the
 * local S3's, S3's own as the proxy passes them on) are well-formed XML 1.0 for a conforming parser and keep
 * every character XML can carry; listings carry keys as S3 does (`&#x1;` for what XML cannot), which the AWS
 * SDK reads back exactly, and are well-formed XML 1.0 whenever the key is.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXML } from '@aws-sdk/xml-builder';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../../local/aws/s3/errors';
import { el, text, xmlDocument } from '../../../local/aws/s3/xml';
import { AwsError } from '../../../local/aws/types';
import { rewriteResponse } from '../../../shared/proxy/response-rewrite';
import { s3ErrorXml } from '../../../shared/s3/error-xml';
import { escapeXml, escapeXmlStrict, wellFormedXml } from '../../../shared/s3/xml-escape';
import { parseStrict, strictText } from './strict-xml';

const RUNS = { seed: 20_250_907, numRuns: Number(process.env.FUZZ_RUNS ?? 300) };

/** Strings rich in what XML finds hard: controls, CR, markup, noncharacters, lone surrogates, astral characters. */
const hard = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '\x00',
      '\x01',
      '\x08',
      '\x0b',
      '\x1f',
      '\t',
      '\n',
      '\r',
      '&',
      '<',
      '>',
      '"',
      "'",
      ']]>',
      '&#x1;',
      '\uFFFE',
      '\uFFFF',
      '\uD800',
      '\uDFFF',
      '😀',
      '\u2028',
      '\x7f',
      '\x85',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const XML_CHARS = /^(?:[\t\n\r\x20-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
/** What XML can carry of `s`: every other character becomes U+FFFD. */
const carried = (s: string) =>
  s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
/** `s` as it can be written in UTF-8 at all (lone surrogates cannot). */
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
/** What the AWS SDK reads for a key `s`: it reads whitespace-only text holding a newline as empty, whatever the XML. */
const sdkReads = (s: string) => (utf8(s).trim() === '' && utf8(s).includes('\n') ? '' : utf8(s));

const volume = { name: 'shared-genomes', bucket: 'lab-genomes', prefix: 'runs/2025' };
const ctx = { volume, urlEncoded: false, requestId: 'OURS', origin: 'https://proxy.example' };

describe('the one escaper', () => {
  it('writes markup as entities, CR as a reference, and what XML 1.0 cannot carry as S3 does or replaced', () => {
    expect(escapeXml(`<a href="x">&'\r\t\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#xD;\t\n');
    expect(escapeXml('a\x01b\x00\uFFFE')).toBe('a&#x1;b&#x0;&#xFFFE;');
    expect(escapeXmlStrict('a\x01b\x00\uFFFE\r')).toBe('a\uFFFDb\uFFFD\uFFFD&#xD;');
    expect(escapeXml('\uD800x😀')).toBe('\uFFFDx😀');
  });

  it('is the only XML escaper in shared/ and local/: no other module writes entities or hands the escaper on under its own name', () => {
    const root = join(__dirname, '../../..');
    const sources = ['shared', 'local'].flatMap((dir) =>
      (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)),
    );
    const others = sources.filter((file) => file !== join('shared', 's3', 'xml-escape.ts'));
    const offending = others.filter((file) =>
      /&(amp|lt|gt|quot|apos);|export \{[^}]*escapeXml|escapeXml\w* as /.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(others.length).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });

  it('makes a document S3 wrote with references to control characters well-formed, and leaves the rest as it was', () => {
    expect(wellFormedXml('<Error><Key>a&#x1;b&#13;&#x263A;&amp;</Key></Error>')).toBe(
      '<Error><Key>a\uFFFDb&#13;&#x263A;&amp;</Key></Error>',
    );
  });
});

describe('error documents are well-formed XML 1.0 for any string', () => {
  test.prop([hard, hard], RUNS)("the proxy's own (s3ErrorXml)", (key, bucket) => {
    const xml = s3ErrorXml('NoSuchKey', `No key ${key}`, 'REQ', { Key: key, BucketName: bucket });
    expect(strictText(xml, 'Error/Key')).toBe(carried(key));
    expect(strictText(xml, 'Error/BucketName')).toBe(carried(bucket));
    expect(strictText(xml, 'Error/Message')).toBe(carried(`No key ${key}`));
  });

  test.prop([hard], RUNS)("the local S3's (renderError)", (key) => {
    const response = renderError(new AwsError('NoSuchKey', `No key ${key}`, 404, { Key: key }), 'REQ', 'GET', () => undefined);
    expect(strictText(String(response.body), 'Error/Key')).toBe(carried(key));
  });

  test.prop([hard], RUNS)("S3's own, as the proxy passes it on", (key) => {
    const fromS3 =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not ` +
      `exist.</Message><Key>${escapeXml(`runs/2025/${key}`)}</Key><ArgumentValue>${escapeXml(key)}</ArgumentValue><RequestId>` +
      `R</RequestId></Error>`;
    const out = rewriteResponse(fromS3, ctx);
    expect(strictText(out, 'Error/Key')).toBe(carried(key));
    expect(strictText(out, 'Error/ArgumentValue')).toBe(carried(key));
  });
});

describe('listings carry any key as S3 does', () => {
  const listing = (key: string) => xmlDocument('ListBucketResult', text('Name', 'lab-genomes'), el('Contents', text('Key', key)));
  const sdkKey = (xml: string) => (parseXML(xml) as any).ListBucketResult.Contents.Key as string;

  test.prop([hard], RUNS)(
    "the local S3's: the AWS SDK reads the key back exactly; a conforming parser too, whenever XML can carry it",
    (key) => {
      const xml = listing(key);
      expect(sdkKey(xml)).toBe(sdkReads(key));
      if (XML_CHARS.test(utf8(key))) expect(strictText(xml, 'ListBucketResult/Contents/Key')).toBe(utf8(key));
      else expect(() => parseStrict(xml)).toThrow();
    },
  );

  test.prop([hard], RUNS)("the proxy's rewrite of S3's: the client's key, never the root, read back exactly", (key) => {
    const out = rewriteResponse(listing(`runs/2025/${key}`), ctx);
    expect(sdkKey(out)).toBe(sdkReads(key));
    expect(out).not.toContain('runs/2025');
    if (XML_CHARS.test(utf8(key))) expect(strictText(out, 'ListBucketResult/Contents/Key')).toBe(utf8(key));
  });
});
