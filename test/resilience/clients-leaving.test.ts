/**
 * A client that leaves early ends its own request, never the stack: for every server of `npm start` (the HTTP
 * API, the proxy's function URL and Node front, the local AWS, the OIDC issuer), a body shorter than its
 * Content-Length followed by a close, a half-close after the headers of a PUT, and a client gone before (or
 * during) the answer; then a normal request to every server still succeeds. The stack runs in this process with
 * no process-level guard, so an unhandled rejection or an error event nobody listens to fails this file (vitest
 * reports unhandled errors as failures); the last test runs `npm start` itself as a child process.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, signToken } from '../../local/oidc/token';
import type { StackInfo } from '../../local/stack';
import { setLogSink } from '../../shared/log';
import { BIG_BYTES, BIG_KEY, everyServerAnswers, type OneVolume, startOneVolume, VOLUME } from './one-volume';
import { goneBeforeAnswer, goneMidAnswer, halfCloseAfterHeaders, type RawRequest, shortBodyThenClose, signedHeaders } from './raw-clients';

interface Hostile {
  /** A request that carries a body (its Content-Length is added by each client). */
  upload(url: string): Promise<RawRequest>;
  /** A request whose answer takes a moment, or is long. */
  read(url: string): Promise<RawRequest>;
}

type Credentials = { accessKeyId: string; secretAccessKey: string };

/** What each server is sent, signed as its own clients sign (a gateway key, a token as access key id, a customer key). */
function catalogue(info: StackInfo, token: string, key: Credentials): Record<string, { url: string; hostile: Hostile }> {
  const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const proxy = (credentials: Credentials): Hostile => ({
    upload: async (url) => ({
      method: 'PUT',
      target: `/${VOLUME}/left.bin`,
      headers: await signedHeaders(url, { method: 'PUT', path: `/${VOLUME}/left.bin` }, credentials),
    }),
    read: async (url) => ({
      method: 'GET',
      target: `/${VOLUME}/${BIG_KEY}`,
      headers: await signedHeaders(url, { method: 'GET', path: `/${VOLUME}/${BIG_KEY}` }, credentials),
    }),
  });
  const customer = info.customers[0]!;
  return {
    'the HTTP API': {
      url: info.apiUrl,
      hostile: {
        upload: async () => ({ method: 'POST', target: '/volumes', headers: bearer }),
        read: async () => ({ method: 'GET', target: '/volumes', headers: bearer }),
      },
    },
    'the function URL (gateway key)': { url: info.proxyUrl, hostile: proxy(key) },
    'the function URL (token as access key id)': { url: info.proxyUrl, hostile: proxy({ accessKeyId: token, secretAccessKey: 'N/A' }) },
    'the Node front (gateway key)': { url: info.nodeProxyUrl, hostile: proxy(key) },
    'the Node front (token as access key id)': { url: info.nodeProxyUrl, hostile: proxy({ accessKeyId: token, secretAccessKey: 'N/A' }) },
    'the Node front (a refused request)': {
      url: info.nodeProxyUrl,
      hostile: {
        upload: async (url) => ({
          method: 'PUT',
          target: '/no-such-volume/x',
          headers: await signedHeaders(url, { method: 'PUT', path: '/no-such-volume/x' }, key),
        }),
        read: async (url) => ({
          method: 'GET',
          target: '/no-such-volume/x',
          headers: await signedHeaders(url, { method: 'GET', path: '/no-such-volume/x' }, key),
        }),
      },
    },
    'the local AWS (S3)': {
      url: info.awsEndpoint,
      hostile: {
        upload: async (url) => ({
          method: 'PUT',
          target: '/lab/data/left-direct.bin',
          headers: await signedHeaders(url, { method: 'PUT', path: '/lab/data/left-direct.bin' }, customer),
        }),
        read: async (url) => ({
          method: 'GET',
          target: `/lab/data/${BIG_KEY}`,
          headers: await signedHeaders(url, { method: 'GET', path: `/lab/data/${BIG_KEY}` }, customer),
        }),
      },
    },
    'the local AWS (DynamoDB)': {
      url: info.awsEndpoint,
      hostile: {
        upload: async () => ({
          method: 'POST',
          target: '/',
          headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
        }),
        read: async () => ({
          method: 'POST',
          target: '/',
          headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0', 'content-length': '2' },
        }),
      },
    },
    'the OIDC issuer': {
      url: info.issuer,
      hostile: {
        upload: async () => ({ method: 'PUT', target: '/.well-known/jwks.json' }),
        read: async () => ({ method: 'GET', target: '/.well-known/jwks.json' }),
      },
    },
  };
}

describe('in process (no process-level guard)', () => {
  let world: OneVolume;
  let servers: ReturnType<typeof catalogue>;
  /** What the functions and the proxy logged (their loggers' default sink), kept off the console. */
  const logged: string[] = [];
  let undoSink: () => void;
  beforeAll(async () => {
    undoSink = setLogSink((line) => logged.push(line));
    world = await startOneVolume();
    servers = catalogue(world.stack.info, world.token, world.key);
  });
  afterAll(async () => {
    await world?.stack.close();
    undoSink();
  });

  const names = [
    'the HTTP API',
    'the function URL (gateway key)',
    'the function URL (token as access key id)',
    'the Node front (gateway key)',
    'the Node front (token as access key id)',
    'the Node front (a refused request)',
    'the local AWS (S3)',
    'the local AWS (DynamoDB)',
    'the OIDC issuer',
  ];

  it.each(names)('%s: a body shorter than its Content-Length, then a close, ends that request only', async (name) => {
    const { url, hostile } = servers[name]!;
    await shortBodyThenClose(url, await hostile.upload(url));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await everyServerAnswers(world);
  });

  it.each(names)('%s: a half-close after the headers of a request with a body ends that request only', async (name) => {
    const { url, hostile } = servers[name]!;
    await halfCloseAfterHeaders(url, await hostile.upload(url));
    await everyServerAnswers(world);
  });

  it.each(names)('%s: a client gone before the answer ends that request only', async (name) => {
    const { url, hostile } = servers[name]!;
    const request = await hostile.read(url);
    await goneBeforeAnswer(url, request, request.headers?.['content-length'] === '2' ? '{}' : '');
    // The function goes on without its client, as on Lambda: give it the time to answer into the void.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await everyServerAnswers(world);
  });

  it.each(names.filter((name) => !name.includes('DynamoDB')))(
    '%s: a client gone in the middle of the answer ends that request only',
    async (name) => {
      const { url, hostile } = servers[name]!;
      const seen = await goneMidAnswer(url, await hostile.read(url));
      expect(seen).toMatch(/^HTTP\/1\.1 /);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await everyServerAnswers(world);
    },
  );

  it('an upload whose client left stored nothing, on either front or on S3 itself', async () => {
    for (const front of [world.stack.info.proxyUrl, world.stack.info.nodeProxyUrl]) {
      await expect(world.s3(front).send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'left.bin' }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    }
    const big = await world.s3(world.stack.info.nodeProxyUrl).send(new HeadObjectCommand({ Bucket: VOLUME, Key: BIG_KEY }));
    expect(big.ContentLength).toBe(BIG_BYTES);
  });

  it('no departed client was logged as a failure of ours: no error line, no 5xx', () => {
    const lines = [...logged, ...world.stack.logLines].map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines.filter((line) => typeof line.status === 'number' && line.status >= 500)).toEqual([]);
  });
});

async function waitFor(file: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('npm start (a child process) survives every hostile request and every port still answers', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vg-leaving-'));
  const child = spawn('node_modules/.bin/tsx', ['local/start.ts'], {
    env: {
      ...process.env,
      API_PORT: '0',
      PROXY_PORT: '0',
      AWS_PORT: '0',
      OIDC_PORT: '0',
      NODE_PROXY_PORT: '0',
      CONSOLE_PORT: '0',
      LOCAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', (code) => resolve(void (exitCode = code))));
  try {
    await waitFor(join(dataDir, 'stack.json'), 30_000);
    const info = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as StackInfo;
    const signing = await loadOrCreateSigningKey(dataDir);
    const token = signToken({
      privateKey: signing.privateKey,
      kid: signing.kid,
      issuer: info.issuer,
      audience: info.audience,
      sub: 'alice',
      now: new Date(),
    });
    const servers = catalogue(info, token, { accessKeyId: token, secretAccessKey: 'N/A' });
    for (const { url, hostile } of Object.values(servers)) {
      await shortBodyThenClose(url, await hostile.upload(url));
      await halfCloseAfterHeaders(url, await hostile.upload(url));
      await goneBeforeAnswer(url, await hostile.read(url));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(exitCode, stderr).toBeUndefined();
    expect((await fetch(`${info.apiUrl}/health`)).status).toBe(200);
    for (const front of [info.proxyUrl, info.nodeProxyUrl]) expect((await fetch(`${front}/some-volume/key`)).status).toBe(403);
    expect((await fetch(`${info.awsEndpoint}/lab/key`)).status).toBe(403);
    expect((await fetch(`${info.issuer}/.well-known/jwks.json`)).status).toBe(200);
    expect(stderr).not.toMatch(/\n\s+at /);
    // The process-level guard (the last line) had nothing to catch: every server ended its own requests.
    expect(stdout).not.toMatch(/unhandled rejection|uncaught exception/);
  } finally {
    child.kill('SIGINT');
    await exited;
  }
}, 60_000);
