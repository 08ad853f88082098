/**
 * The console's sharing pages in Debian's headless Chromium against the real local stack (issue 15): share links,
 * members, the audit trail and gateway access keys, each person signed in through the dev issuer's login form in a
 * context of their own. The volume is set up outside the browser (the API as alice, the customer's S3 and IAM with
 * the SDK), so the browser time is spent on the pages. What the pages hand out is used for real: the share link's
 * URL is opened in a context with no session and its bytes compared; the access key's secret, copied from the page,
 * lists the volume through the Node proxy front with /usr/bin/aws using the profile the page wrote.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsolePage, launchChromium, openContext, screenshot, signIn } from '../support/console-browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { type ApiCall, apiAs, customerClients, registerSdkVolume } from '../support/sdk-volume';

const exec = promisify(execFile);
const VOLUME = 'shared-lab';
const REPORT = { key: 'results/report.bin', bytes: Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 31 + 7) % 251)) };
/** What the browser logs for an answer the story expects to be refused (400, 403, 404, 410): not an uncaught error. */
const EXPECTED_REFUSAL = /Failed to load resource: the server responded with a status of (400|403|404|410)/;

let stack: TestStack;
let alice: ApiCall;
let volumeId: string;
let browser: Browser;
let consoleUrl: string;
let home: string;
const people: ConsolePage[] = [];

beforeAll(async () => {
  stack = await startTestStack({ console: true });
  consoleUrl = stack.info.consoleUrl!;
  alice = apiAs(stack, stack.token({ sub: 'alice' }));
  const [id] = await Promise.all([
    registerSdkVolume(stack, alice, { name: VOLUME, bucket: 'share-lab', prefix: 'data', roleName: 'role-share', policyName: 'vol-share' }),
    launchChromium().then((launched) => (browser = launched)),
  ]);
  volumeId = id;
  const { s3 } = customerClients(stack);
  for (const [key, body] of [
    [REPORT.key, REPORT.bytes],
    ['notes/readme.txt', Buffer.from('read me\n')],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: 'share-lab', Key: `data/${key}`, Body: body, ContentType: 'application/octet-stream' }));
  }
  s3.destroy();
  expect((await alice('PUT', `/volumes/${volumeId}/members/carol`, { access: 'read' })).status).toBe(200);
  home = mkdtempSync(join(tmpdir(), 'vg-console-sharing-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A person in a context of their own, signed in through the issuer's form, on `hash`. */
async function person(subject: string, hash = '#/volumes'): Promise<ConsolePage> {
  const opened = await openContext(browser);
  opened.page.setDefaultTimeout(10_000);
  people.push(opened);
  await signIn(opened.page, consoleUrl, { subject, email: `${subject}@lab.example` }, hash);
  return opened;
}

async function go(page: Page, hash: string, heading: string): Promise<void> {
  await page.goto(`${consoleUrl}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** What the page's copy button put on the clipboard (the tests' tsconfig has no DOM types). */
type WithClipboard = { navigator: { clipboard: { readText(): Promise<string> } } };
type WithFocus = { document: { activeElement: { textContent: string | null } | null } };
const clipboard = (page: Page) => page.evaluate(() => (globalThis as unknown as WithClipboard).navigator.clipboard.readText());

/** The API's refusal (`status` and `code` as expected) for `subject` on `path`: its message, to compare with the page's. */
async function refusal(subject: string, path: string, status: number, code: string): Promise<string> {
  const answer = await apiAs(stack, stack.token({ sub: subject }))('GET', path);
  expect([answer.status, answer.body.code]).toEqual([status, code]);
  return answer.body.message;
}

describe('the console: share links, members, audit trail and access keys', () => {
  let aliceTab: ConsolePage;
  let bobTab: ConsolePage;
  let malloryTab: ConsolePage;

  it("alice's share link (limit, expiry) downloads the object's bytes in a context with no session; revoked, it is refused", async () => {
    // Everyone signs in at once (each in a context of their own); bob and mallory come back to their pages later.
    [aliceTab, bobTab, malloryTab] = await Promise.all([
      person('alice', `#/volumes/${volumeId}/links?key=${encodeURIComponent(REPORT.key)}`),
      person('bob'),
      person('mallory'),
    ]);
    const { page } = aliceTab;
    await page.getByRole('heading', { level: 1, name: 'Share links' }).waitFor();
    expect(await page.getByLabel('Object key').inputValue()).toBe(REPORT.key);
    // A key the API refuses: its message, in words, where the form is.
    await page.getByLabel('Object key').fill('results/../report.bin');
    await page.getByRole('button', { name: 'Create link' }).click();
    const invalid = await alice('POST', `/volumes/${volumeId}/links`, { key: 'results/../report.bin' });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'InvalidKey']);
    await page.getByRole('alert').getByText(invalid.body.message).waitFor();
    await page.getByLabel('Object key').fill(REPORT.key);
    await page.getByLabel('Expires after').selectOption({ label: '1 day' });
    await page.getByLabel(/Download limit/).fill('2');
    await page.getByLabel(/Save as/).fill('report.bin');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('heading', { name: 'Link created' }).waitFor();
    const url = await page.getByLabel('Link URL').inputValue();
    expect(url).toMatch(new RegExp(`^${stack.info.apiUrl}/l/[\\w-]{20,}$`));
    await page.getByRole('button', { name: 'Copy link' }).click();
    expect(await clipboard(page)).toBe(url);
    const row = page.getByRole('row').filter({ hasText: REPORT.key });
    await expect.poll(() => row.textContent()).toContain('0 of 2 (2 left)');
    expect(await row.textContent()).toContain('active');
    await screenshot(page, 'link-created-1280');

    const stranger = await openContext(browser);
    people.push(stranger);
    const [download] = await Promise.all([stranger.page.waitForEvent('download'), stranger.page.goto(url).catch(() => undefined)]);
    expect(download.suggestedFilename()).toBe('report.bin');
    expect(readFileSync(await download.path()).equals(REPORT.bytes)).toBe(true);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    await expect.poll(() => row.textContent()).toContain('1 of 2 (1 left)');
    await screenshot(page, 'links-1280');
    await page.getByRole('button', { name: `Revoke the link to ${REPORT.key}` }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText('revoked').waitFor();

    await stranger.page.goto(url);
    expect(await stranger.page.locator('h1').textContent()).toBe('Link revoked');
    const refused = (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as { message: string };
    expect(await stranger.page.locator('p').first().textContent()).toBe(refused.message);

    // The Files page's "Share" of another file, while this page is open, fills the form with that key.
    await page.evaluate((hash) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
    }, `#/volumes/${volumeId}/links?key=notes%2Freadme.txt`);
    await expect.poll(() => page.getByLabel('Object key').inputValue()).toBe('notes/readme.txt');
  });

  it('alice adds bob as a reader, changes him to write and back, removes carol; the owner row cannot be changed', async () => {
    const { page } = aliceTab;
    await go(page, `#/volumes/${volumeId}/members`, 'Members');
    await page.getByLabel(/^Subject/).fill('bob');
    await page.getByLabel('Access', { exact: true }).selectOption('read');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText('bob now has read access.', { exact: true }).first().waitFor();
    // The list's reload after each save is held back, so the next pick lands before it (as on a slow network): the reload
    // must not undo that pick.
    const membersList = (url: URL) => url.pathname.endsWith(`/volumes/${volumeId}/members`);
    await page.route(membersList, async (route) => {
      if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    for (const access of ['write', 'read'] as const) {
      await page.getByLabel('Access of bob', { exact: true }).selectOption(access);
      await page.getByRole('button', { name: 'Save the access of bob' }).click();
      await page.locator('.notice').getByText(`bob now has ${access} access.`).waitFor();
      await expect.poll(() => page.getByLabel('Access of bob', { exact: true }).inputValue()).toBe(access);
    }
    // The last reload may still be held back: let it finish rather than continue a route unroute has already let through.
    await page.unrouteAll({ behavior: 'wait' });
    expect(await page.getByLabel('Access of alice', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Leave this volume' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Remove carol' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.locator('.notice').getByText('carol was removed.').waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'carol' }).count()).toBe(0);
    const members = (await alice('GET', `/volumes/${volumeId}/members`)).body.items.map((m: { subject: string; access: string }) => m);
    expect(members.map((m: { subject: string; access: string }) => `${m.subject}:${m.access}`).sort()).toEqual(['alice:admin', 'bob:read']);
    await screenshot(page, 'members-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'members-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('bob, a reader, sees the volume without upload or admin controls; the audit trail shows the API refusal', async () => {
    const { page } = bobTab;
    await page.goto(`${consoleUrl}/#/volumes/${volumeId}/files`);
    await page.getByRole('navigation', { name: `Volume ${VOLUME}` }).waitFor();
    const tabs = page.getByRole('navigation', { name: `Volume ${VOLUME}` });
    expect(await tabs.getByRole('link').allTextContents()).toEqual(['Overview', 'Files', 'Share links']);
    await page.locator('table.files').getByText('notes/').waitFor();
    expect(await page.locator('input[type=file]').count()).toBe(0);
    expect(await page.getByRole('button', { name: /upload|choose files/i }).count()).toBe(0);

    await go(page, `#/volumes/${volumeId}/members`, 'Members');
    await page.locator('td[data-label="Subject"]').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save the access/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(0);

    await page.goto(`${consoleUrl}/#/volumes/${volumeId}/audit`);
    const message = await refusal('bob', `/volumes/${volumeId}/audit`, 403, 'NotVolumeAdmin');
    expect(await page.getByRole('alert').textContent()).toContain(message);

    await go(page, '#/volumes', 'My volumes');
    await page.getByRole('main').getByText(VOLUME).first().waitFor();
  });

  it('mallory, a stranger, gets the API\'s "not found" for the volume and does not see it in her list', async () => {
    const { page } = malloryTab;
    await page.goto(`${consoleUrl}/#/volumes/${volumeId}`);
    const message = await refusal('mallory', `/volumes/${volumeId}`, 404, 'VolumeNotFound');
    await page.getByRole('alert').getByText(message).waitFor();
    await go(page, '#/volumes', 'My volumes');
    await page.getByText('You are not a member of any volume yet.').waitFor();
    expect(await page.getByRole('main').getByText(VOLUME).count()).toBe(0);
  });

  it('alice reads the audit trail filtered by bob, then by an action, and sees the events', async () => {
    const { page } = aliceTab;
    await go(page, `#/volumes/${volumeId}/audit`, 'Audit trail');
    await page.getByLabel('Subject').fill('bob');
    // The API filters: the page asks for bob's events (it used to read the whole trail and filter in the browser).
    const askedForBob = page.waitForRequest((request) => new URL(request.url()).searchParams.get('subject') === 'bob');
    await page.getByRole('button', { name: 'Filter' }).click();
    await askedForBob;
    const rows = page.locator('table.audit tbody tr');
    await page
      .getByRole('status')
      .getByText(/\d+ matching events/)
      .waitFor();
    expect(new Set(await rows.locator('td[data-label="Subject"]').allTextContents())).toEqual(new Set(['bob']));
    expect(await rows.filter({ hasText: 'audit.list' }).filter({ hasText: 'denied' }).count()).toBeGreaterThan(0);

    await page.getByLabel('Subject').fill('');
    await page.getByLabel(/^Action/).fill('member.*');
    const askedForMembers = page.waitForRequest((request) => new URL(request.url()).searchParams.get('action') === 'member.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await askedForMembers;
    await expect
      .poll(() => rows.locator('td[data-label="Action"]').allTextContents())
      .toEqual(['member.delete', 'member.put', 'member.put', 'member.put', 'member.put']);
    expect(await rows.first().textContent()).toContain('member: carol');
    await screenshot(page, 'audit-1280');

    // A time window the API applies: nothing from a far future on.
    await page.getByLabel('From').fill('2999-01-01T00:00');
    const askedSince = page.waitForRequest((request) =>
      /^2999-01-01T|^2998-12-31T/.test(new URL(request.url()).searchParams.get('since') ?? ''),
    );
    await page.getByRole('button', { name: 'Filter' }).click();
    await askedSince;
    await page.getByText('No events match the filter.').waitFor();
    expect(await rows.count()).toBe(0);
  });

  it('an access key: secret shown once, copied Nextflow config and profiles name it, the aws cli lists with it; revoked', async () => {
    const { page } = aliceTab;
    await go(page, '#/access-keys', 'Access keys');
    await page.getByLabel('Only the volumes I choose').check();
    await page.getByRole('checkbox', { name: new RegExp(VOLUME) }).check();
    await page.getByLabel('Lives for').selectOption({ label: '1 day' });
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Key created' }).waitFor();
    const keyId = await page.getByLabel('Access key id').inputValue();
    const secret = await page.getByLabel('Secret access key').inputValue();
    expect(keyId).toMatch(/^VGAK/);
    expect(secret.length).toBeGreaterThan(20);

    await page.getByRole('button', { name: 'Copy nextflow config' }).click();
    const nextflow = await clipboard(page);
    for (const text of [
      `accessKey = '${keyId}'`,
      `secretKey = '${secret}'`,
      `endpoint = '${stack.info.nodeProxyUrl}'`,
      `s3://${VOLUME}/`,
    ]) {
      expect(nextflow).toContain(text);
    }
    await page.getByRole('button', { name: 'Copy credential_process profile' }).click();
    const credentialProcess = await clipboard(page);
    expect(credentialProcess).toContain(`[profile ${VOLUME}]`);
    expect(credentialProcess).toContain(`bin/volume-gateway.mjs credentials --volume ${VOLUME} --api ${stack.info.apiUrl}`);
    await page.getByRole('button', { name: 'Copy proxy profile' }).click();
    const profile = await clipboard(page);
    expect(profile).toContain(`aws_access_key_id = ${keyId}`);
    await page.getByRole('button', { name: 'Copy proxy command' }).click();
    const command = await clipboard(page);
    expect(command).toContain(`--endpoint-url ${stack.info.nodeProxyUrl}`);
    await screenshot(page, 'access-key-created-1280');

    // The shown pair, used for real: the copied profile in ~/.aws/config and the copied command, verbatim.
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws/config'), profile);
    const env = { PATH: `/usr/bin:/bin:${process.env.PATH}`, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' };
    const listed = await exec('bash', ['-euo', 'pipefail', '-c', command], { env, timeout: 30_000 });
    expect(listed.stdout).toContain('results/');
    expect(listed.stdout).toContain('notes/');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Access keys' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: keyId });
    await row.waitFor();
    expect(await page.getByRole('heading', { name: 'Key created' }).count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await expect.poll(() => row.textContent()).toContain(VOLUME);
    await screenshot(page, 'access-keys-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'access-keys-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // By keyboard: the question takes the focus on "Cancel"; "Yes, revoke" is one Shift+Tab before it.
    await page.getByRole('button', { name: `Revoke the key ${keyId}` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as WithFocus).document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    const keys = (await alice('GET', '/access-keys')).body.items as Array<{ accessKeyId: string }>;
    expect(keys.map((key) => key.accessKeyId)).not.toContain(keyId);
  });

  it('no page threw: the only errors the browser logged are the refusals the story asked for', () => {
    const unexpected = people.flatMap((opened) => opened.errors).filter((line) => !EXPECTED_REFUSAL.test(line));
    expect(unexpected).toEqual([]);
  });
});
