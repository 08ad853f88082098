/** `npm start` itself: it comes up on the ports it is given, serves, writes stack.json, and Ctrl-C stops it cleanly. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../../local/free-port';

async function waitFor(file: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('starts on the given ports, serves the API, the proxy URLs and the web console, and stops cleanly on SIGINT', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vg-npm-start-'));
  const ports = {
    API_PORT: await freePort(),
    PROXY_PORT: await freePort(),
    AWS_PORT: await freePort(),
    OIDC_PORT: await freePort(),
    NODE_PROXY_PORT: await freePort(),
    CONSOLE_PORT: await freePort(),
  };
  const child = spawn('node_modules/.bin/tsx', ['local/start.ts'], {
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), LOCAL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(join(dataDir, 'stack.json'), 30_000);
    const info = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8'));
    expect(info.apiUrl).toBe(`http://127.0.0.1:${ports.API_PORT}`);
    expect(await (await fetch(`${info.apiUrl}/health`)).json()).toEqual({ status: 'ok' });
    // Both proxy fronts answer as S3 does: an anonymous request is AccessDenied, in S3's XML.
    for (const url of [info.proxyUrl, info.nodeProxyUrl]) {
      const proxy = await fetch(`${url}/some-volume/some/key`);
      expect(proxy.status).toBe(403);
      expect(await proxy.text()).toMatch(/<Error><Code>AccessDenied<\/Code>/);
    }
    expect(output).toContain(`http://127.0.0.1:${ports.API_PORT}`);
    // The web console: printed, its page and its settings served (naming this run's API and issuer).
    const consoleUrl = `http://127.0.0.1:${ports.CONSOLE_PORT}`;
    expect(info.consoleUrl).toBe(consoleUrl);
    expect(output).toMatch(new RegExp(`Web console\\s+${consoleUrl}`));
    const page = await fetch(`${consoleUrl}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${consoleUrl}/app.js`)).status).toBe(200);
    expect(await (await fetch(`${consoleUrl}/config.json`)).json()).toMatchObject({
      apiUrl: info.apiUrl,
      oidc: { issuer: info.issuer, clientId: 'volume-gateway-console' },
    });
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
  await expect(fetch(`http://127.0.0.1:${ports.API_PORT}/health`)).rejects.toThrow();
}, 60_000);
