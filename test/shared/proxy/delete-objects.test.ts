/**
 * DeleteObjects through the proxy's core with the local S3 behind it: the body is read as XML (a comment,
 * processing instruction, CDATA section or reference inside a key is what XML says it is, never a way past the
 * key mapping), refused whole as S3 refuses it, every key checked before anything is sent, and S3 gets a
 * document built afresh. Whatever the body, the answer is a 4xx or a result, never a 5xx, and every key sent
 * is under the volume's root.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fc, test } from '@fast-check/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rewriteDeleteBody } from '../../../shared/proxy/delete-objects';
import { S3Refusal } from '../../../shared/proxy/errors';
import type { ProxyRequest } from '../../../shared/proxy/types';
import { parseDeleteRequest } from '../../../shared/s3/delete-request';
import type { ParsedSigV4 } from '../../../shared/sigv4';
import { encode } from '../sigv4/helpers';
import { bodyText, type ProxyWorld, proxyWorld } from './world';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

const path = (key: string) => `/shared-genomes/${key.split('/').map(encode).join('/')}`;
const put = (key: string) => w.send({ method: 'PUT', path: path(key), body: key });
const exists = async (key: string) => (await w.send({ method: 'HEAD', path: path(key) })).status === 200;
const deleteBatch = (body: string) =>
  w.send({
    method: 'POST',
    path: '/shared-genomes',
    query: { delete: '' },
    body,
    headers: { 'content-md5': createHash('md5').update(body).digest('base64'), 'content-type': 'application/xml' },
  });
const batch = (...objects: string[]) => `<Delete>${objects.map((o) => `<Object>${o}</Object>`).join('')}</Delete>`;
const deletesSent = () => w.sent.filter((r) => r.method === 'POST');
/** What S3 was sent, read by the local S3's own parser. */
const sentKeys = () => parseDeleteRequest(String(deletesSent().at(-1)!.body)).objects.map((o) => o.Key);

describe('a hostile key in a batch', () => {
  const hostile: Array<[string, string]> = [
    ['a comment inside a dot segment', '<Key>../<!-- -->x</Key>'],
    ['a processing instruction inside a dot segment', '<Key>..<?pi?>/x</Key>'],
    ['a CDATA section', '<Key><![CDATA[../x]]></Key>'],
    ['decimal character references', '<Key>&#46;&#46;/x</Key>'],
    ['hexadecimal character references', '<Key>&#x2E;./x</Key>'],
    ['a comment splitting a later segment', '<Key>a/..<!--x-->/../x</Key>'],
  ];
  for (const [what, key] of hostile) {
    it(`(${what}) refuses the whole batch with 400 before anything reaches S3, and the legitimate key is still there`, async () => {
      await put('keep');
      const response = await deleteBatch(batch('<Key>keep</Key>', key));
      expect(response.status).toBe(400);
      expect(await bodyText(response)).toMatch(/<Code>InvalidArgument<\/Code>/);
      expect(deletesSent()).toEqual([]);
      expect(await exists('keep')).toBe(true);
    });
  }
});

describe('bodies S3 refuses are MalformedXML, refused whole', () => {
  const keep = '<Object><Key>keep</Key></Object>';
  const refused: Array<[string, string]> = [
    ['a DOCTYPE with an entity', `<!DOCTYPE d [<!ENTITY e "../x">]><Delete>${keep}<Object><Key>&e;</Key></Object></Delete>`],
    ['an unknown entity', `<Delete>${keep}<Object><Key>&nbsp;</Key></Object></Delete>`],
    ['a bare ampersand', `<Delete>${keep}<Object><Key>a & b</Key></Object></Delete>`],
    ['unbalanced tags', `<Delete>${keep}<Object><Key>x</Object></Delete>`],
    ['another root', `<Remove>${keep}</Remove>`],
    ['two roots', `<Delete>${keep}</Delete><Delete>${keep}</Delete>`],
    ['text after the root', `<Delete>${keep}</Delete>junk`],
    ['no Object', '<Delete><Quiet>true</Quiet></Delete>'],
    ['an Object with no Key', `<Delete>${keep}<Object><VersionId>v</VersionId></Object></Delete>`],
    ['an Object with two Keys', `<Delete>${keep}<Object><Key>a</Key><Key>b</Key></Object></Delete>`],
    ['an element S3 does not define in an Object', `<Delete>${keep}<Object><Key>a</Key><IfMatch>x</IfMatch></Object></Delete>`],
    ['an element S3 does not define in Delete', `<Delete>${keep}<Bucket>other</Bucket></Delete>`],
    ['a Key holding an element', `<Delete>${keep}<Object><Key>a<b>c</b></Key></Object></Delete>`],
    ['text beside the Objects', `<Delete>${keep}text</Delete>`],
    ['1,001 keys', batch(...Array.from({ length: 1001 }, (_, i) => `<Key>k${i}</Key>`))],
    ['nesting deeper than S3 bodies go', `<Delete>${keep}${'<Object>'.repeat(200)}${'</Object>'.repeat(200)}</Delete>`],
    ['not XML', 'keep'],
    ['an empty body', ''],
  ];
  for (const [what, body] of refused) {
    it(`${what}`, async () => {
      await put('keep');
      const response = await deleteBatch(body);
      expect(response.status).toBe(400);
      expect(await bodyText(response)).toMatch(/<Code>MalformedXML<\/Code>/);
      expect(deletesSent()).toEqual([]);
      expect(await exists('keep')).toBe(true);
    });
  }
});

describe('keys as XML reads them', () => {
  it('a comment, processing instruction, CDATA or reference in a key deletes exactly the key the XML means, under the root', async () => {
    for (const key of ['gone/a', 'gone/b', 'gone/<c>', 'gone/d', 'keep']) await put(key);
    const response = await deleteBatch(
      batch('<Key>gone/<!-- c -->a</Key>', '<Key>gone/<?pi x?>b</Key>', '<Key>gone/<![CDATA[<c>]]></Key>', '<Key>gone/&#x64;</Key>'),
    );
    expect(response.status).toBe(200);
    const answer = await bodyText(response);
    expect([...answer.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['gone/a', 'gone/b', 'gone/&lt;c&gt;', 'gone/d']);
    expect(sentKeys()).toEqual(['runs/2025/gone/a', 'runs/2025/gone/b', 'runs/2025/gone/<c>', 'runs/2025/gone/d']);
    for (const key of ['gone/a', 'gone/b', 'gone/<c>', 'gone/d']) expect(await exists(key)).toBe(false);
    expect(await exists('keep')).toBe(true);
  });

  it("S3 gets a new document: the fields it takes (Quiet, VersionId, ETag, LastModifiedTime, Size), not the client's markup", async () => {
    await put('a');
    const body =
      `<?xml version="1.0"?><!-- hi --><s3:Delete ` +
      `xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Quiet>true</s3:Quiet><s3:Object><s3:Size>1</s3:Size><s3:Key>a</s3:Key>` +
      `<s3:ETag>"e&amp;"</s3:ETag><s3:LastModifiedTime>2025-01-01T00:00:00Z</s3:LastModifiedTime></s3:Object></s3:Delete>`;
    expect((await deleteBatch(body)).status).toBe(200);
    expect(String(deletesSent()[0]!.body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Delete ' +
        'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>runs/2025/a</Key><ETag>&quot;e&amp;&quot;</ETag>' +
        '<LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime><Size>1</Size></Object><Quiet>true</Quiet></Delete>',
    );
  });

  it("an empty key stays empty, so S3 answers it UserKeyMustBeSpecified instead of deleting the root's own key", async () => {
    await w.s3.send({ method: 'PUT', path: '/lab-genomes/runs/2025/', body: 'folder' });
    const response = await deleteBatch(batch('<Key></Key>'));
    expect(response.status).toBe(200);
    expect(await bodyText(response)).toMatch(/<Error><Key><\/Key><Code>UserKeyMustBeSpecified<\/Code>/);
    expect((await w.s3.send({ method: 'HEAD', path: '/lab-genomes/runs/2025/' })).status).toBe(200);
  });
});

describe('any body', () => {
  const fragment = fc.constantFrom(
    '<!-- c -->',
    '<?pi?>',
    '<![CDATA[',
    ']]>',
    '&#46;',
    '&#x2E;',
    '&amp;',
    '&lt;',
    '&e;',
    '../',
    '..',
    '/',
    '.',
    'a',
    ' ',
    '\x01',
    '<Key>',
    '</Key>',
    '<Object>',
    '</Object>',
    '<b/>',
    '&',
    '<',
    '>',
  );
  const key = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(''));
  const body = fc
    .tuple(
      fc.array(key, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.constantFrom('', '<!DOCTYPE d [<!ENTITY e "../x">]>', '<?xml version="1.0"?>'),
    )
    .map(
      ([keys, quiet, prolog]) =>
        `${prolog}<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}${quiet ? '<Quiet>true</Quiet>' : ''}</Delete>`,
    );
  const request = (xml: string) => ({ headers: {}, body: Readable.from([Buffer.from(xml)]) }) as unknown as ProxyRequest;
  const unsigned = { payloadHash: 'UNSIGNED-PAYLOAD' } as ParsedSigV4;

  test.prop([fc.oneof(body, fc.string({ unit: fragment }))], { seed: 20_250_907, numRuns: Number(process.env.FUZZ_RUNS ?? 120) })(
    'is refused with a 4xx S3 error, or becomes a document whose every key is under the root',
    async (xml) => {
      try {
        const rewritten = await rewriteDeleteBody(request(xml), unsigned, undefined, { prefix: 'root' });
        for (const sent of parseDeleteRequest(rewritten.body.toString('utf8')).objects) {
          expect(sent.Key === '' || sent.Key.startsWith('root/')).toBe(true);
          expect(sent.Key.split('/')).not.toContain('..');
        }
      } catch (error) {
        expect(error).toBeInstanceOf(S3Refusal);
        expect((error as S3Refusal).status).toBe(400);
      }
    },
  );
});
