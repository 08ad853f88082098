/**
 * The S3 proxy's Node front: a plain HTTP server for container deployments, with none of a function URL's
 * limits. Bodies stream both ways (a 5 GiB part goes through in constant memory) and requests may take as long
 * as they need. The process around it (environment, signals) is `main.ts`; the local stack starts it in-process.
 */
import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { clientBody, incompleteBody } from '../../shared/proxy/body';
import { S3Refusal } from '../../shared/proxy/errors';
import type { ProxyHandler } from '../../shared/proxy/handle';
import type { FrontLimits, ProxyRequest } from '../../shared/proxy/types';
import { s3Headers } from '../../shared/s3/header-names';
import { headersFromRaw } from '../../shared/sigv4';

export interface NodeProxyServer {
  url: string;
  server: Server;
  /** Stops accepting connections; requests in flight get `graceMs` (30 s when absent) to finish. */
  close(graceMs?: number): Promise<void>;
}

/** Random bytes for request ids, refilled when used up: one call to the system's generator per 512 requests, not one each. */
const idPool = Buffer.alloc(8 * 512);
let idOffset = idPool.length;

/** S3-like request ids: 16 upper-case hex digits. */
export function newRequestId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  idOffset += 8;
  return idPool.toString('hex', idOffset - 8, idOffset).toUpperCase();
}

/** How long the Node front waits for a client (S3's own figures: it answers RequestTimeout after about 20 s). */
export interface NodeProxyTimeouts {
  /** No body byte for this long while the proxy reads the body: 400 RequestTimeout, the request to S3 abandoned. 20,000 when absent. */
  bodyIdleMs?: number;
  /** The request line and headers must arrive within this (Node answers 408 and closes). 20,000 when absent. */
  headersMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<NodeProxyTimeouts> = { bodyIdleMs: 20_000, headersMs: 20_000 };

export function proxyRequestOf(request: IncomingMessage, signal: AbortSignal, bodyIdleMs = DEFAULT_TIMEOUTS.bodyIdleMs): ProxyRequest {
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const headers = headersFromRaw(request.rawHeaders);
  const scheme = headers['x-forwarded-proto']?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return {
    method: request.method ?? 'GET',
    rawPath: question < 0 ? target : target.slice(0, question),
    rawQuery: question < 0 ? '' : target.slice(question + 1),
    headers,
    body: clientBody(request, bodyIdleMs),
    requestId: newRequestId(),
    signal,
    origin: `${scheme}://${headers.host ?? 'localhost'}`,
  };
}

/**
 * Why a request ended early, as the core then logs and audits it (nobody is left to read the answer): a 4xx in
 * S3's words, never an internal error. A body cut short is S3's IncompleteBody; otherwise the client left first.
 */
export function clientGone(request: IncomingMessage): S3Refusal {
  if (!request.complete) return incompleteBody();
  return new S3Refusal(400, 'RequestTimeout', 'The client closed the connection before the answer was sent.');
}

/** Where a load balancer or the Dockerfile's HEALTHCHECK asks whether the front is up. */
export const HEALTH_PATH = '/_health';

/**
 * A health check: an unsigned GET or HEAD of `/_health`. It cannot be an S3 request the front would serve: `_health`
 * is not a valid bucket name (no underscores), and as a key (virtual-hosted style) an unsigned request is refused anyway.
 * A signed request to that path goes to the proxy like any other.
 */
function isHealthCheck(request: IncomingMessage): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const [path, query = ''] = (request.url ?? '').split('?', 2);
  return path === HEALTH_PATH && request.headers.authorization === undefined && !/(^|&)x-amz-/i.test(query);
}

/** What the core knows of this front: no size limit, and a process that keeps running (metrics written each second). */
const NODE_FRONT: FrontLimits = { longRunning: true };

async function serve(
  proxy: () => ProxyHandler | Promise<ProxyHandler>,
  request: IncomingMessage,
  response: ServerResponse,
  bodyIdleMs: number,
): Promise<void> {
  if (isHealthCheck(request)) {
    const body = '{"status":"ok"}';
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort(clientGone(request));
  });
  const proxied = proxyRequestOf(request, abort.signal, bodyIdleMs);
  const answer = await (await proxy())(proxied, NODE_FRONT);
  // A body that stopped coming (RequestTimeout) or was refused part way (a chunk signature that does not match)
  // will not be read to its end: the connection is closed after the answer, as S3 closes it. Kept open, the
  // rest of the body would sit unread in front of the client's next request on it, which then never got an answer.
  if (!request.complete && (proxied.body.errored || proxied.body.destroyed)) response.setHeader('Connection', 'close');
  // The core's names are lower-case; they go out as S3 spells them (htslib looks for `ETag: "` verbatim).
  response.writeHead(answer.status, s3Headers(answer.headers));
  if (typeof answer.body === 'string') {
    response.end(answer.body);
    return;
  }
  pipeline(answer.body, response, () => undefined);
}

/**
 * Starts the front. `proxy` is called at the first request, so the environment may be completed after
 * listening (the local stack learns its ports first).
 */
export function startNodeProxy(options: {
  host: string;
  port: number;
  proxy: () => ProxyHandler | Promise<ProxyHandler>;
  timeouts?: NodeProxyTimeouts;
}): Promise<NodeProxyServer> {
  const { bodyIdleMs, headersMs } = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // The core, once a request asked for it: its pending metrics are written when the front stops.
  let core: ProxyHandler | undefined;
  const proxy = async () => (core ??= await options.proxy());
  // Slow headers: Node checks incomplete requests every `connectionsCheckingInterval`, so the headers deadline
  // holds to within a quarter of itself.
  const server = createServer(
    { connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(headersMs / 4))) },
    (request, response) => {
      serve(proxy, request, response, bodyIdleMs).catch(() => {
        // The core answers every error itself; this is the client leaving mid-write.
        response.destroy();
      });
    },
  );
  // Uploads of gigabytes take minutes: no whole-request deadline (requestTimeout would cut them). A stalled body
  // is the body's idle timeout (`clientBody`, S3's RequestTimeout); slow headers are `headersTimeout`.
  server.requestTimeout = 0;
  server.headersTimeout = headersMs;
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
        server,
        close: (graceMs = 30_000) =>
          new Promise<void>((done) => {
            server.close(() => {
              core?.flushMetrics?.();
              done();
            });
            server.closeIdleConnections();
            if (graceMs <= 0) server.closeAllConnections();
            else setTimeout(() => server.closeAllConnections(), graceMs).unref();
          }),
      });
    });
  });
}
