/**
 * The S3 proxy's Node front: a plain HTTP server for container deployments (and `npm run proxy`), with none of
 * a function URL's limits. Bodies stream both ways (a 5 GiB part goes through in constant memory), requests may
 * take as long as they need, and it reads the same environment as the Lambda function
 * (`shared/config.ts`, `shared/wiring/proxy.ts`).
 *
 * Stand-alone: `npm run proxy`, listening on NODE_PROXY_HOST (127.0.0.1; set 0.0.0.0 in a container) and
 * NODE_PROXY_PORT (3003). Put TLS in front of it (a load balancer); set PROXY_PUBLIC_URL to where clients reach it.
 * SIGTERM and SIGINT stop taking new connections and let requests in flight finish (up to 30 s).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { headersFromRaw } from '../shared/sigv4';
import { S3Refusal } from '../shared/proxy/errors';
import type { ProxyHandler } from '../shared/proxy/handle';
import type { ProxyRequest } from '../shared/proxy/types';
import { keepServing } from './keep-serving';

export interface NodeProxyServer {
  url: string;
  server: Server;
  /** Stops accepting connections; requests in flight get `graceMs` (30 s when absent) to finish. */
  close(graceMs?: number): Promise<void>;
}

/** S3-like request ids: 16 upper-case hex digits. */
export const newRequestId = (): string => randomBytes(8).toString('hex').toUpperCase();

export function proxyRequestOf(request: IncomingMessage, signal: AbortSignal): ProxyRequest {
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const headers = headersFromRaw(request.rawHeaders);
  const scheme = headers['x-forwarded-proto']?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return {
    method: request.method ?? 'GET',
    rawPath: question < 0 ? target : target.slice(0, question),
    rawQuery: question < 0 ? '' : target.slice(question + 1),
    headers,
    body: request,
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
  if (!request.complete) return new S3Refusal(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header (the client went away).');
  return new S3Refusal(400, 'RequestTimeout', 'The client closed the connection before the answer was sent.');
}

async function serve(proxy: () => ProxyHandler | Promise<ProxyHandler>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort(clientGone(request));
  });
  const proxied = proxyRequestOf(request, abort.signal);
  const answer = await (await proxy())(proxied);
  response.writeHead(answer.status, answer.headers);
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
export function startNodeProxy(options: { host: string; port: number; proxy: () => ProxyHandler | Promise<ProxyHandler> }): Promise<NodeProxyServer> {
  const server = createServer((request, response) => {
    serve(options.proxy, request, response).catch(() => {
      // The core answers every error itself; this is the client leaving mid-write.
      response.destroy();
    });
  });
  // Uploads of gigabytes take minutes: no whole-request deadline, only idle connections are closed.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
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
            server.close(() => done());
            server.closeIdleConnections();
            if (graceMs <= 0) server.closeAllConnections();
            else setTimeout(() => server.closeAllConnections(), graceMs).unref();
          }),
      });
    });
  });
}

function envPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`NODE_PROXY_PORT must be a port number from 0 to 65535 (got "${value}")`);
  return port;
}

async function main(): Promise<void> {
  const { proxyDefaults } = await import('../shared/wiring/proxy');
  const wiring = proxyDefaults();
  keepServing(wiring.logger);
  const started = await startNodeProxy({
    host: process.env.NODE_PROXY_HOST?.trim() || '127.0.0.1',
    port: envPort(process.env.NODE_PROXY_PORT, 3003),
    proxy: () => wiring.proxy,
  });
  wiring.logger.info('S3 proxy listening', { url: started.url, publicUrl: wiring.proxyConfig.publicUrl });
  const stop = (signal: string) => {
    wiring.logger.info('stopping', { signal });
    void started.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(`The S3 proxy could not start: ${error.message}`);
    process.exit(1);
  });
}
