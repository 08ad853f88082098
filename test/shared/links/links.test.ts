import { describe, expect, it } from 'vitest';
import { createLink, listLinks, openLink, revokeLink } from '../../../shared/links';
import type { LinkDeps, LinkDownloadDeps } from '../../../shared/links/deps';
import { errorPage, prefersHtml } from '../../../shared/links/html-page';
import { hashToken, isLinkId, randomLinkIds } from '../../../shared/links/token';
import { redactText } from '../../../shared/log';
import { caller, ROLE, vendingWorld, volumeWith } from '../vending/fakes';
import { FakeLinkStore } from './fakes';

const BASE = 'https://api.example.org';

function links() {
  const w = vendingWorld();
  const store = new FakeLinkStore();
  const deps: LinkDeps = { repo: w.repo, audit: w.audit, clock: w.clock, links: store, linkIds: randomLinkIds };
  const download: LinkDownloadDeps = { ...w.deps, links: store };
  return { w, store, deps, download };
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const use = (method: 'GET' | 'HEAD' = 'GET') => ({ method, requestId: 'r-1', sourceIp: '203.0.113.7' });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { status?: number; code?: string }) => `${error.status} ${error.code}`,
  );

describe('link tokens and ids', () => {
  it('tokens carry 256 random bits as 43 URL-safe characters; only their SHA-256 is stored', async () => {
    const tokens = new Set(Array.from({ length: 500 }, () => randomLinkIds.token()));
    expect(tokens.size).toBe(500);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { w, store, deps } = links();
    await volumeWith(w);
    const created = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a.txt' }, BASE);
    const [stored] = [...store.items.values()];
    expect(stored!.tokenHash).toBe(hashToken(tokenOf(created.url)));
    expect(JSON.stringify(stored)).not.toContain(tokenOf(created.url));
  });

  it('ids sort by creation time', () => {
    const early = randomLinkIds.linkId(new Date('2026-01-01T00:00:00Z'));
    const late = randomLinkIds.linkId(new Date('2026-01-01T00:00:01Z'));
    expect(isLinkId(early) && isLinkId(late)).toBe(true);
    expect(early < late).toBe(true);
  });
});

describe('creating links', () => {
  it('answers the URL under the API base, a week of life and unlimited downloads by default', async () => {
    const { w, deps } = links();
    await volumeWith(w);
    const created = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a.txt' }, `${BASE}/`);
    expect(created.url).toMatch(/^https:\/\/api\.example\.org\/l\/[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(604_800_000);
    expect(created).toMatchObject({ maxDownloads: null, downloads: 0, createdBy: 'alice', status: 'active' });
    expect(w.audit.events.at(-1)).toMatchObject({ action: 'link.create', outcome: 'succeeded', detail: { linkId: created.id } });
  });

  it('refuses a web-identity volume (a link cannot carry a member token), keys the key rule refuses, and bad limits', async () => {
    const { w, deps } = links();
    await volumeWith(w, {}, { auth: { type: 'web-identity', roleArn: ROLE } });
    expect(await codeOf(createLink(deps, caller('alice'), 'vol-genomes', { key: 'a' }, BASE))).toBe('409 LinksNeedGatewayCredentials');
    const other = links();
    await volumeWith(other.w);
    const create = (input: Record<string, unknown>) =>
      codeOf(createLink(other.deps, caller('alice'), 'vol-genomes', { key: 'a', ...input } as never, BASE));
    expect(await create({ key: '../x' })).toBe('400 InvalidKey');
    expect(await create({ expiresIn: 59 })).toBe('400 ValidationFailed');
    expect(await create({ expiresIn: 2_592_001 })).toBe('400 ValidationFailed');
    expect(await create({ maxDownloads: 0 })).toBe('400 ValidationFailed');
    expect(await create({ filename: 'a\nb' })).toBe('400 ValidationFailed');
    expect(await codeOf(createLink(other.deps, caller('mallory'), 'vol-genomes', { key: 'a' }, BASE))).toBe('404 VolumeNotFound');
  });
});

describe('using links', () => {
  it('a malformed token reads nothing; an unknown one is one read; both are 404 LinkNotFound', async () => {
    const { download, store } = links();
    expect(await codeOf(openLink(download, 'short', use()))).toBe('404 LinkNotFound');
    expect(store.reads).toBe(0);
    expect(await codeOf(openLink(download, 'A'.repeat(43), use()))).toBe('404 LinkNotFound');
    expect(store.reads).toBe(1);
  });

  it('a HEAD is signed as a HEAD and not counted; a GET is counted', async () => {
    const { w, deps, download, store } = links();
    await volumeWith(w);
    const created = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a.txt', maxDownloads: 1, filename: 'a b.txt' }, BASE);
    await openLink(download, tokenOf(created.url), use('HEAD'));
    expect(w.signer.requests.at(-1)).toMatchObject({ method: 'HEAD', key: 'runs/2025/a.txt', expiresInSeconds: 300 });
    // The signer refuses a disposition on anything but a GET.
    expect(w.signer.requests.at(-1)!.responseContentDisposition).toBeUndefined();
    await openLink(download, tokenOf(created.url), use('GET'));
    expect(w.signer.requests.at(-1)).toMatchObject({ method: 'GET', responseContentDisposition: 'attachment; filename="a b.txt"' });
    expect([...store.items.values()][0]!.downloads).toBe(1);
    expect(await codeOf(openLink(download, tokenOf(created.url), use('GET')))).toBe('410 LinkExhausted');
    expect(w.audit.events.at(-1)).toMatchObject({
      action: 'link.download',
      outcome: 'denied',
      subject: 'alice',
      detail: { linkId: created.id, reason: 'LinkExhausted', sourceIp: '203.0.113.7' },
    });
  });

  it('a count refused by a concurrent revocation answers LinkRevoked, by a concurrent last download LinkExhausted', async () => {
    const { w, deps, download, store } = links();
    await volumeWith(w);
    const revoked = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a' }, BASE);
    store.beforeCount = (link) => {
      link.revokedAt = '2025-06-01T12:00:00.000Z';
    };
    expect(await codeOf(openLink(download, tokenOf(revoked.url), use()))).toBe('410 LinkRevoked');
    const last = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a', maxDownloads: 1 }, BASE);
    store.beforeCount = (link) => {
      link.downloads = 1;
    };
    expect(await codeOf(openLink(download, tokenOf(last.url), use()))).toBe('410 LinkExhausted');
  });

  it('is LinkInactive once the volume is not active, or the creator not a member, and LinkExpired after expiresIn', async () => {
    const { w, deps, download } = links();
    const volume = await volumeWith(w, { bob: 'read' });
    const bobs = await createLink(deps, caller('bob'), 'vol-genomes', { key: 'a' }, BASE);
    const alices = await createLink(deps, caller('alice'), 'vol-genomes', { key: 'a', expiresIn: 60 }, BASE);
    await w.repo.deleteMember('vol-genomes', 'bob');
    expect(await codeOf(openLink(download, tokenOf(bobs.url), use()))).toBe('410 LinkInactive');
    await w.repo.update({ ...volume, status: 'pending', version: volume.version + 1 }, volume.version);
    expect(await codeOf(openLink(download, tokenOf(alices.url), use('HEAD')))).toBe('410 LinkInactive');
    w.clock.advance!(60_000);
    expect(await codeOf(openLink(download, tokenOf(alices.url), use()))).toBe('410 LinkExpired');
  });
});

describe('listing and revoking', () => {
  it('members list their own links, admins all; a member may not revoke another one, the creator and admins may', async () => {
    const { w, deps, download } = links();
    await volumeWith(w, { bob: 'read', carol: 'write' });
    const bobs = await createLink(deps, caller('bob'), 'vol-genomes', { key: 'a' }, BASE);
    w.clock.advance!(1);
    await createLink(deps, caller('carol'), 'vol-genomes', { key: 'b' }, BASE);
    expect((await listLinks(deps, caller('bob'), 'vol-genomes')).items.map((l) => l.createdBy)).toEqual(['bob']);
    expect((await listLinks(deps, caller('alice'), 'vol-genomes')).items.map((l) => l.createdBy)).toEqual(['carol', 'bob']);
    expect(await codeOf(revokeLink(deps, caller('carol'), 'vol-genomes', bobs.id))).toBe('403 NotLinkCreator');
    expect(await codeOf(revokeLink(deps, caller('bob'), 'vol-genomes', 'lnk-nope'))).toBe('404 LinkNotFound');
    await revokeLink(deps, caller('alice'), 'vol-genomes', bobs.id);
    await revokeLink(deps, caller('bob'), 'vol-genomes', bobs.id);
    expect(await codeOf(openLink(download, tokenOf(bobs.url), use()))).toBe('410 LinkRevoked');
    expect((await listLinks(deps, caller('bob'), 'vol-genomes')).items[0]).toMatchObject({ status: 'revoked' });
  });
});

describe('refusal pages and logs', () => {
  it('browsers (Accept prefers text/html) get the page; curl, fetch and API clients get JSON', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
  });

  it('the page escapes what it shows and carries no script', () => {
    const page = errorPage('<b>', '<script>alert(1)</script> & "x"', "r'1");
    expect(page).not.toMatch(/<script|<b>/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
  });

  it("log lines mask a link's token wherever its path or URL appears", () => {
    const token = randomLinkIds.token();
    expect(redactText(`GET /l/${token} from https://api.example.org/l/${token}?x=1`)).toBe(
      'GET /l/[redacted] from https://api.example.org/l/[redacted]?x=1',
    );
  });
});
