/**
 * Drives the web console in Debian's headless Chromium (playwright-core) against a local stack that serves it:
 * a fresh browser context per person (no shared session), sign-in through the dev issuer's login form, and a
 * screenshot of each page under test-output/console/ (CONSOLE_SCREENSHOTS_DIR moves it).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const SCREENSHOTS_DIR = resolve(process.env.CONSOLE_SCREENSHOTS_DIR ?? 'test-output/console');

/** Debian's Chromium, headless, with nothing of its own on the network (every browser test launches it so). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface Person {
  subject: string;
  email?: string;
  groups?: string[];
  mfa?: boolean;
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far (a test expects none where nothing should fail). */
  errors: string[];
}

/** A fresh context (its own cookies and storage: nobody signed in) at the given width. */
export async function openContext(browser: Browser, width = 1280): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
  return { context, page, errors };
}

/**
 * Opens the console, which sends the browser to the dev issuer's login form; fills it in as `person` and comes back
 * signed in (the console's header names the subject).
 */
export async function signIn(page: Page, consoleUrl: string, person: Person, hash = '#/volumes'): Promise<void> {
  await page.goto(`${consoleUrl}/${hash}`);
  await page.getByLabel(/subject/i).fill(person.subject);
  if (person.email) await page.getByLabel(/e-?mail/i).fill(person.email);
  if (person.groups?.length) await page.getByLabel(/groups/i).fill(person.groups.join(', '));
  if (person.mfa) await page.getByLabel(/multi-factor|mfa/i).check();
  await Promise.all([page.waitForURL(`${consoleUrl}/**`), page.getByRole('button', { name: /sign in|log in|continue/i }).click()]);
  await page.getByText(`Signed in as ${person.subject}`).waitFor();
}

/** A full-page screenshot named after the page (e.g. `volumes-1280.png`); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
