import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../shared/config';
import { startDevIssuer, type DevIssuer } from '../../local/oidc/issuer';

const AUDIENCE = 'volume-gateway-cli-test';
const JWT_LINE = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

let dataDir: string;
let emptyDataDir: string;
let issuer: DevIssuer;
let verifier: TokenVerifier;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run token` would, in its own process. */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node_modules/.bin/tsx', ['local/token-cli.ts', ...args], { env: { ...process.env, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'token-cli-'));
  emptyDataDir = await mkdtemp(join(tmpdir(), 'token-cli-empty-'));
  issuer = await startDevIssuer({ port: 0, dataDir, audience: AUDIENCE });
  await writeFile(join(dataDir, 'stack.json'), JSON.stringify({ issuer: issuer.issuer, audience: AUDIENCE }));
  verifier = createTokenVerifier(loadAuthConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: AUDIENCE, JWKS_ALLOW_HTTP_LOOPBACK: 'true' }));
});

afterAll(async () => {
  await issuer?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(emptyDataDir, { recursive: true, force: true });
});

describe('npm run token', () => {
  it('prints exactly one token line, which the running stack accepts with the claims asked for', async () => {
    const run = await runCli(['--sub', 'alice', '--groups', 'a,b', '--amr', 'mfa', '--email', 'alice@example.org'], { LOCAL_DATA_DIR: dataDir });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(JWT_LINE);
    const identity = await verifier.verify(run.stdout.trim());
    expect(identity).toMatchObject({ subject: 'alice', issuer: issuer.issuer, groups: ['a', 'b'], authMethods: ['mfa'], email: 'alice@example.org' });
  });

  it('honours --ttl and --aud', async () => {
    const run = await runCli(['--sub', 'alice', '--ttl', '120', '--aud', 'other-app'], { LOCAL_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const claims = claimsOf(run.stdout.trim());
    expect(claims).toMatchObject({ aud: 'other-app', sub: 'alice' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
  });

  it('without a stack.json signs for http://127.0.0.1:$OIDC_PORT and the default audience', async () => {
    const run = await runCli(['--sub', 'bob'], { LOCAL_DATA_DIR: emptyDataDir, OIDC_PORT: '3999' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(JWT_LINE);
    expect(claimsOf(run.stdout.trim())).toMatchObject({ iss: 'http://127.0.0.1:3999', aud: 'volume-gateway-local', sub: 'bob' });
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
