/**
 * DynamoDB failing under the data routes, on the real local stack (both proxy fronts, the HTTP API, the audit
 * stream's local tee):
 * - its audit writes refused: proxied requests through both fronts still succeed (the proxy puts its audit events
 *   on the stream, not in DynamoDB), and once DynamoDB is back the events reach the audit table, none lost;
 * - all of it down, with warm caches: vends, presigns and proxied GETs keep working for the 5 s the volume and
 *   membership cache may be stale (`shared/volumes/volume-lookup.ts`), then answer the documented 503 (JSON from
 *   the API, S3 XML from the proxy), never a 500; the audit events made meanwhile are shipped after recovery;
 * - the Node front in its own process (the container deployment): its stdout, followed as the container's log group
 *   is subscribed at AWS, carries its audit events to the table.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VOLUME_STALENESS_MS } from '../../shared/volumes/volume-lookup';
import { BIG_BYTES, BIG_KEY, type OneVolume, startOneVolume, VOLUME } from './one-volume';

let world: OneVolume;
let volumeId: string;

beforeAll(async () => {
  // One retry per refused SDK call (the default 3 attempts only make each refusal slower).
  process.env.AWS_MAX_ATTEMPTS = '2';
  world = await startOneVolume();
  volumeId = (await world.api('GET', '/volumes')).body.items.find((v: { name: string }) => v.name === VOLUME).id;
}, 120_000);
afterEach(() => world.stack.faults.clear());
afterAll(async () => {
  delete process.env.AWS_MAX_ATTEMPTS;
  await world?.stack.close();
});

const fronts = () => [world.stack.info.proxyUrl, world.stack.info.nodeProxyUrl];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET of the big object through `front`: 200 with every byte, or the S3 error's status and code. */
async function proxiedGet(front: string): Promise<{ status: number; code?: string }> {
  try {
    const answer = await world.s3(front).send(new GetObjectCommand({ Bucket: VOLUME, Key: BIG_KEY }));
    expect((await answer.Body!.transformToByteArray()).length).toBe(BIG_BYTES);
    return { status: 200 };
  } catch (error) {
    const failed = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { status: failed.$metadata?.httpStatusCode ?? 0, code: failed.name };
  }
}

/** The volume's audit trail once the stream has shipped everything written so far. */
async function trail(): Promise<Array<{ action: string; requestId: string; detail?: Record<string, unknown> }>> {
  await world.stack.auditStream!.settled();
  return stored();
}

/** The volume's audit trail as the table holds it now. */
async function stored(): Promise<Array<{ action: string; requestId: string; detail?: Record<string, unknown> }>> {
  const items: Array<{ action: string; requestId: string; detail?: Record<string, unknown> }> = [];
  let cursor: string | undefined;
  do {
    const page = await world.api('GET', `/volumes/${volumeId}/audit?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const keysOf = (events: Awaited<ReturnType<typeof trail>>, action: string) =>
  events.filter((e) => e.action === action).map((e) => String(e.detail?.key));

describe('the audit trail while DynamoDB refuses writes', () => {
  it('proxied requests through both fronts succeed, and their events reach the audit table once DynamoDB is back', async () => {
    const tag = Date.now().toString(36);
    for (const action of ['PutItem', 'BatchWriteItem']) world.stack.faults.add({ target: 'dynamodb', action, fault: { kind: 'fail' } });
    for (const front of fronts()) {
      expect(await proxiedGet(front)).toEqual({ status: 200 });
      // A change is always audited (a read is sampled: one per operation, volume and subject in 5 minutes).
      await world.s3(front).send(new PutObjectCommand({ Bucket: VOLUME, Key: `down-${tag}-${new URL(front).port}.txt`, Body: 'x' }));
    }
    world.stack.faults.clear();
    const events = await trail();
    expect(
      keysOf(events, 'proxy.PutObject')
        .filter((key) => key.includes(tag))
        .sort(),
    ).toEqual(
      fronts()
        .map((front) => `down-${tag}-${new URL(front).port}.txt`)
        .sort(),
    );
    expect(keysOf(events, 'proxy.GetObject')).toContain(BIG_KEY);
  });

  it('answers a proxied change before its audit event is written: no request waits for an audit write', async () => {
    const key = `slow-${Date.now().toString(36)}.txt`;
    // Audit writes take 1.5 s each; the answer comes first, the event after.
    for (const action of ['PutItem', 'BatchWriteItem'])
      world.stack.faults.add({ target: 'dynamodb', action, fault: { kind: 'slow', delayMs: 1500 }, times: 1 });
    await world.s3(world.stack.info.nodeProxyUrl).send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: 'x' }));
    expect(keysOf(await stored(), 'proxy.PutObject')).not.toContain(key);
    expect(keysOf(await trail(), 'proxy.PutObject')).toContain(key);
  });
});

describe('DynamoDB down, with warm caches', () => {
  /** The data routes of the API, as alice calls them: status, Retry-After and the JSON body; a redirect is not followed. */
  const dataRoutes: Array<[string, string, unknown?]> = [
    ['POST', 'credentials', {}],
    ['POST', 'presign', { key: BIG_KEY, method: 'GET' }],
    ['GET', `download/${BIG_KEY}`],
  ];
  const callAll = () =>
    Promise.all(
      dataRoutes.map(async ([method, path, body]) => {
        const response = await fetch(`${world.stack.info.apiUrl}/volumes/${volumeId}/${path}`, {
          method,
          redirect: 'manual',
          headers: { authorization: `Bearer ${world.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        const json = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
        return { status: response.status, retryAfter: response.headers.get('retry-after'), code: json?.code };
      }),
    );

  it('the data routes and proxied GETs work for the staleness window, then answer 503; their events are shipped after', async () => {
    const before = await trail();
    const count = (events: typeof before) => events.filter((e) => !e.action.startsWith('proxy.')).length;
    // Warm: each route has just read the volume and membership (and the proxy the gateway key), each at some moment
    // between warmStart and warmEnd: the window holds while the first read is fresh, and ends once the last is stale.
    const warmStart = Date.now();
    expect((await callAll()).map((a) => a.status)).toEqual([200, 200, 302]);
    for (const front of fronts()) expect(await proxiedGet(front)).toEqual({ status: 200 });
    const warmEnd = Date.now();

    world.stack.faults.add({ target: 'dynamodb', fault: { kind: 'down' } });
    const during = (await callAll()).map((a) => a.status);
    const gets = [];
    for (const front of fronts()) gets.push(await proxiedGet(front));
    expect(Date.now() - warmStart).toBeLessThan(VOLUME_STALENESS_MS);
    expect([during, gets]).toEqual([
      [200, 200, 302],
      [{ status: 200 }, { status: 200 }],
    ]);

    await sleep(Math.max(0, warmEnd + VOLUME_STALENESS_MS + 200 - Date.now()));
    expect(await callAll()).toEqual(dataRoutes.map(() => ({ status: 503, retryAfter: '1', code: 'VolumeStoreUnavailable' })));
    for (const front of fronts()) expect(await proxiedGet(front)).toEqual({ status: 503, code: 'ServiceUnavailable' });

    world.stack.faults.clear();
    // The warm-up's and the down window's vends, presigns and download links: two each, none lost.
    expect(count(await trail()) - count(before)).toBe(2 * dataRoutes.length);
  });
});

describe('the Node front in its own process', () => {
  it("ships its audit events from its stdout (the container's log group), DynamoDB refusing writes meanwhile", async () => {
    const { NODE_OPTIONS: _options, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'containers/node-proxy/main.ts'], {
      env: { ...env, NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      // Its stdout goes to the stream (as the awslogs driver sends it to CloudWatch Logs) and is read here for its URL.
      const forStream = new PassThrough();
      const forUrl = new PassThrough();
      child.stdout!.pipe(forStream);
      child.stdout!.pipe(forUrl);
      world.stack.auditStream!.follow(forStream);
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the Node front exited (code ${code}) before listening`)));
        createInterface({ input: forUrl }).on('line', (line) => {
          if (line.includes('S3 proxy listening')) resolve(JSON.parse(line).url);
        });
      });
      const key = `own-process-${Date.now().toString(36)}.txt`;
      for (const action of ['PutItem', 'BatchWriteItem']) world.stack.faults.add({ target: 'dynamodb', action, fault: { kind: 'fail' } });
      await world.s3(url).send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: 'x' }));
      world.stack.faults.clear();
      // Its line has left the child; once read here, the stream ships it.
      const deadline = Date.now() + 5000;
      let events = await trail();
      while (!keysOf(events, 'proxy.PutObject').includes(key) && Date.now() < deadline) {
        await sleep(100);
        events = await trail();
      }
      expect(keysOf(events, 'proxy.PutObject')).toContain(key);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
