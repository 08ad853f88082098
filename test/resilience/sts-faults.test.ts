/**
 * STS throttled or down, on the real local stack: credentials already cached keep serving vends, presigns and
 * proxied requests (both fronts) until they expire; what needs a new session gets 503 with Retry-After and a
 * stable code; no error is remembered, so the first call after STS is back succeeds. The whole process's
 * clock (`Date`) is moved to age the credentials, so the service, the local AWS and the issuer agree on the
 * time. The product's SDK clients read AWS_MAX_ATTEMPTS, set to 2 here (one retry; the default 3 only makes each
 * refused call slower); the faults injector counts the STS requests that reached it.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../../shared/log';
import { BIG_BYTES, BIG_KEY, type OneVolume, startOneVolume, VOLUME } from './one-volume';

let world: OneVolume;
let volumeId: string;
const MINUTE = 60_000;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  // A fresh token each time: the clock moves by up to an hour in this file.
  const token = world.stack.token({ sub: 'alice' });
  const response = await fetch(`${world.stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const vend = (body: Record<string, unknown> = {}) => call('POST', `/volumes/${volumeId}/credentials`, body);
const presign = () => call('POST', `/volumes/${volumeId}/presign`, { key: BIG_KEY, method: 'GET' });

/** A GET through each proxy front: its status (the body read whole when 200). */
async function proxied(): Promise<number[]> {
  const statuses: number[] = [];
  for (const front of [world.stack.info.proxyUrl, world.stack.info.nodeProxyUrl]) {
    try {
      const answer = await world.s3(front).send(new GetObjectCommand({ Bucket: VOLUME, Key: BIG_KEY }));
      expect((await answer.Body!.transformToByteArray()).length).toBe(BIG_BYTES);
      statuses.push(200);
    } catch (error) {
      statuses.push((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
    }
  }
  return statuses;
}

function expectUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.body.code).toBe('StsUnavailable');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** Moves the whole process's clock (the service's, the local AWS's and the issuer's) by `ms`. */
function advance(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

let undoSink: () => void;
const handlerLines: string[] = [];

beforeAll(async () => {
  process.env.AWS_MAX_ATTEMPTS = '2';
  undoSink = setLogSink((line) => handlerLines.push(line));
  world = await startOneVolume();
  volumeId = (await call('GET', '/volumes')).body.items.find((v: { name: string }) => v.name === VOLUME).id;
}, 120_000);

afterEach(() => {
  world.stack.faults.clear();
  vi.useRealTimers();
});
afterAll(async () => {
  undoSink?.();
  delete process.env.AWS_MAX_ATTEMPTS;
  await world?.stack.close();
});

describe('STS throttled', () => {
  it('cached credentials keep serving vends, presigns and proxied GETs until they expire; new sessions get 503 StsUnavailable with ' +
    'Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const first = await vend();
    expect(first.status).toBe(200);
    const firstUrl = await presign();
    expect(firstUrl.status).toBe(200);
    expect(await proxied()).toEqual([200, 200]);
    const expiration = new Date(first.body.Expiration).getTime();
    // A GET URL is signed with read credentials: their own session, issued a moment after the vend's (write)
    // one, so it may end a second later. The vend of read access returns that cached session.
    const read = await vend({ access: 'read' });
    expect(new URL(firstUrl.body.url).searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${read.body.AccessKeyId}/`));
    const readExpiration = new Date(read.body.Expiration).getTime();

    world.stack.faults.add({ target: 'sts', action: 'AssumeRole', fault: { kind: 'throttle' } });
    expect((await vend()).body.AccessKeyId).toBe(first.body.AccessKeyId);
    expect((await presign()).status).toBe(200);
    expect(await proxied()).toEqual([200, 200]);
    expectUnavailable(await vend({ durationSeconds: 900 }));

    // Ten minutes left: less than a vend (15 min) or a presign (15 min) would like, but the credentials are
    // good, and STS cannot make better ones.
    advance(expiration - Date.now() - 10 * MINUTE);
    const late = await vend();
    expect(late.status).toBe(200);
    expect(late.body.AccessKeyId).toBe(first.body.AccessKeyId);
    const url = await presign();
    expect(url.status).toBe(200);
    // The URL says the truth: it lives as long as the credentials that signed it, and works.
    expect(new Date(url.body.expiresAt).getTime()).toBeLessThanOrEqual(readExpiration);
    expect(new Date(url.body.expiresAt).getTime()).toBeGreaterThan(readExpiration - 11 * MINUTE);
    expect((await fetch(url.body.url)).status).toBe(200);
    expect(await proxied()).toEqual([200, 200]);

    // Three minutes left: inside the cache's five-minute margin; still good for a proxied request.
    advance(expiration - Date.now() - 3 * MINUTE);
    expect((await vend()).body.AccessKeyId).toBe(first.body.AccessKeyId);
    expect(await proxied()).toEqual([200, 200]);

    // Half a minute left: too little to hand out or sign with. Now it is 503.
    advance(expiration - Date.now() - 30_000);
    expectUnavailable(await vend());
    expectUnavailable(await presign());
    expect(await proxied()).toEqual([503, 503]);
  }, 60_000);

  it('remembers no error: once STS answers again, the next call succeeds at once', async () => {
    world.stack.faults.add({ target: 'sts', action: 'AssumeRole', fault: { kind: 'throttle' } });
    expectUnavailable(await vend({ durationSeconds: 1200 }));
    world.stack.faults.clear();
    const started = performance.now();
    const answer = await vend({ durationSeconds: 1200 });
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  }, 30_000);

  it("a short throttle is absorbed by the SDK's retries: the vend succeeds", async () => {
    world.stack.faults.add({ target: 'sts', action: 'AssumeRole', fault: { kind: 'throttle' }, times: 1 });
    expect((await vend({ durationSeconds: 1500 })).status).toBe(200);
  }, 30_000);
});

describe('STS down', () => {
  it('cached credentials keep serving; a new session gets 503 StsUnavailable with Retry-After, then succeeds when STS is up', async () => {
    expect((await vend({ durationSeconds: 1800 })).status).toBe(200);
    expect((await presign()).status).toBe(200);
    expect(await proxied()).toEqual([200, 200]);
    world.stack.faults.add({ target: 'sts', fault: { kind: 'down' } });
    expect((await vend({ durationSeconds: 1800 })).status).toBe(200);
    expect((await presign()).status).toBe(200);
    expect(await proxied()).toEqual([200, 200]);
    expectUnavailable(await vend({ durationSeconds: 2400 }));
    world.stack.faults.clear();
    expect((await vend({ durationSeconds: 2400 })).status).toBe(200);
  }, 30_000);
});
