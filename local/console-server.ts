/**
 * The console's static files on loopback (CONSOLE_PORT, 3004 by `npm start`), as CloudFront serves them at AWS: the
 * built files, `/config.json` naming the API and the issuer, and the headers the distribution's response-headers policy
 * sets (a Content-Security-Policy that lets the page talk only to its own origin, the API, the issuer and S3).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import type { ConsoleConfig } from '../console/src/config-shape';
import { closeServer, type LocalServer, listen } from './api-server';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleServerOptions {
  host: string;
  port: number;
  /** The built console (console/build.ts). */
  dir: string;
  /** config.json's content; undefined until the stack knows its addresses (the page then gets a 503 and retries on reload). */
  config: () => ConsoleConfig | undefined;
  /** Origins the page may call besides its own: the API, the issuer, the S3 endpoint presigned URLs name. */
  connectOrigins: () => string[];
}

export function contentSecurityPolicy(connectOrigins: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<LocalServer> {
  // The build is small and fixed while the server runs: read once, served from memory.
  const files = new Map<string, Buffer>();
  const load = (name: string) => {
    if (!files.has(name)) files.set(name, readFileSync(join(options.dir, name)));
    return files.get(name)!;
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://console').pathname;
    const headers = {
      'content-security-policy': contentSecurityPolicy(options.connectOrigins()),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed\n');
      return;
    }
    if (path === '/config.json') {
      const config = options.config();
      if (!config) {
        response.writeHead(503, { ...headers, 'retry-after': '1', 'content-type': 'text/plain' }).end('Starting; reload in a moment.\n');
        return;
      }
      response.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(config));
      return;
    }
    // Only the build's own top-level files: no path is joined onto the directory unchecked.
    const name = path === '/' ? 'index.html' : path.slice(1);
    if (!/^[\w.-]+$/.test(name) || !TYPES[extname(name)]) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    let body: Buffer;
    try {
      body = load(name);
    } catch {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    response.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(name)]!,
      'content-length': String(body.length),
      'cache-control': name === 'index.html' ? 'no-cache' : 'max-age=60',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  const url = await listen(server, options.host, options.port);
  return { url, server, close: () => closeServer(server) };
}
