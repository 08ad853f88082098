/**
 * The browsers story of the vending issue, in Debian's headless Chromium against the real local stack. A page
 * served from its own loopback origin (test/fixtures/browser/volume-app.html) holds alice's token and does
 * everything from the browser: it calls the API across origins (the API's CORS), uploads a generated file with a
 * presigned PUT, uploads 11 MiB as a two-part multipart upload reading each part's ETag (the bucket's CORS must
 * expose it), and downloads both files, hashing them with `crypto.subtle`. The customer's own view (the JS SDK with
 * the customer's keys, which set the bucket up too) must hold the same bytes at `prefix/key`.
 *
 * The download link (`GET /volumes/{id}/download/{key}` → 302 to a presigned S3 URL) meets the browser's redirect
 * rules: on the hop to S3, Chromium drops the Authorization header (the redirect leaves the API's origin) and
 * sends `Origin: null` (a cross-origin request redirected to a third origin is "tainted"). A bucket whose CORS
 * admits only the app's origin therefore refuses the redirected request, and `redirect: 'manual'` cannot help
 * (its response is opaque: no status, no Location). The test shows exactly that, then both ways out: the app asks
 * for a presigned GET (`POST /presign`) and fetches it from its own origin, which is what a browser app should
 * do; or the customer lets any origin GET (S3 answers `Access-Control-Allow-Origin: *`; the signature in the URL,
 * not CORS, is what protects the object), and the link works with `fetch`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CORSRule, GetObjectCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../support/console-browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { apiAs, customerClients, registerSdkVolume } from '../support/sdk-volume';

const PAGE = readFileSync(resolve(import.meta.dirname, '../fixtures/browser/volume-app.html'));
const BUCKET = 'alice-lab';
const PREFIX = 'project-x';
const SMALL = { key: 'browser uploads/random 300KiB.bin', size: 300 * 1024, seed: 0x5eed01 };
const LARGE = { key: 'browser uploads/multipart-11MiB.bin', size: 11 * 1024 * 1024, partSize: 5 * 1024 * 1024, seed: 0x5eed02 };
const SCREENSHOT = join(tmpdir(), 'volume-gateway-browser-test.png');

let stack: TestStack;
let token: string;
let volumeId: string;
let pageServer: Server;
let pageOrigin: string;
let profileDir: string;
let browser: BrowserContext;
let page: Page;
const requests: Request[] = [];
const consoleLines: string[] = [];

/** What the page's steps return (see the fixture); `error` when the step threw. */
interface StepResult {
  key?: string;
  size?: number;
  sha256?: string;
  error?: string;
  refused?: boolean;
  [field: string]: unknown;
}

type App = Record<'put' | 'multipart' | 'downloadByRedirect' | 'downloadByPresign', (...args: unknown[]) => Promise<StepResult>>;

/** Calls one of the page's functions inside the page. */
function inPage(name: keyof App, ...args: unknown[]): Promise<StepResult> {
  return page.evaluate(([fn, rest]) => (globalThis as unknown as { volumeApp: App }).volumeApp[fn](...rest), [name, args] as const);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The bucket's CORS rules, set by the customer (with the SDK: the aws cli's put-bucket-cors is the guides'). */
async function putBucketCors(rules: CORSRule[]): Promise<void> {
  const { s3 } = customerClients(stack);
  await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: rules } }));
  s3.destroy();
}

/** The object as the customer sees it: size, SHA-256 and ETag of what the customer's own GetObject of `prefix/key` returns. */
async function customerView(key: string): Promise<{ size: number; sha256: string; etag: string }> {
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  const s3 = new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));
    const data = Buffer.from(await got.Body!.transformToByteArray());
    return { size: data.length, sha256: sha256(data), etag: got.ETag! };
  } finally {
    s3.destroy();
  }
}

/** What Chromium's network layer reports (DevTools protocol), including the headers really sent and CORS failures. */
interface Hop {
  requestId: string;
  url: string;
  /** The answer that redirected this request here, if any. */
  redirectedBy?: { url: string; status: number; headers: Record<string, string> };
}
const hops: Hop[] = [];
const sentHeaders: Array<{ requestId: string; headers: Record<string, string> }> = [];
const failures = new Map<string, { errorText: string; corsError?: string }>();
const finished = new Set<string>();

const lowerCased = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

async function recordNetwork(target: Page): Promise<void> {
  const cdp = await target.context().newCDPSession(target);
  cdp.on('Network.requestWillBeSent', (event) => {
    const redirect = event.redirectResponse;
    hops.push({
      requestId: event.requestId,
      url: event.request.url,
      ...(redirect
        ? { redirectedBy: { url: redirect.url, status: redirect.status, headers: lowerCased(redirect.headers as Record<string, string>) } }
        : {}),
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) =>
    sentHeaders.push({ requestId: event.requestId, headers: lowerCased(event.headers as Record<string, string>) }),
  );
  cdp.on('Network.loadingFinished', (event) => finished.add(event.requestId));
  cdp.on('Network.loadingFailed', (event) =>
    failures.set(event.requestId, {
      errorText: event.errorText,
      ...(event.corsErrorStatus ? { corsError: event.corsErrorStatus.corsError } : {}),
    }),
  );
  await cdp.send('Network.enable');
}

/**
 * The two hops of the first download link fetched after `hops[since]`: the browser's request to the API
 * (headers sent, the API's answer) and the request it then sent to S3 (headers sent, how it failed if it
 * did), once that has settled.
 */
async function linkHops(since: number) {
  const s3Host = new URL(stack.info.awsEndpoint).host;
  const apiHost = new URL(stack.info.apiUrl).host;
  let toS3: Hop | undefined;
  await expect
    .poll(
      () => {
        toS3 = hops.slice(since).find((h) => h.redirectedBy?.url.includes('/download/') && h.url.startsWith(`${stack.info.awsEndpoint}/`));
        const id = toS3?.requestId ?? '';
        return sentHeaders.some((s) => s.requestId === id && s.headers.host === s3Host) && (finished.has(id) || failures.has(id));
      },
      { timeout: 5000 },
    )
    .toBe(true);
  const headersTo = (host: string) =>
    sentHeaders.findLast((s) => s.requestId === toS3!.requestId && s.headers.host === host)?.headers ?? {};
  return {
    apiUrl: toS3!.redirectedBy!.url,
    apiStatus: toS3!.redirectedBy!.status,
    apiHeaders: toS3!.redirectedBy!.headers,
    sentToApi: headersTo(apiHost),
    s3Url: toS3!.url,
    sentToS3: headersTo(s3Host),
    s3Failure: failures.get(toS3!.requestId),
  };
}

beforeAll(async () => {
  // The app's origin: its own loopback port, so the API and S3 are other origins.
  pageServer = createServer((request, response) => {
    if ((request.url ?? '/').split('?')[0] === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => pageServer.listen(0, '127.0.0.1', done));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;

  stack = await startTestStack({ corsAllowedOrigins: pageOrigin });
  token = stack.token({ sub: 'alice' });

  // Alice registers and verifies a read-write volume; the customer makes the bucket and role and applies the returned
  // policies (with the SDK: the aws cli's run of the returned commands is volume-story's and the guides').
  volumeId = await registerSdkVolume(stack, apiAs(stack, token), {
    name: 'alice-browser',
    bucket: BUCKET,
    prefix: PREFIX,
    roleName: 'AliceBrowser',
    policyName: 'volume-alice-browser',
  });
  // The customer's bucket admits the app's origin: uploads, downloads, and ETag readable by the page.
  await putBucketCors([
    { AllowedOrigins: [pageOrigin], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] },
  ]);

  profileDir = mkdtempSync(join(tmpdir(), 'vg-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 640 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('request', (request) => requests.push(request));
  await recordNetwork(page);
  page.on('console', (message) => consoleLines.push(message.text()));
  // The page reads its configuration from the fragment, which never leaves the browser, and then clears it.
  const fragment = new URLSearchParams({ api: stack.info.apiUrl, volume: volumeId, token });
  await page.goto(`${pageOrigin}/#${fragment}`);
  await page.waitForSelector('body[data-ready="true"]');
}, 120_000);

afterAll(async () => {
  if (page) await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await stack?.close();
  await new Promise((done) => (pageServer ? pageServer.close(done) : done(undefined)));
});

describe('a page on another origin, in headless Chromium', () => {
  let small: StepResult;
  let large: StepResult;

  it('calls the API across origins with its bearer token and uploads a generated file with the presigned PUT', async () => {
    small = await inPage('put', SMALL.key, SMALL.size, SMALL.seed);
    expect(small.error).toBeUndefined();
    expect(small).toMatchObject({ key: SMALL.key, size: SMALL.size, status: 200 });
    // The call carried the token, so Chromium preflighted it; the API admitted the page's origin on both.
    const presign = requests.find((r) => r.method() === 'POST' && r.url() === `${stack.info.apiUrl}/volumes/${volumeId}/presign`);
    expect((await presign!.allHeaders()).authorization).toBe(`Bearer ${token}`);
    expect((await presign!.response())?.headers()['access-control-allow-origin']).toBe(pageOrigin);
    expect(page.url()).toBe(`${pageOrigin}/`);
    const stored = await customerView(SMALL.key);
    expect(stored).toMatchObject({ size: SMALL.size, sha256: small.sha256 });
  });

  it('uploads 11 MiB as a two-part multipart upload, reading each part’s ETag from S3’s answer', async () => {
    large = await inPage('multipart', LARGE.key, LARGE.size, LARGE.partSize, LARGE.seed);
    expect(large.error).toBeUndefined();
    const parts = large.parts as Array<{ partNumber: number; etag: string; bytes: number }>;
    expect(parts.map((p) => [p.partNumber, p.bytes])).toEqual([
      [1, 5 * 1024 * 1024],
      [2, 6 * 1024 * 1024],
    ]);
    for (const part of parts) expect(part.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const stored = await customerView(LARGE.key);
    expect(stored).toMatchObject({ size: LARGE.size, sha256: large.sha256 });
    expect(stored.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(stored.sha256).not.toBe(small.sha256);
  });

  it(
    'follows the download link’s 302 without the Authorization header and as Origin null, which a bucket admitting only the app’s ' +
      'origin refuses',
    async () => {
      const since = hops.length;
      const outcome = await inPage('downloadByRedirect', SMALL.key);
      expect(outcome).toMatchObject({ refused: true, error: 'TypeError: Failed to fetch' });
      const link = await linkHops(since);
      // First hop: the API, with the token, answering 302 with CORS headers for the page and the presigned URL.
      expect(link.apiUrl).toBe(`${stack.info.apiUrl}/volumes/${volumeId}/download/browser%20uploads/random%20300KiB.bin`);
      expect(link.sentToApi.authorization).toBe(`Bearer ${token}`);
      expect(link.sentToApi.origin).toBe(pageOrigin);
      expect(link.apiStatus).toBe(302);
      expect(link.apiHeaders['access-control-allow-origin']).toBe(pageOrigin);
      expect(link.apiHeaders.location).toBe(link.s3Url);
      expect(link.apiHeaders['cache-control']).toBe('no-store');
      expect(link.s3Url).toContain(`/${BUCKET}/${PREFIX}/browser%20uploads/random%20300KiB.bin?`);
      expect(new URL(link.s3Url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      // Second hop: Chromium followed it, without the token and with the tainted origin; S3 had no rule for "null".
      expect(link.sentToS3.authorization).toBeUndefined();
      expect(link.sentToS3.origin).toBe('null');
      expect(link.s3Failure).toEqual({ errorText: 'net::ERR_FAILED', corsError: 'MissingAllowOriginHeader' });
    },
  );

  it('downloads both files with a presigned GET from the page’s own origin, and the bytes match', async () => {
    for (const uploaded of [small, large]) {
      const downloaded = await inPage('downloadByPresign', uploaded.key);
      expect(downloaded.error).toBeUndefined();
      expect(downloaded).toMatchObject({ size: uploaded.size, sha256: uploaded.sha256 });
    }
  });

  it('downloads both files through the link once the bucket lets any origin GET, and the bytes match', async () => {
    await putBucketCors([
      { AllowedOrigins: [pageOrigin], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] },
      { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
    ]);
    for (const uploaded of [small, large]) {
      const since = hops.length;
      const downloaded = await inPage('downloadByRedirect', uploaded.key);
      expect(downloaded.error).toBeUndefined();
      expect(downloaded).toMatchObject({
        size: uploaded.size,
        sha256: uploaded.sha256,
        redirected: true,
        finalOrigin: stack.info.awsEndpoint,
      });
      const link = await linkHops(since);
      expect(link.apiStatus).toBe(302);
      expect(link.sentToS3).toMatchObject({ origin: 'null' });
      expect(link.sentToS3.authorization).toBeUndefined();
      expect(link.s3Failure).toBeUndefined();
    }
  });
});
