/**
 * The Node front as it ships: `npm run build:node-proxy`'s one file, copied alone into an empty directory (no
 * node_modules anywhere up its path) and started with `node`, configured only by environment (the local stack's,
 * as a deployment sets AWS's). It serves a signed GetObject byte for byte and refuses to start without a required
 * variable. The Dockerfile, which no Docker engine here can build, is read: it ships that file and nothing else.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNodeProxy } from '../../containers/node-proxy/build';
import { freePort } from '../../local/free-port';
import { type ProxyWorld, startProxyWorld } from '../e2e/proxy-world';

const ROOT = join(import.meta.dirname, '..', '..');

/** No node_modules in `dir` or any folder above it: the bundle can resolve nothing but Node's built-ins. */
function noNodeModulesUp(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) return false;
    if (dirname(at) === at) return true;
  }
}

/** The environment a deployment gives the front: the stack's (this process's), without Node's module settings. */
function deploymentEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _options, NODE_PATH: _path, ...env } = process.env;
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

describe('the bundled Node front (dist/node-proxy.mjs) alone in an empty directory', () => {
  let w: ProxyWorld;
  let runDir: string;
  let child: ChildProcess | undefined;
  let url: string;
  let bundleBytes: number;
  let startMs: number;

  beforeAll(async () => {
    const buildDir = mkdtempSync(join(tmpdir(), 'vg-node-proxy-build-'));
    const [built, world] = await Promise.all([buildNodeProxy(join(buildDir, 'node-proxy.mjs')), startProxyWorld()]);
    w = world;
    bundleBytes = built.bytes;
    runDir = mkdtempSync(join(tmpdir(), 'vg-node-proxy-run-'));
    copyFileSync(built.path, join(runDir, 'node-proxy.mjs'));
    rmSync(buildDir, { recursive: true, force: true });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    child = spawn(process.execPath, ['node-proxy.mjs'], {
      cwd: runDir,
      env: deploymentEnv({ NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: String(port), PROXY_PUBLIC_URL: url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child!.once('exit', (code) =>
        reject(new Error(`the bundle exited (code ${code}) before listening: ${stderr.join('').slice(-1500)}`)),
      );
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        if (line.includes('S3 proxy listening')) resolve();
      });
    });
    startMs = Date.now() - started;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    await w?.stack.close();
  });

  it('is one file, run from a directory holding nothing else and no node_modules on its path', () => {
    expect(readdirSync(runDir)).toEqual(['node-proxy.mjs']);
    expect(noNodeModulesUp(runDir)).toBe(true);
    expect(bundleBytes).toBeGreaterThan(0);
    expect(startMs).toBeLessThan(10_000);
  });

  it('serves a GetObject signed with a gateway key byte for byte (JS SDK, path-style, its own URL as endpoint)', async () => {
    const body = randomBytes(256 * 1024 + 7);
    await w
      .s3('alice', w.stack.info.nodeProxyUrl)
      .send(new PutObjectCommand({ Bucket: 'alice-genomes', Key: 'artifact/sample.bin', Body: body }));
    const got = await w.s3('alice', url).send(new GetObjectCommand({ Bucket: 'alice-genomes', Key: 'artifact/sample.bin' }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('refuses a GetObject whose signature does not match, in S3 words', async () => {
    const wrong = { ...w.keys.alice!, secretAccessKey: 'not-the-secret-of-this-key-000000000000' };
    const s3 = w.s3('alice', url);
    s3.config.credentials = async () => wrong;
    await expect(s3.send(new GetObjectCommand({ Bucket: 'alice-genomes', Key: 'artifact/sample.bin' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('answers an unsigned GET or HEAD of /_health with 200, and proxies a signed request to that path', async () => {
    const health = await fetch(`${url}/_health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/_health`, { method: 'HEAD' })).status).toBe(200);
    // Anything else on that path is S3's: a signed request, another method, a presigned query.
    const signed = await fetch(`${url}/_health`, { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
    expect(signed.status).toBeGreaterThanOrEqual(400);
    expect(await signed.text()).toMatch(/<Error><Code>/);
    expect((await fetch(`${url}/_health?X-Amz-Signature=00`)).status).not.toBe(200);
    expect((await fetch(`${url}/_health`, { method: 'PUT', body: 'x' })).status).not.toBe(200);
  });

  it("the Dockerfile's HEALTHCHECK command, run as the image runs it, passes against the running bundle", () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
    const command = /^HEALTHCHECK .*CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    const [node, ...args] = JSON.parse(command!) as string[];
    expect(node).toBe('node');
    const run = (port: string) => spawnSync(process.execPath, args, { env: { NODE_PROXY_PORT: port }, timeout: 10_000 }).status;
    expect(run(new URL(url).port)).toBe(0);
    expect(run('1')).toBe(1);
  });

  it('stops at start, with exit code 1 and the missing variable named, when a required variable is not set', async () => {
    const { OIDC_ISSUER: _issuer, ...env } = deploymentEnv({ NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: '0' });
    const failed = spawn(process.execPath, ['node-proxy.mjs'], { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    failed.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => failed.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^The S3 proxy could not start: Configuration error: OIDC_ISSUER is not set/);
  });

  it('stops at start, with exit code 1 and one line naming NODE_PROXY_HOST and NODE_PROXY_PORT, when it cannot listen there', async () => {
    const taken = new URL(url).port;
    const failed = spawn(process.execPath, ['node-proxy.mjs'], {
      cwd: runDir,
      env: deploymentEnv({ NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: taken }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    failed.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => failed.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^The S3 proxy could not start: cannot listen on 127\\.0\\.0\\.1 port ${taken} ` +
          `\\(NODE_PROXY_HOST, NODE_PROXY_PORT\\): .*EADDRINUSE.*\\n$`,
      ),
    );
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ') // continuation lines
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({ op: line.split(/\s+/)[0]!.toUpperCase(), args: line.slice(line.split(/\s+/)[0]!.length).trim() }));
  const ops = (op: string) => instructions.filter((i) => i.op === op).map((i) => i.args);

  it('builds on node:22-slim', () => {
    expect(ops('FROM')).toEqual([expect.stringMatching(/^node:22-slim(@sha256:[0-9a-f]{64})?$/)]);
  });

  it('copies the bundle and nothing else (no ADD, one COPY of dist/node-proxy.mjs)', () => {
    expect(ops('ADD')).toEqual([]);
    expect(ops('COPY')).toEqual([expect.stringMatching(/^(--chown=\S+\s+)?dist\/node-proxy\.mjs \/app\/node-proxy\.mjs$/)]);
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['*', '!dist/node-proxy.mjs']));
  });

  it('runs as a user other than root, listening on all interfaces, with node and that one file', () => {
    const users = ops('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(ops('ENV').join(' ')).toMatch(/NODE_PROXY_HOST=0\.0\.0\.0/);
    expect(ops('EXPOSE')).toEqual(['3003']);
    expect(ops('CMD')).toEqual(['["node", "/app/node-proxy.mjs"]']);
  });
});
