/**
 * The Node front's process, as a container runs it: `npm run build:node-proxy` bundles this file (and everything it
 * imports, the AWS SDK included) into `dist/node-proxy.mjs`, which runs with `node dist/node-proxy.mjs` and no
 * node_modules (the `Dockerfile` ships that one file). `npm run proxy` runs it from source for development.
 *
 * Configured by environment, as the Lambda functions are: the service's variables (`shared/config.ts`) and the
 * proxy's (`shared/wiring/proxy.ts`), read and checked at start, so a missing one stops the process with its
 * name (exit code 1) before it listens. Besides those:
 * - NODE_PROXY_HOST (127.0.0.1; the image sets 0.0.0.0) and NODE_PROXY_PORT (3003): where it listens. Put TLS in
 *   front of it (a load balancer); set PROXY_PUBLIC_URL to where clients reach it.
 * - NODE_PROXY_BODY_IDLE_TIMEOUT_MS (20,000): a client that stops sending its body this long gets S3's 400
 *   RequestTimeout. NODE_PROXY_HEADERS_TIMEOUT_MS (20,000): its headers must arrive within this. There is no
 *   whole-request deadline.
 * SIGTERM and SIGINT stop taking new connections and let requests in flight finish (up to 30 s).
 */
import { proxyDefaults } from '../../shared/wiring/proxy';
import { keepServing } from './keep-serving';
import { DEFAULT_TIMEOUTS, startNodeProxy } from './server';

function envPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`NODE_PROXY_PORT must be a port number from 0 to 65535 (got "${value}")`);
  return port;
}

function envMs(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`${name} must be a whole number of milliseconds above 0 (got "${value}")`);
  return ms;
}

async function main(): Promise<void> {
  const host = process.env.NODE_PROXY_HOST?.trim() || '127.0.0.1';
  const port = envPort(process.env.NODE_PROXY_PORT, 3003);
  const timeouts = {
    bodyIdleMs: envMs('NODE_PROXY_BODY_IDLE_TIMEOUT_MS', DEFAULT_TIMEOUTS.bodyIdleMs),
    headersMs: envMs('NODE_PROXY_HEADERS_TIMEOUT_MS', DEFAULT_TIMEOUTS.headersMs),
  };
  const wiring = proxyDefaults();
  keepServing(wiring.logger);
  const started = await startNodeProxy({ host, port, proxy: () => wiring.proxy, timeouts }).catch((error: Error) => {
    throw new Error(`cannot listen on ${host} port ${port} (NODE_PROXY_HOST, NODE_PROXY_PORT): ${error.message}`);
  });
  wiring.logger.info('S3 proxy listening', { url: started.url, publicUrl: wiring.proxyConfig.publicUrl });
  const stop = (signal: string) => {
    wiring.logger.info('stopping', { signal });
    void started.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: Error) => {
  console.error(`The S3 proxy could not start: ${error.message}`);
  process.exit(1);
});
