/**
 * Share links on the real local stack (issue 14 §2): alice (the volume's admin) and bob (a reader) make links to
 * `big.bin`; anyone holding a link's URL downloads it with no token (`curl -L`, `wget`, fetch), as the creator,
 * until it is revoked, expires, is used up or its creator can no longer read the volume, each refused with its
 * own code (JSON, or an HTML page for browsers). The whole process's clock (`Date`) is moved to age links, so the
 * service and the local AWS agree on the time. The tokens must never reach a log line.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../../shared/log';
import { BIG_BYTES, BIG_KEY, type OneVolume, startOneVolume, VOLUME } from '../resilience/one-volume';

const exec = promisify(execFile);
let world: OneVolume;
let volumeId: string;
const tokens: string[] = [];
const handlerLines: string[] = [];
let undoSink: () => void;
const BIG_SHA = createHash('sha256').update(Buffer.alloc(BIG_BYTES, 7)).digest('hex');
const DAY = 24 * 3600 * 1000;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The API as `sub` (a fresh token each call: the clock moves in this file). */
async function as(sub: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${world.stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${world.stack.token({ sub })}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function createLink(sub: string, body: Record<string, unknown> = {}): Promise<{ id: string; url: string; [k: string]: unknown }> {
  const created = await as(sub, 'POST', `/volumes/${volumeId}/links`, { key: BIG_KEY, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tokens.push(created.body.url.split('/l/')[1]);
  return created.body;
}

/** One use of a link, not following the redirect. */
async function use(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), type: response.headers.get('content-type'), text };
}

const codeOf = (answer: { text: string }) => JSON.parse(answer.text).code;

beforeAll(async () => {
  undoSink = setLogSink((line) => handlerLines.push(line));
  world = await startOneVolume();
  volumeId = (await world.api('GET', '/volumes')).body.items.find((v: { name: string }) => v.name === VOLUME).id;
  expect((await world.api('PUT', `/volumes/${volumeId}/members/bob`, { access: 'read' })).status).toBe(200);
  expect((await world.api('PUT', `/volumes/${volumeId}/members/carol`, { access: 'read' })).status).toBe(200);
}, 120_000);

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  undoSink?.();
  await world?.stack.close();
});

describe('share links', () => {
  it(
    'a created link answers its fields, and curl -L, wget and a server-side fetch download the object with no token, under the ' +
      'link filename',
    async () => {
      const link = await createLink('alice', { filename: 'résumé big.bin' });
      expect(link).toMatchObject({ key: BIG_KEY, downloads: 0, maxDownloads: null, createdBy: 'alice', status: 'active' });
      expect(link.id).toMatch(/^lnk-[0-9a-z]{26}$/);
      expect(link.url).toMatch(new RegExp(`^${world.stack.info.apiUrl}/l/[A-Za-z0-9_-]{43}$`));
      const week = Date.parse(link.expiresAt as string) - Date.parse(link.createdAt as string);
      expect(week).toBe(7 * 24 * 3600 * 1000);

      const dir = mkdtempSync(join(tmpdir(), 'vg-links-'));
      const out = join(dir, 'curl.bin');
      const { stdout } = await exec('curl', ['-sS', '-L', '-o', out, '-D', '-', '-w', '%{http_code}', link.url]);
      expect(stdout.trim().endsWith('200')).toBe(true);
      expect(stdout).toMatch(/^HTTP\/1\.1 302/m);
      expect(stdout.toLowerCase()).toContain(
        'content-disposition: attachment; filename="r_sum_ big.bin"; filename*=utf-8\'\'r%c3%a9sum%c3%a9%20big.bin',
      );
      expect(sha256(readFileSync(out))).toBe(BIG_SHA);

      if (existsSync('/usr/bin/wget')) {
        const viaWget = join(dir, 'wget.bin');
        await exec('wget', ['-q', '-O', viaWget, link.url]);
        expect(sha256(readFileSync(viaWget))).toBe(BIG_SHA);
      }
      // A platform's "import from URL": a server-side fetch that follows redirects.
      const imported = await fetch(link.url);
      expect([imported.status, sha256(new Uint8Array(await imported.arrayBuffer()))]).toEqual([200, BIG_SHA]);
      const listed = await as('alice', 'GET', `/volumes/${volumeId}/links`);
      expect(listed.body.items.find((l: { id: string }) => l.id === link.id).downloads).toBe(existsSync('/usr/bin/wget') ? 3 : 2);
    },
  );

  it('the redirect is a presigned GET that lives at most 5 minutes; a HEAD redirects to a presigned HEAD and is not counted', async () => {
    const link = await createLink('alice', { maxDownloads: 1 });
    const head = await use(link.url, { method: 'HEAD' });
    expect(head.status).toBe(302);
    const headUrl = new URL(head.location!);
    expect(Number(headUrl.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
    expect((await fetch(headUrl, { method: 'HEAD' })).headers.get('content-length')).toBe(String(BIG_BYTES));
    const { stdout } = await exec('curl', ['-sS', '-I', '-L', '-o', '/dev/null', '-w', '%{http_code}', link.url]);
    expect(stdout).toBe('200');

    const get = await use(link.url);
    expect(get.status).toBe(302);
    expect(Number(new URL(get.location!).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
    expect(sha256(new Uint8Array(await (await fetch(get.location!)).arrayBuffer()))).toBe(BIG_SHA);
    const again = await use(link.url);
    expect([again.status, codeOf(again)]).toEqual([410, 'LinkExhausted']);
  });

  it('of N parallel downloads of a maxDownloads=3 link exactly 3 are redirected; the others are 410 LinkExhausted', async () => {
    const link = await createLink('alice', { maxDownloads: 3 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => use(link.url)));
    expect(answers.filter((a) => a.status === 302)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 410).map(codeOf)).toEqual(Array(9).fill('LinkExhausted'));
    const listed = await as('alice', 'GET', `/volumes/${volumeId}/links`);
    expect(listed.body.items.find((l: { id: string }) => l.id === link.id)).toMatchObject({ downloads: 3, status: 'exhausted' });
  });

  it('an unknown token is 404 LinkNotFound: JSON for API clients, an escaped HTML page without script for browsers', async () => {
    const unknown = `${world.stack.info.apiUrl}/l/${'A'.repeat(43)}`;
    const json = await use(unknown);
    expect(json.status).toBe(404);
    expect(JSON.parse(json.text)).toMatchObject({ code: 'LinkNotFound', requestId: expect.any(String) });
    expect(json.type).toMatch(/^application\/json/);
    const html = await use(`${world.stack.info.apiUrl}/l/%3Cscript%3Ealert(1)%3C%2Fscript%3E`, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(html.status).toBe(404);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain('Link not found');
    expect(html.text).not.toMatch(/<script/i);
  });

  it('members see their own links, admins every link; a list never shows a token or URL', async () => {
    const bobs = await createLink('bob');
    const alices = await createLink('alice');
    const forBob = await as('bob', 'GET', `/volumes/${volumeId}/links`);
    expect(forBob.status).toBe(200);
    expect(forBob.body.items.map((l: { createdBy: string }) => l.createdBy)).toEqual(['bob']);
    expect(forBob.body.items[0].id).toBe(bobs.id);
    const forAlice = await as('alice', 'GET', `/volumes/${volumeId}/links`);
    const ids = forAlice.body.items.map((l: { id: string }) => l.id);
    expect(ids).toContain(bobs.id);
    expect(ids.indexOf(alices.id)).toBeLessThan(ids.indexOf(bobs.id));
    const text = JSON.stringify([forBob.body, forAlice.body]);
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).not.toContain('/l/');
    const paged = await as('alice', 'GET', `/volumes/${volumeId}/links?limit=1`);
    expect(paged.body.items).toHaveLength(1);
    const next = await as('alice', 'GET', `/volumes/${volumeId}/links?limit=1&nextToken=${paged.body.nextToken}`);
    expect(next.body.items[0].id).not.toBe(paged.body.items[0].id);
    expect((await as('mallory', 'GET', `/volumes/${volumeId}/links`)).status).toBe(404);
  });

  it('revoking: another member is refused, the creator revokes, and the link is then 410 LinkRevoked', async () => {
    const link = await createLink('bob');
    const byCarol = await as('carol', 'DELETE', `/volumes/${volumeId}/links/${link.id}`);
    expect([byCarol.status, byCarol.body.code]).toEqual([403, 'NotLinkCreator']);
    expect((await use(link.url)).status).toBe(302);
    expect((await as('bob', 'DELETE', `/volumes/${volumeId}/links/${link.id}`)).status).toBe(204);
    const after = await use(link.url);
    expect([after.status, codeOf(after)]).toEqual([410, 'LinkRevoked']);
    const missing = await as('bob', 'DELETE', `/volumes/${volumeId}/links/lnk-00000000000000000000000000`);
    expect([missing.status, missing.body.code]).toEqual([404, 'LinkNotFound']);
    const byAdmin = await createLink('bob');
    expect((await as('alice', 'DELETE', `/volumes/${volumeId}/links/${byAdmin.id}`)).status).toBe(204);
    expect(codeOf(await use(byAdmin.url))).toBe('LinkRevoked');
  });

  it(
    'a link is 410 LinkExpired once expiresIn has passed, for a week, then 404 once swept (expiresIn below a minute or above 30 ' +
      'days is refused)',
    async () => {
      for (const expiresIn of [59, 2_592_001]) {
        const refused = await as('alice', 'POST', `/volumes/${volumeId}/links`, { key: BIG_KEY, expiresIn });
        expect([refused.status, refused.body.field]).toEqual([400, 'expiresIn']);
      }
      const link = await createLink('alice', { expiresIn: 60 });
      expect((await use(link.url)).status).toBe(302);
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      vi.setSystemTime(Date.now() + 61_000);
      const expired = await use(link.url);
      expect([expired.status, codeOf(expired)]).toEqual([410, 'LinkExpired']);
      // Kept (and answered 410) for a week past its end, then swept by the table's TTL: 404.
      vi.setSystemTime(Date.now() + 6 * DAY);
      await world.stack.dynamo.sweepExpired();
      expect(codeOf(await use(link.url))).toBe('LinkExpired');
      vi.setSystemTime(Date.now() + 2 * DAY);
      await world.stack.dynamo.sweepExpired();
      expect(codeOf(await use(link.url))).toBe('LinkNotFound');
    },
  );

  it('a link is 410 LinkInactive once its creator is no longer a member, and when the volume is not active', async () => {
    const link = await createLink('carol');
    expect((await use(link.url)).status).toBe(302);
    expect((await as('alice', 'DELETE', `/volumes/${volumeId}/members/carol`)).status).toBe(204);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    // Past the hot path's brief volume cache (5 s).
    vi.setSystemTime(Date.now() + 6_000);
    const inactive = await use(link.url, { headers: { accept: 'text/html' } });
    expect(inactive.status).toBe(410);
    expect(inactive.text).toContain('Link no longer works');
    expect(codeOf(await use(link.url))).toBe('LinkInactive');

    const alices = await createLink('alice');
    expect((await use(alices.url)).status).toBe(302);
    // Widening a read-only volume to read-write sends it back to `pending` until it is verified again.
    expect((await as('alice', 'PATCH', `/volumes/${volumeId}`, { accessMode: 'read-only' })).status).toBe(200);
    expect((await as('alice', 'PATCH', `/volumes/${volumeId}`, { accessMode: 'read-write' })).body.status).toBe('pending');
    vi.setSystemTime(Date.now() + 6_000);
    expect(codeOf(await use(alices.url))).toBe('LinkInactive');
  });

  it('every use is audited with the link id, outcome and source IP; no log line holds a token', async () => {
    const audit = await as('alice', 'GET', `/volumes/${volumeId}/audit?limit=100`);
    const uses = audit.body.items.filter((e: { action: string }) => e.action === 'link.download');
    expect(uses.length).toBeGreaterThan(5);
    expect(uses.some((e: any) => e.outcome === 'allowed' && e.detail.sourceIp && e.detail.linkId)).toBe(true);
    expect(uses.some((e: any) => e.outcome === 'denied' && e.detail.reason === 'LinkRevoked')).toBe(true);
    expect(JSON.stringify(audit.body)).not.toContain('/l/');
    const lines = [...world.stack.logLines, ...handlerLines];
    expect(lines.length).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) expect(lines.filter((line) => line.includes(token))).toEqual([]);
  });
});
