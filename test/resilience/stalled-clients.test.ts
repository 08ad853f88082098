/**
 * Clients that stall on the Node front (finding 5 of issue 9): a body that stops coming, or never starts, is
 * answered S3's 400 RequestTimeout after the idle time and nothing is stored; slow headers are cut; and dozens of
 * stalled uploads do not take the front's connections to S3, so others are served meanwhile. The front runs here
 * with short timeouts (the defaults are S3's 20 s) in front of the real local stack.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS, type NodeProxyServer, startNodeProxy } from '../../containers/node-proxy/server';
import { setLogSink } from '../../shared/log';
import { BIG_BYTES, BIG_KEY, type OneVolume, startOneVolume, VOLUME } from './one-volume';
import { head, open, type RawRequest, signedHeaders, stall } from './raw-clients';

const BODY_IDLE_MS = 2_000;
const HEADERS_MS = 1_000;

let world: OneVolume;
let front: NodeProxyServer;
let undoSink: () => void;

beforeAll(async () => {
  undoSink = setLogSink(() => undefined);
  world = await startOneVolume();
  // The stack's proxy wiring (its environment, a fresh forwarder with its own connection pools) behind a front
  // with short timeouts.
  const wiring = import('../../shared/wiring/proxy').then((module) => module.proxyDefaults());
  front = await startNodeProxy({
    host: '127.0.0.1',
    port: 0,
    proxy: async () => (await wiring).proxy,
    timeouts: { bodyIdleMs: BODY_IDLE_MS, headersMs: HEADERS_MS },
  });
});
afterAll(async () => {
  await front?.close(0);
  await world?.stack.close();
  undoSink();
});

const put = async (key: string): Promise<RawRequest> => ({
  method: 'PUT',
  target: `/${VOLUME}/${key}`,
  headers: await signedHeaders(front.url, { method: 'PUT', path: `/${VOLUME}/${key}` }, world.key),
});

const status = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

async function notStored(key: string): Promise<void> {
  await expect(world.s3(front.url).send(new HeadObjectCommand({ Bucket: VOLUME, Key: key }))).rejects.toMatchObject({
    $metadata: { httpStatusCode: 404 },
  });
}

describe('the Node front', () => {
  it('answers S3’s 400 RequestTimeout in XML to a body that stops coming, closes the connection, and stores nothing', async () => {
    const { answer } = await stall(front.url, await put('stopped.bin'), { declared: 1000, sent: 300 });
    const { text, afterMs } = await answer;
    expect(status(text)).toBe(400);
    expect(text).toMatch(/<Code>RequestTimeout<\/Code>/);
    expect(text).toContain(
      'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
    );
    expect(text.toLowerCase()).toContain('connection: close');
    expect(afterMs).toBeGreaterThanOrEqual(BODY_IDLE_MS - 100);
    expect(afterMs).toBeLessThan(BODY_IDLE_MS + 3_000);
    await notStored('stopped.bin');
  });

  it('answers 400 RequestTimeout to a body that never starts, and stores nothing', async () => {
    const { answer } = await stall(front.url, await put('never.bin'));
    const { text } = await answer;
    expect(status(text)).toBe(400);
    expect(text).toMatch(/<Code>RequestTimeout<\/Code>/);
    await notStored('never.bin');
  });

  it('cuts a client whose headers do not arrive in time', async () => {
    const partial = head(front.url, await put('slow-headers.bin'))
      .split('\r\n')
      .slice(0, 3)
      .join('\r\n');
    const { answer } = await stall(front.url, partial);
    const { text, afterMs } = await answer;
    expect(afterMs).toBeLessThan(HEADERS_MS * 2 + 1_000);
    expect([0, 408]).toContain(Number.isNaN(status(text)) ? 0 : status(text));
  });

  it('serves a read and an upload promptly while 100 stalled uploads wait, 80 of them holding a connection to S3', async () => {
    // 80 send the start of their body (each is forwarded: it holds a connection to S3 until it times out);
    // 20 send only their headers (they hold none).
    const stalled = await Promise.all(
      Array.from({ length: 100 }, async (_, index) =>
        stall(front.url, await put(`stalled-${index}.bin`), { declared: 100_000, sent: index < 80 ? 4_096 : 0 }),
      ),
    );
    let answered = 0;
    for (const client of stalled) void client.answer.then(() => answered++);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const read = await world.s3(front.url).send(new GetObjectCommand({ Bucket: VOLUME, Key: BIG_KEY }));
    expect((await read.Body!.transformToByteArray()).length).toBe(BIG_BYTES);
    await world.s3(front.url).send(new PutObjectCommand({ Bucket: VOLUME, Key: 'meanwhile.txt', Body: 'served while others stalled' }));
    // Served while every stalled client still held on (none had timed out yet).
    expect(answered).toBe(0);
    expect(Date.now() - started).toBeLessThan(BODY_IDLE_MS);
    const answers = await Promise.all(stalled.map((client) => client.answer));
    expect(answers.map(({ text }) => status(text))).toEqual(answers.map(() => 400));
    await notStored('stalled-0.bin');
    expect((await world.s3(front.url).send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'meanwhile.txt' }))).ContentLength).toBe(27);
  }, 30_000);

  it('serves others while 70 clients hold GET answers they do not read (no cap on connections to S3 by default)', async () => {
    // An answer bigger than what loopback's socket buffers take keeps its connection to S3 while its client
    // does not read: with a default cap of 64 connections, the 65th request waited behind them.
    const bigKey = 'unread-16MiB.bin';
    await world.s3(front.url).send(new PutObjectCommand({ Bucket: VOLUME, Key: bigKey, Body: Buffer.alloc(16 * 1024 * 1024, 3) }));
    const readers = await Promise.all(
      Array.from({ length: 70 }, async () => {
        const socket = await open(front.url);
        socket.on('error', () => undefined);
        socket.write(
          head(front.url, {
            method: 'GET',
            target: `/${VOLUME}/${bigKey}`,
            headers: await signedHeaders(front.url, { method: 'GET', path: `/${VOLUME}/${bigKey}` }, world.key),
          }),
        );
        socket.pause();
        return socket;
      }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const read = world.s3(front.url).send(new GetObjectCommand({ Bucket: VOLUME, Key: BIG_KEY }));
      const late = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the read waited behind clients that do not read')), 8_000),
      );
      const answer = (await Promise.race([read, late])) as Awaited<typeof read>;
      expect((await answer.Body!.transformToByteArray()).length).toBe(BIG_BYTES);
    } finally {
      for (const socket of readers) socket.destroy();
    }
  }, 30_000);
});

it('waits S3’s 20 s for a stalled body and for headers by default, with no whole-request deadline', async () => {
  expect(DEFAULT_TIMEOUTS).toEqual({ bodyIdleMs: 20_000, headersMs: 20_000 });
  const plain = await startNodeProxy({ host: '127.0.0.1', port: 0, proxy: () => Promise.reject(new Error('unused')) });
  try {
    expect(plain.server.headersTimeout).toBe(20_000);
    expect(plain.server.requestTimeout).toBe(0);
  } finally {
    await plain.close(0);
  }
});
