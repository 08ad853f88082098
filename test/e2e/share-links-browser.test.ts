/**
 * A share link as people use it (issue 14 §2): a plain `<a href>` on a page of another origin, clicked in Debian's
 * headless Chromium, with no token and no script. The link answers 302 to a presigned GET whose
 * Content-Disposition (the link's `filename`) makes it a download; the bytes saved must be the object's. Once the
 * link is revoked, the same click shows the short HTML page that says so (the browser asks for text/html).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeXml } from '../../shared/s3/xml-escape';
import { BIG_BYTES, BIG_KEY, type OneVolume, startOneVolume, VOLUME } from '../resilience/one-volume';
import { CHROMIUM_ARGS } from '../support/console-browser';

const BIG_SHA = createHash('sha256').update(Buffer.alloc(BIG_BYTES, 7)).digest('hex');

let world: OneVolume;
let volumeId: string;
let pageServer: Server;
let pageOrigin: string;
let profileDir: string;
let browser: BrowserContext;
let page: Page;
/** The page's HTML, set per test: one plain link. */
let html = '';

beforeAll(async () => {
  pageServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((done) => pageServer.listen(0, '127.0.0.1', done));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  world = await startOneVolume();
  volumeId = (await world.api('GET', '/volumes')).body.items.find((v: { name: string }) => v.name === VOLUME).id;
  profileDir = mkdtempSync(join(tmpdir(), 'vg-chromium-links-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await world?.stack.close();
  await new Promise((done) => (pageServer ? pageServer.close(done) : done(undefined)));
});

async function showLink(url: string): Promise<void> {
  html = `<!doctype html><title>shared</title><a id="link" href="${escapeXml(url)}">the results</a>`;
  await page.goto(pageOrigin);
}

describe('a share link in a browser', () => {
  it('a plain <a href> downloads the object under the link filename, with no token; once revoked it shows the HTML refusal', async () => {
    const created = await world.api('POST', `/volumes/${volumeId}/links`, { key: BIG_KEY, filename: 'results.bin' });
    expect(created.status).toBe(201);
    await showLink(created.body.url);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#link')]);
    expect(download.suggestedFilename()).toBe('results.bin');
    const saved = await download.path();
    expect(createHash('sha256').update(readFileSync(saved)).digest('hex')).toBe(BIG_SHA);

    expect((await world.api('DELETE', `/volumes/${volumeId}/links/${created.body.id}`)).status).toBe(204);
    await showLink(created.body.url);
    await Promise.all([page.waitForURL(created.body.url), page.click('#link')]);
    expect(await page.locator('h1').textContent()).toBe('Link revoked');
    expect(await page.locator('script').count()).toBe(0);
  });
});
