/**
 * The whole proxy core (authentication, classification, volume access, key mapping, forwarding, rewriting) with
 * the local S3 behind it, in process: generated, correctly signed requests of every operation, with hostile keys,
 * listing parameters, copy sources, DeleteObjects bodies and response-* overrides. Whatever is asked, the answer
 * is never a 5xx, and everything that reaches S3 names the volume's bucket and keys under its root only.
 */
import { test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { setLogSink } from '../../shared/log';
import { rootOf } from '../../shared/proxy/keys';
import { uriEncode } from '../../shared/sigv4/encoding';
import { bodyText, type ClientRequest, type ProxyWorld, proxyWorld } from '../shared/proxy/world';
import { anyKey, nastyPiece, validKey } from './arbitraries';
import { fc, runs } from './fuzz-config';
import { textsAt } from './xml-oracle';

let w: ProxyWorld;
let restoreSink: () => void;
beforeAll(async () => {
  // The core's metric lines go to the process's sink: kept, not printed, so a passing run is quiet.
  restoreSink = setLogSink(() => undefined);
  w = await proxyWorld();
  await w.send({ method: 'PUT', path: '/shared-genomes/seed.txt', body: 'seed' });
});
afterAll(async () => {
  await w?.cleanup();
  restoreSink();
});

const VOLUME = 'shared-genomes';
const clean = (text: string) => text.replace(/[\ud800-\udfff]/g, '');
const keyPath = (key: string, slashes: boolean) => `/${VOLUME}/${uriEncode(key, slashes)}`;
const text = fc.oneof(nastyPiece, fc.string({ maxLength: 12 }), validKey).map(clean);

const request: fc.Arbitrary<ClientRequest> = fc.oneof(
  fc
    .record({
      method: fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE'),
      key: fc.oneof(
        validKey,
        anyKey.map(clean).filter((k) => k !== ''),
      ),
      slashes: fc.boolean(),
      presign: fc.boolean(),
    })
    .map(({ method, key, slashes, presign }) => ({
      method,
      path: keyPath(key, slashes),
      ...(method === 'PUT' ? { body: 'x' } : {}),
      presign,
    })),
  fc
    .record({
      list: fc.constantFrom('1', '2', 'uploads'),
      params: fc.dictionary(
        fc.constantFrom('prefix', 'marker', 'start-after', 'continuation-token', 'key-marker', 'delimiter', 'max-keys', 'encoding-type'),
        text,
        { maxKeys: 4 },
      ),
    })
    .map(({ list, params }) => {
      const allowed =
        list === '1'
          ? ['prefix', 'marker', 'delimiter', 'max-keys', 'encoding-type']
          : list === '2'
            ? ['prefix', 'start-after', 'continuation-token', 'delimiter', 'max-keys', 'encoding-type']
            : ['prefix', 'key-marker', 'delimiter', 'encoding-type'];
      const query = Object.fromEntries(Object.entries(params).filter(([n]) => allowed.includes(n)));
      return {
        path: `/${VOLUME}`,
        query: { ...query, ...(list === '2' ? { 'list-type': '2' } : list === 'uploads' ? { uploads: '' } : {}) },
      };
    }),
  fc
    .record({
      key: validKey,
      source: fc.oneof(
        validKey.map((k) => `${VOLUME}/${uriEncode(k, true)}`),
        text,
        fc.constantFrom(
          '/shared-genomes/../x',
          'shared-genomes/%2e%2e/x',
          'lab-genomes/runs/2025/seed.txt',
          'other/x',
          '/shared-genomes//seed.txt',
          'shared-genomes/seed.txt?versionId=../../x',
          'shared-genomes',
        ),
      ),
    })
    .map(({ key, source }) => ({
      method: 'PUT',
      path: keyPath(key, false),
      headers: { 'x-amz-copy-source': source },
    })),
  fc
    .array(
      fc.oneof(
        text.map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
        fc.constantFrom('<!---->..', '<?x?>/..', '<![CDATA[../]]>', '&#x2e;&#x2e;/', '../', '<!DOCTYPE x>'),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((keys) => ({
      method: 'POST',
      path: `/${VOLUME}`,
      query: { delete: '' },
      body: `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`,
    })),
  fc
    .record({
      name: fc.constantFrom(
        'response-content-type',
        'response-content-disposition',
        'response-cache-control',
        'response-content-language',
        'response-expires',
        'response-content-encoding',
      ),
      value: fc
        .oneof(
          fc.string({ maxLength: 10 }),
          fc.constantFrom('a\r\nx-evil: 1', '\u0000', '\u2603', 'text/plain', 'attachment; filename="\u00e9.txt"', '\u00ff'),
        )
        .map(clean),
    })
    .map(({ name, value }) => ({
      path: `/${VOLUME}/seed.txt`,
      query: { [name]: value },
    })),
);

describe('any signed request through the proxy core', () => {
  test.prop([request], runs(0.5))(
    'is answered below 500 (or 501 NotImplemented), and reaches S3 only in the volume’s bucket, under its root',
    async (r) => {
      const before = w.sent.length;
      const response = await w.send(r);
      const body = await bodyText(response);
      // 501 NotImplemented is S3's own answer for what it does not do (and the proxy's for what it does not serve).
      const refusedAsS3Does = response.status === 501 && body.includes('<Code>NotImplemented</Code>');
      if (!refusedAsS3Does)
        expect(response.status, `${r.method ?? 'GET'} ${r.path} ${JSON.stringify(r.query ?? {})} → ${body.slice(0, 300)}`).toBeLessThan(
          500,
        );
      const root = rootOf(w.volume);
      for (const sent of w.sent.slice(before)) {
        expect(sent.bucket).toBe(w.volume.bucket);
        if (sent.key !== undefined) expect(sent.key.startsWith(root), sent.key).toBe(true);
        for (const [name, value] of sent.query)
          if (['prefix', 'marker', 'start-after', 'key-marker'].includes(name) && value !== '')
            expect(value.startsWith(root), `${name}=${value}`).toBe(true);
        const copy = sent.headers['x-amz-copy-source'];
        if (copy !== undefined) expect(decodeURIComponent(copy).startsWith(`/${w.volume.bucket}/${root}`), copy).toBe(true);
        if (Buffer.isBuffer(sent.body) && sent.query.some(([n]) => n === 'delete')) {
          for (const key of textsAt(sent.body.toString('utf8'), 'Delete/Object/Key'))
            if (key !== '') expect(key.startsWith(root), key).toBe(true);
        }
      }
    },
  );
});
