/**
 * The proxy's XML paths against hostile documents: DeleteObjects bodies whose keys hide markup (comments,
 * processing instructions, CDATA, entities, nested elements, DOCTYPE and entity bombs) either are refused with
 * a 4xx or reach S3 with every key, as S3's own parser reads it, under the volume's root (finding 3); S3's
 * listings round trip any key; every error document is well-formed XML 1.0 whatever it names (finding 7).
 */

import { Readable } from 'node:stream';
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { rewriteDeleteBody } from '../../shared/proxy/delete-objects';
import { S3Refusal } from '../../shared/proxy/errors';
import { rootOf } from '../../shared/proxy/keys';
import { rewriteResponse, UpstreamAnomaly } from '../../shared/proxy/response-rewrite';
import type { ProxyRequest } from '../../shared/proxy/types';
import { s3ErrorXml } from '../../shared/s3/error-xml';
import type { ParsedSigV4 } from '../../shared/sigv4';
import { anyKey, nastyPiece, validKey, volumePrefix } from './arbitraries';
import { fc } from './fuzz-config';
import { isStrictXml, textsAt } from './xml-oracle';

/** A minimal escaper for building test documents (the test's own, not the project's). */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** `esc`, and the control characters as character references, as S3 writes a key that has them. */
const escRefs = (text: string) =>
  esc(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);

/** What may sit inside a `<Key>`: text, and markup a naive rewriter reads differently from an XML parser. */
const keyPart = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(nastyPiece, fc.string({ maxLength: 6 })).map(esc) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<!-- -->',
      '<!--../-->',
      '<?pi ../../x?>',
      '<![CDATA[../]]>',
      '<![CDATA[<Key>]]>',
      '&amp;',
      '&#47;',
      '&#x2e;&#x2e;',
      '&lt;!--',
      '<Key>x</Key>',
      '<x/>',
      '&bogus;',
      '&',
      '<',
    ),
  },
);
const hostileKey = fc.array(keyPart, { minLength: 0, maxLength: 6 }).map((parts) => parts.join(''));

const deleteBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ keys: fc.array(hostileKey, { minLength: 1, maxLength: 5 }), quiet: fc.boolean(), decl: fc.boolean(), ns: fc.boolean() })
      .map(
        ({ keys, quiet, decl, ns }) =>
          `${decl ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}<Delete${ns ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : ''}>` +
          `${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}${quiet ? '<Quiet>true</Quiet>' : ''}</Delete>`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<!DOCTYPE d [<!ENTITY a "../../x">]><Delete><Object><Key>&a;</Key></Object></Delete>',
      `<!DOCTYPE d [<!ENTITY a ` +
        `"aaaaaaaaaa">` +
        `${Array.from({ length: 8 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><Delete>` +
        `<Object><Key>&a8;</Key></Object></Delete>`,
      `<Delete>${'<Object>'.repeat(500)}<Key>k</Key>${'</Object>'.repeat(500)}</Delete>`,
      '<Delete><Object><Key>a</Key></Object>',
      '<Delete/>',
      '<NotDelete><Object><Key>../x</Key></Object></NotDelete>',
      '',
      '\u0000\u0001',
      '<Delete><Object><Key>a</Key></Object></Delete><Delete><Object><Key>../../b</Key></Object></Delete>',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);

const parsedUnsigned = { payloadHash: 'UNSIGNED-PAYLOAD' } as ParsedSigV4;
const requestWith = (body: string): ProxyRequest => ({
  method: 'POST',
  rawPath: '/v',
  rawQuery: 'delete',
  headers: {},
  body: Readable.from([Buffer.from(body)]),
  requestId: 'FUZZ',
});

describe('DeleteObjects bodies', () => {
  test.prop([deleteBody, volumePrefix.filter((p) => p !== '')])(
    'are refused with a 4xx, or reach S3 with every key under the volume root as S3 parses it',
    async (body, prefix) => {
      const volume = { prefix };
      let sent: string;
      try {
        sent = (await rewriteDeleteBody(requestWith(body), parsedUnsigned, undefined, volume)).body.toString('utf8');
      } catch (error) {
        if (!(error instanceof S3Refusal)) throw error;
        expect(error.status).toBeGreaterThanOrEqual(400);
        expect(error.status).toBeLessThan(500);
        return;
      }
      const keys = textsAt(sent, 'Delete/Object/Key');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) if (key !== '') expect(key.startsWith(rootOf(volume)), `key ${JSON.stringify(key)} sent to S3`).toBe(true);
    },
  );
});

describe('S3 listings', () => {
  test.prop([fc.array(validKey, { minLength: 1, maxLength: 5 }), volumePrefix])(
    'give the client its own keys back, whatever they hold',
    (keys, prefix) => {
      const volume = { name: 'vol', bucket: 'real-bucket', prefix };
      const root = rootOf(volume);
      const contents = keys.map((k) => `<Contents><Key>${escRefs(root + k)}</Key></Contents>`).join('');
      const xml =
        '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Name>real-bucket</Name><Prefix>${esc(root)}</Prefix>${contents}</ListBucketResult>`;
      const out = rewriteResponse(xml, { volume, urlEncoded: false, requestId: 'R', origin: 'http://p' });
      expect(textsAt(out, 'ListBucketResult/Contents/Key')).toEqual(keys);
      expect(textsAt(out, 'ListBucketResult/Name')).toEqual(['vol']);
      expect(out).not.toContain('real-bucket');
    },
  );

  test.prop([fc.string({ maxLength: 30 }), volumePrefix.filter((p) => p !== '')])(
    'naming a key outside the root are an anomaly, never passed on',
    (key, prefix) => {
      const volume = { name: 'vol', bucket: 'real-bucket', prefix };
      fc.pre(key !== '' && !key.startsWith(rootOf(volume)));
      const xml =
        `<ListBucketResult><Name>real-bucket</Name><Contents><Key>${esc(key).replace(/[\u0000-\u001f]/g, '')}</Key>` +
        `</Contents></ListBucketResult>`;
      fc.pre(
        !esc(key)
          .replace(/[\u0000-\u001f]/g, '')
          .startsWith(esc(rootOf(volume))),
      );
      expect(() => rewriteResponse(xml, { volume, urlEncoded: false, requestId: 'R', origin: 'http://p' })).toThrow(UpstreamAnomaly);
    },
  );
});

describe('error documents', () => {
  test.prop([anyKey, fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })])(
    'are well-formed XML 1.0 whatever key, bucket or message they name (finding 7)',
    (key, bucket, message) => {
      expect(isStrictXml(s3ErrorXml('NoSuchKey', message, 'REQ', { Key: key, BucketName: bucket }))).toBe(true);
    },
  );

  test.prop([anyKey, volumePrefix])(
    'S3’s, rewritten by the proxy, are well-formed XML 1.0 and name no real bucket or root',
    (key, prefix) => {
      const volume = { name: 'vol', bucket: 'real-bucket', prefix };
      const raw =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>' +
        `<Key>${escRefs(rootOf(volume) + key)}</Key><BucketName>real-bucket</BucketName><RequestId>S3REQ</RequestId><HostId>h</HostId>` +
        `</Error>`;
      const out = rewriteResponse(raw, { volume, urlEncoded: false, requestId: 'OURS', origin: 'http://p', key });
      expect(isStrictXml(out), out).toBe(true);
      expect(out).not.toContain('real-bucket');
      expect(textsAt(out, 'Error/RequestId')).toEqual(['OURS']);
    },
  );
});
