import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DevIssuer, startDevIssuer } from '../../local/oidc/issuer';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../shared/config';
import { type BundledCli, bundleCli } from '../support/bundled-cli';

// Every case runs the CLI in its own process and shares nothing it writes: two at a time. The first runs it with tsx,
// as `npm run token` does (~2 s of CPU); the others start the same source bundled by esbuild with plain node (~0.1 s).
// That the running local stack (the code npm start runs) accepts its token on GET /me is the README walk-through's
// (test/e2e/readme-walkthrough.test.ts), and the guides' register with it (test/e2e/guides.test.ts).
vi.setConfig({ maxConcurrency: 2 });

const AUDIENCE = 'volume-gateway-cli-test';
const JWT_LINE = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

let dataDir: string;
let emptyDataDir: string;
let issuer: DevIssuer;
let verifier: TokenVerifier;
let bundled: BundledCli;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const TSX = resolve('node_modules/.bin/tsx');
const CLI = resolve('local/token-cli.ts');

/**
 * Runs the CLI in its own process, bundled with plain node or with tsx as `npm run token` does; `cwd` is where `.local` would be,
 * LOCAL_DATA_DIR only when given.
 */
function runCli(args: string[], env: Record<string, string>, cwd = process.cwd(), via: 'bundle' | 'tsx' = 'bundle'): Promise<Run> {
  const { LOCAL_DATA_DIR: _ignored, ...inherited } = process.env;
  const [command, entry] = via === 'tsx' ? [TSX, CLI] : [process.execPath, bundled.file];
  return new Promise((done) => {
    execFile(command, [entry, ...args], { cwd, env: { ...inherited, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  bundled = await bundleCli(CLI);
  dataDir = await mkdtemp(join(tmpdir(), 'token-cli-'));
  emptyDataDir = await mkdtemp(join(tmpdir(), 'token-cli-empty-'));
  issuer = await startDevIssuer({ port: 0, dataDir, audience: AUDIENCE });
  await writeFile(join(dataDir, 'stack.json'), JSON.stringify({ issuer: issuer.issuer, audience: AUDIENCE }));
  verifier = createTokenVerifier(
    loadAuthConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: AUDIENCE, JWKS_ALLOW_HTTP_LOOPBACK: 'true' }),
  );
});

afterAll(async () => {
  await issuer?.close();
  await bundled?.remove();
  await rm(dataDir, { recursive: true, force: true });
  await rm(emptyDataDir, { recursive: true, force: true });
});

describe.concurrent('npm run token', () => {
  it('prints exactly one token line, which the running stack accepts with the claims asked for', async () => {
    const run = await runCli(
      ['--sub', 'alice', '--groups', 'a,b', '--amr', 'mfa', '--email', 'alice@example.org'],
      { LOCAL_DATA_DIR: dataDir },
      process.cwd(),
      'tsx',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(JWT_LINE);
    const identity = await verifier.verify(run.stdout.trim());
    expect(identity).toMatchObject({
      subject: 'alice',
      issuer: issuer.issuer,
      groups: ['a', 'b'],
      authMethods: ['mfa'],
      email: 'alice@example.org',
    });
  });

  it('loads neither the dev issuer nor its OpenID provider (oidc-provider: about a second of CPU a start)', async () => {
    const code = await readFile(bundled.file, 'utf8');
    expect(code).not.toMatch(/from ["']oidc-provider["']/);
    expect(code).not.toMatch(/startDevIssuer/);
  });

  it('honours --ttl and --aud', async () => {
    const run = await runCli(['--sub', 'alice', '--ttl', '120', '--aud', 'other-app'], { LOCAL_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const claims = claimsOf(run.stdout.trim());
    expect(claims).toMatchObject({ aud: 'other-app', sub: 'alice' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
  });

  it(
    'with no stack data anywhere (no LOCAL_DATA_DIR, no .local) exits 1 naming LOCAL_DATA_DIR and npm start, prints no token and ' +
      'makes no key',
    async () => {
      const run = await runCli(['--sub', 'bob'], {}, emptyDataDir);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/no running local stack/);
      expect(run.stderr).toMatch(/LOCAL_DATA_DIR/);
      expect(run.stderr).toMatch(/npm start/);
      expect(existsSync(join(emptyDataDir, '.local'))).toBe(false);
    },
  );

  it('with LOCAL_DATA_DIR naming a directory without stack.json exits 1 and makes no signing key there', async () => {
    const run = await runCli(['--sub', 'bob'], { LOCAL_DATA_DIR: emptyDataDir });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`LOCAL_DATA_DIR \\(${emptyDataDir}\\).*npm start`));
    expect(existsSync(join(emptyDataDir, 'oidc'))).toBe(false);
  });

  it('with a stack.json left by a stack that stopped exits 1 saying the stack is not running', async () => {
    const stale = await mkdtemp(join(tmpdir(), 'token-cli-stale-'));
    const stopped = await startDevIssuer({ port: 0, dataDir: stale, audience: AUDIENCE });
    await writeFile(join(stale, 'stack.json'), JSON.stringify({ issuer: stopped.issuer, audience: AUDIENCE }));
    await stopped.close();
    const run = await runCli(['--sub', 'bob'], { LOCAL_DATA_DIR: stale });
    await rm(stale, { recursive: true, force: true });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/is not running.*npm start/s);
  });

  it('with a data directory whose key the running issuer does not publish exits 1 and prints no token', async () => {
    const other = await mkdtemp(join(tmpdir(), 'token-cli-other-'));
    const otherIssuer = await startDevIssuer({ port: 0, dataDir: other, audience: AUDIENCE }); // makes other's own key
    await otherIssuer.close();
    await writeFile(join(other, 'stack.json'), JSON.stringify({ issuer: issuer.issuer, audience: AUDIENCE }));
    const run = await runCli(['--sub', 'bob'], { LOCAL_DATA_DIR: other });
    await rm(other, { recursive: true, force: true });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/does not publish the key.*LOCAL_DATA_DIR/s);
  });

  it.each([
    [[], /--sub/],
    [['--sub'], /--sub/],
    [['--sub', 'alice', '--nope'], /nope/],
    [['--sub', 'alice', '--ttl', 'soon'], /--ttl/],
    [['--sub', 'alice', '--ttl', '0'], /--ttl/],
    [['--sub', 'alice', 'extra'], /extra/],
  ])('refuses %j with exit code 2, a message and nothing on stdout', async (args, message) => {
    const run = await runCli(args, { LOCAL_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage:/);
  });
});
