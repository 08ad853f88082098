import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledCli, bundleCli } from '../support/bundled-cli';
import { startTestStack, type TestStack } from '../support/local-stack';

const TSX = resolve('node_modules/.bin/tsx');
const CLI = resolve('local/env-cli.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let bundled: BundledCli;

/**
 * Runs the CLI in its own process: with tsx as `npm run local-env` does (~2 s of CPU), or the same source bundled by esbuild
 * with plain node (~0.1 s); `cwd` is where `.local` would be, LOCAL_DATA_DIR only when given.
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

/** The `export NAME='value'` lines as a map, as the shell's eval would set them. */
const exported = (stdout: string): Record<string, string> =>
  Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)].map(([, name, value]) => [name!, value!.replace(/'\\''/g, "'")]),
  );

let stack: TestStack;
let empty: string;
beforeAll(async () => {
  bundled = await bundleCli(CLI);
  stack = await startTestStack();
  empty = await mkdtemp(join(tmpdir(), 'env-cli-empty-'));
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await bundled?.remove();
  await rm(empty, { recursive: true, force: true });
});

describe('npm run local-env', () => {
  it('with a running stack prints exports that make the AWS SDK act as that customer on the local AWS', async () => {
    const run = await runCli(['--customer', '2'], { LOCAL_DATA_DIR: stack.dataDir }, process.cwd(), 'tsx');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')[0]).toBe('unset AWS_SESSION_TOKEN AWS_PROFILE');
    const env = exported(run.stdout);
    expect(env).toMatchObject({
      VG_API: stack.info.apiUrl,
      VG_PROXY: stack.info.proxyUrl,
      VG_NODE_PROXY: stack.info.nodeProxyUrl,
      AWS_ENDPOINT: stack.info.awsEndpoint,
    });
    const sts = new STSClient({
      endpoint: env.AWS_ENDPOINT,
      region: env.AWS_DEFAULT_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(env.CUSTOMER_ACCOUNT_ID);
    expect(env.CUSTOMER_ACCOUNT_ID).toBe(stack.info.customers[1]!.accountId);
  });

  it('loads neither the dev issuer nor its OpenID provider (oidc-provider: about a second of CPU a start)', async () => {
    const code = await readFile(bundled.file, 'utf8');
    expect(code).not.toMatch(/from ["']oidc-provider["']/);
    expect(code).not.toMatch(/startDevIssuer/);
  });

  it(
    'with no stack data anywhere (no LOCAL_DATA_DIR, no .local) exits 1 naming LOCAL_DATA_DIR and npm start, and prints nothing to ' +
      'eval',
    async () => {
      const run = await runCli([], {}, empty);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/no running local stack/);
      expect(run.stderr).toMatch(/LOCAL_DATA_DIR/);
      expect(run.stderr).toMatch(/npm start/);
    },
  );

  it('with a stack.json left by a stack that stopped exits 1 saying the stack is not running', async () => {
    const stale = await mkdtemp(join(tmpdir(), 'env-cli-stale-'));
    await writeFile(
      join(stale, 'stack.json'),
      JSON.stringify({ ...stack.info, issuer: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' }),
    );
    const run = await runCli([], { LOCAL_DATA_DIR: stale });
    await rm(stale, { recursive: true, force: true });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/is not running.*npm start/s);
  });

  it.each([
    [['--customer', '0'], /unknown argument/],
    [['--customer', '9'], /no customer 9/],
    [['--nope'], /unknown argument "--nope"/],
  ])('refuses %j with exit code 2 and nothing on stdout', async (args, message) => {
    const run = await runCli(args, { LOCAL_DATA_DIR: stack.dataDir });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
  });
});
