/**
 * The Node front is a long-running process: the core's metrics for its requests are summed and written each
 * second, not one EMF document per request, and what is pending when the front stops is written then.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type NodeProxyServer, startNodeProxy } from '../../containers/node-proxy/server';
import { setLogSink } from '../../shared/log';
import type { EmfDocument } from '../../shared/metrics';
import { type ProxyWorld, proxyWorld } from '../shared/proxy/world';

let w: ProxyWorld;
let front: NodeProxyServer | undefined;
let lines: string[];
let restoreSink: () => void;

beforeEach(async () => {
  // Only the interval's timer is faked: sockets and the rest run for real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  lines = [];
  restoreSink = setLogSink((line) => lines.push(line));
  w = await proxyWorld();
});
afterEach(async () => {
  await front?.close(0);
  front = undefined;
  restoreSink();
  vi.useRealTimers();
  await w.cleanup();
});

const emf = () => lines.map((line) => JSON.parse(line) as EmfDocument & Record<string, unknown>).filter((doc) => doc._aws);
const proxyRequests = (docs: ReturnType<typeof emf>, operation: string) =>
  docs.filter((doc) => doc.Operation === operation).reduce((sum, doc) => sum + Number(doc.ProxyRequests ?? 0), 0);

/** A signed HeadObject of `five` through the front, over HTTP. */
async function head(url: string): Promise<number> {
  const signed = await w.sign({ method: 'HEAD', path: '/shared-genomes/five' });
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${signed.rawPath}`, { method: 'HEAD', headers: signed.headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the Node front’s metrics', () => {
  it('are summed over its requests and written once a second, each request counted once', async () => {
    expect((await w.send({ method: 'PUT', path: '/shared-genomes/five', body: '12345' })).status).toBe(200);
    front = await startNodeProxy({ host: '127.0.0.1', port: 0, proxy: () => w.proxy });
    for (let i = 0; i < 12; i++) expect(await head(front.url)).toBe(200);
    expect(proxyRequests(emf(), 'HeadObject')).toBe(0);
    vi.advanceTimersByTime(1_000);
    const docs = emf().filter((doc) => doc.Operation === 'HeadObject');
    expect(docs).toHaveLength(1);
    expect(docs[0]!.ProxyRequests).toBe(12);
    vi.advanceTimersByTime(3_000);
    expect(proxyRequests(emf(), 'HeadObject')).toBe(12);
  });

  it('pending when the front stops are written as it stops', async () => {
    expect((await w.send({ method: 'PUT', path: '/shared-genomes/five', body: '12345' })).status).toBe(200);
    front = await startNodeProxy({ host: '127.0.0.1', port: 0, proxy: () => w.proxy });
    for (let i = 0; i < 5; i++) expect(await head(front.url)).toBe(200);
    expect(proxyRequests(emf(), 'HeadObject')).toBe(0);
    await front.close(0);
    front = undefined;
    expect(proxyRequests(emf(), 'HeadObject')).toBe(5);
  });
});
