/**
 * The web console's volume pages in Debian's headless Chromium against the real local stack: alice signs in through the
 * dev issuer's login form (MFA on), sees the API's message for a refused form, registers a volume with the wizard, runs
 * the commands the page shows with /usr/bin/aws as the customer (the role's policies and the bucket's CORS rule for the
 * console's origin), verifies in the page, uploads a 20 MiB file in parts (the local S3 fails one part once; it is sent
 * again) and two small ones (the file input, and a dropped file S3 refuses until "Retry"), downloads files whose bytes
 * match, browses folders with breadcrumbs and pages, revokes sessions and deletes the volume after confirming, and pages
 * through her volumes with "More". Screenshots of each page go to test-output/console/.
 */

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsolePage, launchChromium, openContext, screenshot, signIn } from '../support/console-browser';
import { startTestStack, type TestStack } from '../support/local-stack';

const exec = promisify(execFile);
const BUCKET = 'alice-console-lab';
const PREFIX = 'projects/console';
const VOLUME = 'alice-console';
const MiB = 1024 * 1024;
const BIG = { name: 'big-20MiB.bin', data: randomBytes(20 * MiB) };
/** The 20 MiB file on disk: Chromium reads it from its path (a buffer would cross the DevTools protocol, slowly). */
const FILES_DIR = mkdtempSync(join(tmpdir(), 'vg-console-files-'));
const SMALL = { name: 'notes small.txt', data: Buffer.from(`small file from the file input ${randomBytes(8).toString('hex')}\n`) };
const DROPPED = { name: 'dropped.csv', text: 'sample,reads\nA,12\nB,34\n' };
/** Two parts (8 + 1 MiB), for the upload S3 keeps failing. */
const STUBBORN = { name: 'stubborn-9MiB.bin', data: randomBytes(9 * MiB) };
/** The steps that start the aws cli or move 20 MiB: under a full test run's load they have taken over vitest's 30 s. */
const SLOW_STEP_MS = 90_000;
/** A folder holding more files than one page of the listing (100). */
const MANY = 105;

let stack: TestStack;
let customer: NodeJS.ProcessEnv;
let s3: S3Client;
let browser: Browser;
let alice: ConsolePage;
let page: Page;
let consoleUrl: string;
let volumeId: string;
let roleArn: string;

/** The page catches up (a render, a load): polled until it holds, for as long as a loaded machine may need. */
const eventually = <T>(value: () => Promise<T>) => expect.poll(value, { timeout: 20_000 });

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The object as the customer's own S3 view holds it at `prefix/key`. */
async function customerObject(key: string): Promise<{ size: number; sha256: string; etag: string }> {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));
  const data = Buffer.from(await got.Body!.transformToByteArray());
  return { size: data.length, sha256: sha256(data), etag: got.ETag! };
}

/** Runs a command as the page shows it, as the customer, with `aws` pointed at the local endpoint. */
async function runAsCustomer(command: string): Promise<void> {
  const script = `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`;
  await exec('bash', ['-euo', 'pipefail', '-c', script], { env: { ...customer, ENDPOINT: stack.info.awsEndpoint }, timeout: 60_000 });
}

/** A file's row in the upload panel (files go into `results/`). */
const upload = (name: string) => page.locator(`ul.uploads li[data-key="results/${name}"]`);

/** Waits until the file's upload has finished either way; its state and, if it failed, what the page says. */
async function outcome(name: string): Promise<{ state: string | null; error?: string | null }> {
  await upload(name).and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: 30_000 });
  const state = await upload(name).getAttribute('data-state');
  return state === 'failed' ? { state, error: await upload(name).getByRole('alert').textContent() } : { state };
}

beforeAll(async () => {
  stack = await startTestStack({ console: true });
  consoleUrl = stack.info.consoleUrl!;
  customer = stack.customerEnv(0);
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  s3 = new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  // The customer's bucket and a role with a placeholder trust policy (the wizard's commands replace it), made with the
  // SDK as the customer: the aws cli's start-up is the slow part of this file, kept for the commands the page shows.
  const iam = new IAMClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: { accessKeyId, secretAccessKey } });
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  writeFileSync(join(FILES_DIR, BIG.name), BIG.data);
  writeFileSync(join(FILES_DIR, SMALL.name), SMALL.data);
  writeFileSync(join(FILES_DIR, STUBBORN.name), STUBBORN.data);
  const [role] = await Promise.all([
    iam.send(new CreateRoleCommand({ RoleName: 'AliceConsole', AssumeRolePolicyDocument: placeholder })),
    // Data already in the bucket: a folder of more files than one page shows.
    s3
      .send(new CreateBucketCommand({ Bucket: BUCKET }))
      .then(() =>
        Promise.all(
          Array.from({ length: MANY }, (_, i) =>
            s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/many/file-${String(i).padStart(3, '0')}.txt`, Body: `${i}\n` })),
          ),
        ),
      ),
    (async () => {
      browser = await launchChromium();
      alice = await openContext(browser, 1280);
      page = alice.page;
      await signIn(page, consoleUrl, { subject: 'alice', email: 'alice@example.org', mfa: true });
    })(),
  ]);
  iam.destroy();
  roleArn = role.Role!.Arn!;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  s3?.destroy();
  await stack?.close();
  rmSync(FILES_DIR, { recursive: true, force: true });
});

describe('the web console’s volume pages, in headless Chromium', () => {
  it('shows an empty list pointing to the wizard, and the API’s own message when it refuses the form', async () => {
    await page.getByRole('heading', { name: 'My volumes' }).waitFor();
    await page.getByText('You are not a member of any volume yet.').waitFor();
    await page.getByRole('link', { name: 'Register a volume' }).last().click();
    await page.getByRole('heading', { name: /step 1 of 3/ }).waitFor();

    await page.locator('#volume-name').fill(VOLUME);
    await page.locator('#volume-bucket').fill('Alice_Lab');
    await page.getByLabel('Role ARN').fill(roleArn);
    await page.getByRole('button', { name: 'Register and show the setup' }).click();
    // The same body straight to the API: the page shows its message, word for word.
    const refused = await fetch(`${stack.info.apiUrl}/volumes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token({ sub: 'alice', amr: ['pwd', 'mfa'] })}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: VOLUME,
        bucket: 'Alice_Lab',
        region: 'us-east-1',
        accessMode: 'read-write',
        auth: { type: 'role', roleArn },
        requireMfa: false,
      }),
    });
    const { message } = (await refused.json()) as { message: string };
    expect(refused.status).toBe(400);
    expect(message).toMatch(/^bucket: /);
    const alert = page.getByRole('alert');
    await eventually(() => alert.textContent()).toContain(message);
    expect(await alert.textContent()).not.toMatch(/\bat \w+ \(|Error:/);
    await eventually(() => page.locator('#volume-bucket').getAttribute('aria-invalid')).toBe('true');
  });

  it(
    'registers a volume with the wizard; the commands shown, run as the customer, make it verify active',
    async () => {
      await page.locator('#volume-bucket').fill(BUCKET);
      await page.getByLabel(/^Prefix/).fill(PREFIX);
      await page.getByLabel(/Members must have signed in/).check();
      await page.getByLabel(/^Description/).fill('Console test volume');
      await screenshot(page, 'register-form-1280');
      await page.getByRole('button', { name: 'Register and show the setup' }).click();

      await page.getByRole('heading', { name: /step 2 of 3/ }).waitFor();
      volumeId = new URLSearchParams(page.url().split('?').pop()).get('volume')!;
      expect(volumeId).toMatch(/^vol-/);
      await page.locator('section.setup-commands pre').first().waitFor();
      const commands = await page.locator('section.setup-commands pre').allTextContents();
      // The API's commands (trust policy, permissions), then the console's own bucket CORS rule for its origin.
      expect(commands.length).toBeGreaterThanOrEqual(3);
      expect(commands.at(-1)).toContain(`aws s3api put-bucket-cors --bucket '${BUCKET}'`);
      expect(commands.at(-1)).toContain(`"AllowedOrigins":["${consoleUrl}"]`);
      expect(commands.at(-1)).toContain('"ExposeHeaders":["ETag"]');
      await page.getByText('Trust policy', { exact: true }).waitFor();
      await page.getByText('Permissions policy', { exact: true }).waitFor();
      await screenshot(page, 'register-setup-1280');
      // The role's commands in order; the bucket's CORS rule meanwhile.
      await Promise.all([
        (async () => {
          for (const command of commands.slice(0, -1)) await runAsCustomer(command);
        })(),
        runAsCustomer(commands.at(-1)!),
      ]);

      await page.getByRole('link', { name: 'I ran them: verify' }).click();
      await page.getByRole('heading', { name: /step 3 of 3/ }).waitFor();
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.getByText(`${VOLUME} is active.`).waitFor();
      const checks = page.getByRole('list', { name: 'Verification checks' }).getByRole('listitem');
      expect(await checks.count()).toBeGreaterThan(2);
      await eventually(() => page.locator('ul.checklist li.bad').count()).toBe(0);
      expect(await page.locator('ul.checklist li.ok').count()).toBe(await checks.count());
      await screenshot(page, 'register-verify-1280');

      await page.getByRole('link', { name: 'My volumes' }).first().click();
      const row = page.getByRole('row', { name: new RegExp(VOLUME) });
      await eventually(() => row.textContent()).toContain(`${BUCKET}/${PREFIX}`);
      await eventually(() => row.textContent()).toContain('active');
      await eventually(() => row.textContent()).toContain('admin (read and write data)');
      await screenshot(page, 'volumes-1280');
    },
    SLOW_STEP_MS,
  );

  it(
    'uploads 20 MiB in parts (a part S3 failed is sent again) and two small files, one refused until retried',
    async () => {
      const partPuts: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (request.method() === 'PUT' && url.searchParams.has('uploadId')) partPuts.push(url.searchParams.get('partNumber')!);
      });
      // The first part to reach S3 is answered 500 InternalError, as S3 answers on a bad moment (the local AWS's fault
      // injection: no request interception in the browser, which would carry every part's 8 MiB through DevTools).
      stack.faults.add({ target: 's3', action: 'PUT', fault: { kind: 'fail', status: 500 }, times: 1 });
      // The dropped file's PUT is refused until the person retries it.
      let refuseDropped = true;
      const droppedPut = (url: URL) => url.pathname.endsWith(`/results/${DROPPED.name}`) && !url.searchParams.has('uploadId');
      const refuseDroppedPut = async (route: Route) => {
        if (route.request().method() !== 'PUT' || !refuseDropped) return route.continue();
        await route.fulfill({
          status: 403,
          headers: { 'access-control-allow-origin': consoleUrl, 'content-type': 'application/xml' },
          body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
        });
      };

      await page.goto(`${consoleUrl}/#/volumes/${volumeId}/files?prefix=results%2F`);
      await page.getByText('This folder is empty.').waitFor();
      await page.getByLabel('Choose files').setInputFiles([join(FILES_DIR, BIG.name), join(FILES_DIR, SMALL.name)]);
      // Mid-upload when the machine lets it be: once some bytes are sent (at the latest, once all are).
      const bars = page.locator('ul.uploads progress');
      await eventually(() => bars.evaluateAll((all) => all.some((bar) => (bar as unknown as { value: number }).value > 0))).toBe(true);
      await screenshot(page, 'upload-progress-1280');
      expect(await outcome(BIG.name)).toEqual({ state: 'done' });
      expect(await upload(BIG.name).textContent()).toContain('20 MiB of 20 MiB, 3 of 3 parts');
      expect(await outcome(SMALL.name)).toEqual({ state: 'done' });
      await page.route(droppedPut, refuseDroppedPut);
      // A file dropped on the drop zone, as a drag and drop from the desktop delivers it.
      await page.getByTestId('dropzone').evaluate((zone, file) => {
        // The page's DOM classes (this file is type-checked without the DOM library).
        const dom = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: File): void } };
          DragEvent: new (type: string, init: object) => Event;
        };
        const transfer = new dom.DataTransfer();
        transfer.items.add(new File([file.text], file.name, { type: 'text/csv' }));
        zone.dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, DROPPED);

      // S3's refusal in words, and a Retry that uploads it once S3 takes it.
      expect(await outcome(DROPPED.name)).toEqual({
        state: 'failed',
        error: `${DROPPED.name} was not uploaded: S3 refused the upload: Access Denied (AccessDenied). Retry`,
      });
      refuseDropped = false;
      await upload(DROPPED.name).getByRole('button', { name: 'Retry' }).click();
      expect(await outcome(DROPPED.name)).toEqual({ state: 'done' });
      await page.unroute(droppedPut, refuseDroppedPut);
      // Three parts of 8, 8 and 4 MiB; the one S3 failed sent again.
      expect(partPuts).toHaveLength(4);
      expect(new Set(partPuts)).toEqual(new Set(['1', '2', '3']));

      const big = await customerObject(`results/${BIG.name}`);
      expect(big).toMatchObject({ size: BIG.data.length, sha256: sha256(BIG.data) });
      expect(big.etag).toMatch(/-3"$/);
      expect(await customerObject(`results/${SMALL.name}`)).toMatchObject({ size: SMALL.data.length, sha256: sha256(SMALL.data) });
      expect(await customerObject(`results/${DROPPED.name}`)).toMatchObject({ sha256: sha256(DROPPED.text) });
      // The listing refreshed after the uploads.
      await eventually(() => page.getByRole('row', { name: new RegExp(BIG.name) }).textContent()).toContain('20 MiB');
    },
    SLOW_STEP_MS,
  );

  it(
    'aborts a multipart upload whose parts keep failing, says why, and Retry uploads it',
    async () => {
      const aborts: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/abort')) aborts.push(request.url());
      });
      // Both parts fail all three attempts (the local S3's fault answers carry no CORS headers: the browser reads nothing).
      stack.faults.add({ target: 's3', action: 'PUT', fault: { kind: 'fail', status: 500 }, times: 6 });
      await page.getByLabel('Choose files').setInputFiles(join(FILES_DIR, STUBBORN.name));
      const failed = await outcome(STUBBORN.name);
      expect(failed.state).toBe('failed');
      expect(failed.error).toContain(`${STUBBORN.name} was not uploaded: S3 could not be reached, or refused this console's origin`);
      await eventually(async () => aborts.length).toBe(1);
      const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `${PREFIX}/results/` }));
      expect(open.Uploads ?? []).toEqual([]);

      await upload(STUBBORN.name).getByRole('button', { name: 'Retry' }).click();
      expect(await outcome(STUBBORN.name)).toEqual({ state: 'done' });
      const stored = await customerObject(`results/${STUBBORN.name}`);
      expect(stored).toMatchObject({ size: STUBBORN.data.length, sha256: sha256(STUBBORN.data) });
    },
    SLOW_STEP_MS,
  );

  it('downloads files through the page, and the bytes are the ones uploaded', async () => {
    for (const file of [SMALL, BIG]) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Download ${file.name}` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(file.name);
      expect(sha256(readFileSync((await download.path())!))).toBe(sha256(file.data));
    }
    await screenshot(page, 'browse-1280');
  });

  it('browses into folders and back with the breadcrumbs, and pages through a folder of more than 100 files', async () => {
    const crumbs = page.getByRole('navigation', { name: 'Folder' });
    await crumbs.getByRole('link', { name: VOLUME }).click();
    await page.getByRole('link', { name: 'results/' }).waitFor();
    await page.getByRole('link', { name: 'many/' }).click();
    await eventually(() => crumbs.getByRole('link', { name: 'many' }).getAttribute('aria-current')).toBe('page');
    const files = page.locator('table.files tr.file');
    await eventually(() => files.count()).toBe(100);
    await eventually(() => files.first().textContent()).toContain('file-000.txt');
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => files.count()).toBe(MANY - 100);
    await eventually(() => files.first().textContent()).toContain('file-100.txt');
    await eventually(() => page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(() => files.count()).toBe(100);
    await eventually(() => files.first().textContent()).toContain('file-000.txt');
    await crumbs.getByRole('link', { name: VOLUME }).click();
    await page.getByRole('link', { name: 'many/' }).waitFor();
  });

  it('a link to a volume she is not a member of shows the API\'s "not found", not the volume she was on', async () => {
    await page.goto(`${consoleUrl}/#/volumes/vol-not-hers/files`);
    await page.getByText('There is no volume "vol-not-hers" that you are a member of.').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('link', { name: 'results/' }).count()).toBe(0);
    await page.goto(`${consoleUrl}/#/volumes/${volumeId}/files`);
    await page.getByRole('link', { name: 'results/' }).waitFor();
  });

  it('a 401 sends the user to sign in and back to the page; refused again right after, the page shows why instead of looping', async () => {
    const bob = await openContext(browser);
    await signIn(bob.page, consoleUrl, { subject: 'bob' });
    await bob.page.route(`${stack.info.apiUrl}/**`, (route) =>
      route.request().method() === 'OPTIONS'
        ? route.continue()
        : route.fulfill({
            status: 401,
            contentType: 'application/json',
            headers: { 'access-control-allow-origin': '*' },
            body: JSON.stringify({ code: 'WrongAudience', message: 'The token was issued for another application (audience mismatch).' }),
          }),
    );
    const visited: string[] = [];
    bob.page.on('framenavigated', (frame) => frame === bob.page.mainFrame() && visited.push(frame.url()));
    await bob.page.goto(`${consoleUrl}/#/access-keys`);
    await bob.page.getByText('(audience mismatch)').first().waitFor({ timeout: 10_000 });
    expect(bob.page.url()).toBe(`${consoleUrl}/#/access-keys`);
    // Once through the issuer (its session signs bob in again at once: one redirect back with a code), not round and round
    // (the old page never stopped).
    expect(visited.filter((url) => new URL(url).searchParams.has('code'))).toHaveLength(1);
    await bob.context.close();
  });

  it('works at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'results/' }).click();
    await page.getByRole('button', { name: `Download ${BIG.name}` }).waitFor();
    await screenshot(page, 'browse-390');
    await page.goto(`${consoleUrl}/#/volumes`);
    await page.getByRole('link', { name: VOLUME }).waitFor();
    await screenshot(page, 'volumes-390');
  });

  it('shows the overview with the last verification; revoking sessions and deleting the volume ask first', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${consoleUrl}/#/volumes/${volumeId}`);
    const checks = page.getByRole('list', { name: 'Last verification checks' });
    await checks.waitFor();
    expect(await checks.locator('li.bad').count()).toBe(0);
    expect(await checks.locator('li.ok').count()).toBeGreaterThan(2);
    await screenshot(page, 'volume-1280');

    await page.getByRole('button', { name: 'Revoke sessions…' }).click();
    await page.getByText(`Revoke every session of ${VOLUME} issued until now?`).waitFor();
    await page.getByRole('button', { name: 'Yes, revoke sessions' }).click();
    const command = page.getByRole('status').locator('pre');
    await eventually(() => command.textContent()).toContain(`aws iam put-role-policy --role-name AliceConsole`);

    await page.getByRole('button', { name: 'Delete volume…' }).click();
    await page.getByRole('button', { name: 'Yes, delete the volume' }).click();
    await page.getByRole('heading', { name: 'My volumes' }).waitFor();
    await page.getByText('You are not a member of any volume yet.').waitFor();
  });

  it('lists 25 volumes a page, and "More" adds the next', async () => {
    const token = stack.token({ sub: 'alice', amr: ['pwd', 'mfa'] });
    const created = await Promise.all(
      Array.from({ length: 26 }, (_, i) =>
        fetch(`${stack.info.apiUrl}/volumes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `alice-bulk-${String(i).padStart(2, '0')}`,
            bucket: BUCKET,
            prefix: `bulk/${i}`,
            region: 'us-east-1',
            accessMode: 'read-only',
            auth: { type: 'role', roleArn },
          }),
        }).then((response) => response.status),
      ),
    );
    expect(created).toEqual(Array(26).fill(201));
    await page.reload();
    const rows = page.locator('table.responsive tbody tr');
    await eventually(() => rows.count()).toBe(25);
    await page.getByRole('button', { name: 'More' }).click();
    await eventually(() => rows.count()).toBe(26);
    expect(await page.getByRole('button', { name: 'More' }).count()).toBe(0);
  });

  it('logs no error in the page but what S3 was made to refuse and the refused form', () => {
    const expected = [
      // The parts the local S3 failed: its fault answers carry no CORS headers, so Chromium reports CORS refusals.
      /Access to XMLHttpRequest at '[^']*\/results\/(big-20MiB|stubborn-9MiB)\.bin\?[^']*partNumber=\d[^']*' from origin .* by CORS/,
      /Failed to load resource: net::ERR_FAILED/,
      /status of 403 \(Forbidden\)/, // the dropped file, refused until retried
      /status of 400 \(Bad Request\)/, // the form with an invalid bucket name
      /status of 404 \(Not Found\)/, // the volume that is not hers
    ];
    expect(alice.errors.filter((error) => !expected.some((pattern) => pattern.test(error)))).toEqual([]);
  });
});
