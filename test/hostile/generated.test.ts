/**
 * Hostile campaign, generated: requests no table lists, built by fast-check from the pieces that broke things
 * before (nasty path segments, listing and subresource parameters, copy sources, unsigned x-amz-* headers,
 * DeleteObjects bodies with markup, odd methods), signed in every way a client can (gateway key, header or
 * presigned; a read member; a token as key id; a bearer; none; vended role credentials at the local S3) and sent
 * to every server of the real stack. Whatever comes, no 5xx (S3's 501 NotImplemented aside), no hang; then
 * nothing outside a volume root changed and the stack answers. `FUZZ_RUNS` scales it (`npm run fuzz`).
 */
import { test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { uriEncode } from '../../shared/sigv4/encoding';
import { fc, runs } from '../fuzz/fuzz-config';
import { type Answer, expectNo5xx, type HostileWorld, startHostileWorld } from './hostile-world';

let w: HostileWorld;
let vended: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

beforeAll(async () => {
  w = await startHostileWorld();
  expect((await w.signed(w.fronts.node, { method: 'PUT', path: '/alice-rw/keep.txt', body: 'legit' })).status).toBe(200);
  const creds = await w.api('alice', 'POST', `/volumes/${w.volumes['alice-rw'].id}/credentials`, {});
  vended = { accessKeyId: creds.json.AccessKeyId, secretAccessKey: creds.json.SecretAccessKey, sessionToken: creds.json.SessionToken };
}, 120_000);
afterAll(() => w?.close());

const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '',
    '%2e%2e',
    '.%2E',
    '%2F',
    '..%2F..',
    '%00',
    '%5C',
    '%C0%AE',
    '%EF%BB%BF',
    '%E2%80%AE',
    'keep.txt',
    'project-x',
    'other',
    'secret.txt',
    '%25',
    '+',
    '~',
    "'",
    '*',
  ),
  fc.string({ maxLength: 8 }).map((s) => uriEncode(s.replace(/[\ud800-\udfff]/g, ''))),
);
const volume = fc.constantFrom('alice-rw', 'alice-ro', 'hostile-lab', 'other-lab', '', '..', 'ALICE-RW', 'alice-rw%2F..');
const proxyPath = fc.tuple(volume, fc.array(segment, { maxLength: 5 })).map(([v, segments]) => `/${[v, ...segments].join('/')}`);
const queryName = fc.constantFrom(
  'prefix',
  'marker',
  'start-after',
  'continuation-token',
  'key-marker',
  'list-type',
  'uploads',
  'uploadId',
  'partNumber',
  'delete',
  'versionId',
  'acl',
  'tagging',
  'policy',
  'response-content-type',
  'response-content-disposition',
  'max-keys',
  'encoding-type',
  'x-id',
  'location',
);
const queryValue = fc
  .oneof(
    fc.constantFrom('', '2', '../', '../../other/', '0', '10001', '-1', 'a\r\nb', '\u0000', '\u2603', 'url'),
    fc.string({ maxLength: 10 }),
  )
  .map((s) => s.replace(/[\ud800-\udfff]/g, ''));
const headers = fc.dictionary(
  fc.constantFrom(
    'x-amz-copy-source',
    'x-amz-acl',
    'x-amz-meta-a',
    'range',
    'content-md5',
    'x-amz-tagging',
    'content-type',
    'x-amz-server-side-encryption',
    'if-match',
  ),
  fc.constantFrom(
    'alice-rw/keep.txt',
    'hostile-lab/other/secret.txt',
    'alice-rw/../other/secret.txt',
    'public-read',
    'bytes=0-',
    'bytes=-1',
    'bytes=9-1',
    'x',
    'AES256',
    '"x"',
  ),
  { maxKeys: 3 },
);
const deleteBody = fc
  .array(fc.constantFrom('keep.txt', '../other/secret.txt', '.<!---->./x', '<![CDATA[../x]]>', '&#46;&#46;/x', 'ok/1', ''), {
    minLength: 1,
    maxLength: 4,
  })
  .map((keys) => `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`);
const body = fc.option(fc.oneof(deleteBody, fc.string({ maxLength: 64 }), fc.constant('{"name": 1}')), { nil: undefined });

type Auth = 'key' | 'presigned' | 'reader' | 'jwt' | 'bearer' | 'none' | 'unsigned-extra';
const proxyRequest = fc.record({
  front: fc.constantFrom('functionUrl', 'node') as fc.Arbitrary<'functionUrl' | 'node'>,
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'),
  path: proxyPath,
  query: fc.dictionary(queryName, queryValue, { maxKeys: 3 }),
  headers,
  body,
  auth: fc.constantFrom<Auth>('key', 'key', 'presigned', 'reader', 'jwt', 'bearer', 'none', 'unsigned-extra'),
});

type ProxyCase = typeof proxyRequest extends fc.Arbitrary<infer T> ? T : never;

async function sendProxy(r: ProxyCase): Promise<Answer> {
  const base = w.fronts[r.front];
  const options = { method: r.method, path: r.path, query: r.query, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) };
  switch (r.auth) {
    case 'key':
      return w.signed(base, options);
    case 'presigned':
      return w.signed(base, { ...options, presign: true });
    case 'reader':
      return w.signed(base, { ...options, as: w.keys.reader });
    case 'jwt':
      return w.signed(base, { ...options, as: { accessKeyId: w.tokens.alice, secretAccessKey: 'any' } });
    case 'unsigned-extra':
      return w.signed(base, { ...options, headers: {}, unsigned: { 'x-amz-copy-source': 'alice-rw/keep.txt', ...r.headers } });
    default: {
      const query = Object.entries(r.query)
        .map(([n, v]) => `${uriEncode(n)}=${uriEncode(v)}`)
        .join('&');
      return w.raw(base, {
        method: r.method,
        path: `${r.path}${query ? `?${query}` : ''}`,
        headers: { ...r.headers, ...(r.auth === 'bearer' ? { authorization: `Bearer ${w.tokens.alice}` } : {}) },
        ...(r.body === undefined ? {} : { body: r.body }),
      });
    }
  }
}

describe('generated hostile requests', () => {
  test.prop([proxyRequest], runs(0.6))('to either proxy front are answered without a 5xx', async (r) => {
    expectNo5xx(await sendProxy(r), `${r.auth} ${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.headers)}`);
  });

  test.prop(
    [
      fc.record({
        method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
        path: fc
          .tuple(fc.constantFrom('hostile-lab', 'other-lab', 'hostile-lab/project-x'), fc.array(segment, { maxLength: 4 }))
          .map(([b, s]) => `/${[b, ...s].join('/')}`),
        query: fc.dictionary(queryName, queryValue, { maxKeys: 2 }),
        headers,
        body,
      }),
    ],
    runs(0.4),
  )('to the local S3 with the volume’s vended credentials are answered without a 5xx, and write only under the root', async (r) => {
    const answer = await w.signed(w.stack.info.awsEndpoint, { ...r, as: vended, ...(r.body === undefined ? {} : { body: r.body }) });
    expectNo5xx(answer, `${r.method} ${r.path} ${JSON.stringify(r.query)}`);
  });

  test.prop(
    [
      fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        path: fc
          .tuple(
            fc.constantFrom('volumes', 'access-keys', 'me', 'health', 'openapi.json', 'nope'),
            fc.array(
              fc.oneof(
                segment,
                fc.constantFrom(w_id('alice-rw'), 'members', 'credentials', 'presign', 'uploads', 'download', 'audit', 'verify'),
              ),
              { maxLength: 3 },
            ),
          )
          .map(([r, s]) => `/${[r, ...s].join('/')}`),
        body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 40 })), { nil: undefined }),
        who: fc.constantFrom('alice', 'mallory', null),
      }),
    ],
    runs(0.6),
  )('to the API are answered without a 5xx', async (r) => {
    const path = r.path.replace('{alice-rw}', w.volumes['alice-rw'].id);
    // The owner's writes are legitimate (a DELETE of her volume would succeed): she only reads here.
    const who = r.who === 'alice' && r.method !== 'GET' && r.method !== 'OPTIONS' ? 'mallory' : r.who;
    const answer = await w.api(who as 'alice' | 'mallory' | null, r.method, path, r.body);
    expect(answer.status, `${r.who} ${r.method} ${path} ${String(r.body).slice(0, 100)} → ${answer.body.slice(0, 200)}`).toBeLessThan(500);
  });

  test.prop([fc.constant(null)], { numRuns: 1 })('leave nothing outside a volume root, and the stack answering', async () => {
    await w.assertNothingOutside();
    await w.assertStackUp();
  });
});

/** A placeholder in generated API paths for a real volume id, filled in when the request is sent. */
function w_id(name: string): string {
  return `{${name}}`;
}
