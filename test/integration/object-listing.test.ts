/**
 * `GET /volumes/{id}/objects` on the real local stack: folders and files by delimiter, keys relative to the volume's
 * root (never the root, never a key beside it), paging with a bound nextToken, the key rule on `prefix`, the limits,
 * who may list, the sampled audit trail, and S3's refusal in words a person can act on.
 */

import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { startTestStack, type TestStack } from '../support/local-stack';
import { type ApiCall, apiAs, customerClients, registerSdkVolume } from '../support/sdk-volume';

const ROOTED = { name: 'listing-rooted', bucket: 'listing-lab', prefix: 'runs', roleName: 'listing-rooted', policyName: 'vg' };
const WHOLE = { name: 'listing-whole', bucket: 'listing-whole-lab', prefix: '', roleName: 'listing-whole', policyName: 'vg' };
/** In the rooted volume's bucket: the volume's keys under `runs/`, and keys beside it that must never be listed. */
const ROOTED_KEYS = ['readme.txt', 'space and+plus.txt', 'a/1.txt', 'a/2.txt', 'b/x/deep.txt', ...[1, 2, 3, 4, 5].map((n) => `p/${n}.txt`)];
const BESIDE = ['runs-other/secret.txt', 'other/z.txt', 'runs.txt'];
/** A key XML 1.0 cannot carry as text (a control character), with unicode, `+`, `%` and spaces. */
const ODD_KEY = 'dir/ctrl\u0001 ünï+%20 ✓.txt';

let stack: TestStack;
let s3: S3Client;
let alice: ApiCall;
let rita: ApiCall;
let stranger: ApiCall;
let rootedId: string;
let wholeId: string;
const lines: string[] = [];
let undoSink: () => void;

const put = (bucket: string, key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
const list = (as: ApiCall, volumeId: string, query: Record<string, string> = {}) =>
  as('GET', `/volumes/${volumeId}/objects${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`);
const keysOf = (body: { objects: Array<{ key: string }> }) => body.objects.map((o) => o.key);

beforeAll(async () => {
  undoSink = setLogSink((line) => lines.push(line));
  stack = await startTestStack();
  s3 = customerClients(stack).s3;
  alice = apiAs(stack, stack.token({ sub: 'alice' }));
  rita = apiAs(stack, stack.token({ sub: 'rita' }));
  stranger = apiAs(stack, stack.token({ sub: 'mallory' }));
  rootedId = await registerSdkVolume(stack, alice, ROOTED);
  wholeId = await registerSdkVolume(stack, alice, WHOLE);
  await Promise.all([
    ...ROOTED_KEYS.map((key) => put(ROOTED.bucket, `runs/${key}`)),
    ...BESIDE.map((key) => put(ROOTED.bucket, key)),
    put(WHOLE.bucket, 'top.txt'),
    put(WHOLE.bucket, 'dir/inner.txt'),
    put(WHOLE.bucket, ODD_KEY),
  ]);
  expect((await alice('PUT', `/volumes/${rootedId}/members/rita`, { access: 'read' })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await stack?.close();
  undoSink?.();
});

describe('listing a volume', () => {
  it('lists files and folders at the root by delimiter, keys relative to the root, with size, date and ETag', async () => {
    const answer = await list(alice, rootedId, { delimiter: '/' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.prefixes).toEqual(['a/', 'b/', 'p/']);
    expect(keysOf(answer.body)).toEqual(['readme.txt', 'space and+plus.txt']);
    expect(answer.body.objects[0]).toEqual({
      key: 'readme.txt',
      size: Buffer.byteLength('body of runs/readme.txt'),
      lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
    expect(answer.body.nextToken).toBeUndefined();
    // Neither the root nor anything beside it is ever answered.
    expect(JSON.stringify(answer.body)).not.toMatch(/runs|other|secret/);
  });

  it('lists a nested prefix, and every key below the root without a delimiter', async () => {
    expect((await list(alice, rootedId, { prefix: 'b/', delimiter: '/' })).body).toEqual({ objects: [], prefixes: ['b/x/'] });
    expect(keysOf((await list(alice, rootedId, { prefix: 'b/x/', delimiter: '/' })).body)).toEqual(['b/x/deep.txt']);
    const all = await list(alice, rootedId);
    expect(keysOf(all.body)).toEqual([...ROOTED_KEYS].sort());
    expect(all.body.prefixes).toEqual([]);
  });

  it('lists a whole-bucket volume (empty root) with keys as they are in the bucket', async () => {
    const answer = await list(alice, wholeId, { delimiter: '/', prefix: '' });
    expect(answer.body).toMatchObject({ prefixes: ['dir/'], objects: [{ key: 'top.txt' }] });
    expect(keysOf((await list(alice, wholeId, { prefix: 'dir/' })).body)).toEqual([ODD_KEY, 'dir/inner.txt']);
  });

  it('pages with limit=2 and nextToken until the last page, which has none', async () => {
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const answer = await list(alice, rootedId, { prefix: 'p/', limit: '2', ...(nextToken ? { nextToken } : {}) });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      pages.push(keysOf(answer.body));
      nextToken = answer.body.nextToken;
    } while (nextToken && pages.length < 10);
    expect(pages).toEqual([['p/1.txt', 'p/2.txt'], ['p/3.txt', 'p/4.txt'], ['p/5.txt']]);
  });

  it('pages across folders and files: a page ending on a folder resumes after all of it', async () => {
    const first = await list(alice, rootedId, { delimiter: '/', limit: '2' });
    expect([first.body.prefixes, keysOf(first.body)]).toEqual([['a/', 'b/'], []]);
    const second = await list(alice, rootedId, { delimiter: '/', limit: '2', nextToken: first.body.nextToken });
    expect([second.body.prefixes, keysOf(second.body)]).toEqual([['p/'], ['readme.txt']]);
    const third = await list(alice, rootedId, { delimiter: '/', limit: '2', nextToken: second.body.nextToken });
    expect(third.body).toMatchObject({ prefixes: [], objects: [{ key: 'space and+plus.txt' }] });
    expect(third.body.nextToken).toBeUndefined();
  });

  it('refuses a tampered nextToken, one of another listing, and one resuming outside the prefix (400 InvalidNextToken)', async () => {
    const token: string = (await list(alice, rootedId, { prefix: 'p/', limit: '2' })).body.nextToken;
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const forged = (after: string) =>
      Buffer.from(JSON.stringify({ ...decoded, key: { ...decoded.key, after: Buffer.from(after).toString('base64url') } })).toString(
        'base64url',
      );
    const refused: Array<Record<string, string>> = [
      { prefix: 'p/', limit: '2', nextToken: `${token.slice(0, -4)}AAAA` },
      { prefix: 'p/', limit: '2', nextToken: 'not-a-token' },
      { prefix: 'a/', limit: '2', nextToken: token },
      { prefix: 'p/', delimiter: '/', limit: '2', nextToken: token },
      { prefix: 'p/', limit: '2', nextToken: forged('a/1.txt') },
      { prefix: 'p/', limit: '2', nextToken: forged('../runs-other/') },
    ];
    for (const query of refused) {
      const answer = await list(alice, rootedId, query);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({ query, status: 400, code: 'InvalidNextToken' });
    }
    // Another volume's token is refused too.
    expect((await list(alice, wholeId, { prefix: 'p/', limit: '2', nextToken: token })).body.code).toBe('InvalidNextToken');
  });

  it('refuses a prefix the key rule refuses (400 InvalidKey), and keeps a leading "/" inside the root', async () => {
    for (const prefix of ['..', '../', 'a/../../', './a/', 'a/./']) {
      const answer = await list(alice, rootedId, { prefix });
      expect({ prefix, status: answer.status, code: answer.body.code, field: answer.body.field }).toEqual({
        prefix,
        status: 400,
        code: 'InvalidKey',
        field: 'prefix',
      });
    }
    // As for every key: "/x" is root + "/x", inside the root, where nothing is.
    expect((await list(alice, rootedId, { prefix: '/', delimiter: '/' })).body).toEqual({ objects: [], prefixes: [] });
  });

  it('refuses a limit outside 1..1000 and a delimiter too long, naming the field (400 ValidationFailed)', async () => {
    for (const [field, value] of [
      ['limit', '0'],
      ['limit', '1001'],
      ['limit', 'abc'],
      ['limit', '1.5'],
      ['limit', '-1'],
      ['delimiter', 'x'.repeat(65)],
    ] as const) {
      const answer = await list(alice, rootedId, { [field]: value });
      expect({ value, status: answer.status, code: answer.body.code, field: answer.body.field }).toEqual({
        value,
        status: 400,
        code: 'ValidationFailed',
        field,
      });
      expect(answer.body.message).toContain(field === 'limit' ? '1 to 1000' : 'at most 64 characters');
    }
    expect((await list(alice, rootedId, { limit: '1000' })).status).toBe(200);
  });

  it('lets a reader member list, and answers a stranger the not found of every volume route', async () => {
    expect(keysOf((await list(rita, rootedId, { prefix: 'a/' })).body)).toEqual(['a/1.txt', 'a/2.txt']);
    const listed = await list(stranger, rootedId);
    const got = await stranger('GET', `/volumes/${rootedId}`);
    expect(listed.status).toBe(404);
    expect({ code: listed.body.code, message: listed.body.message }).toEqual({ code: got.body.code, message: got.body.message });
    expect(listed.body.code).toBe('VolumeNotFound');
  });

  it('records the first listing per member in the window in the audit trail, marked sampled', async () => {
    const trail = await alice('GET', `/volumes/${rootedId}/audit?limit=100`);
    const listings = (
      trail.body.items as Array<{ action: string; subject: string; outcome: string; detail: Record<string, unknown> }>
    ).filter((e) => e.action === 'objects.list');
    // Alice listed this volume many times above, Rita once: one event each, and the stranger none.
    expect(listings.map((e) => e.subject).sort()).toEqual(['alice', 'rita']);
    expect(listings.find((e) => e.subject === 'rita')).toMatchObject({
      outcome: 'succeeded',
      detail: { prefix: 'a/', limit: 1000, objects: 2, prefixes: 0, sampled: true, windowSeconds: 300 },
    });
  });

  it("answers S3's refusal (the role lost s3:ListBucket) as 403 S3Refused saying what to fix, and audits it", async () => {
    const { iam } = customerClients(stack);
    const noList = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${WHOLE.bucket}/*`] }],
    };
    await iam.send(
      new PutRolePolicyCommand({ RoleName: WHOLE.roleName, PolicyName: WHOLE.policyName, PolicyDocument: JSON.stringify(noList) }),
    );
    const answer = await list(alice, wholeId, { delimiter: '/' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(403);
    expect(answer.body).toMatchObject({ code: 'S3Refused', s3Code: 'AccessDenied' });
    expect(answer.body.message).toContain('s3:ListBucket');
    expect(answer.body.message).toContain(`POST /volumes/${wholeId}/verify`);
    const trail = await alice('GET', `/volumes/${wholeId}/audit?limit=100`);
    expect(trail.body.items).toContainEqual(
      expect.objectContaining({ action: 'objects.list', outcome: 'denied', detail: expect.objectContaining({ reason: 'S3Refused' }) }),
    );
  });
});
