/**
 * Hostile clients on raw sockets (`node:net`): requests whose body never arrives whole, that half-close after
 * the headers, or that go away before the answer. Each resolves with whatever the server sent before the
 * connection ended, so a test can say what the client saw.
 */

import { connect, type Socket } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawRequest {
  method: string;
  /** Path and query, as on the request line. */
  target: string;
  headers?: Record<string, string>;
}

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** The request line and headers, Host first. */
export function head(url: string, request: RawRequest): string {
  const { host, port } = hostAndPort(url);
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `host: ${host}:${port}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) if (name !== 'host') lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function open(url: string): Promise<Socket> {
  const { host, port } = hostAndPort(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Collects what the server sends until the connection closes, or `waitMs` pass (then the socket is destroyed). */
function collect(socket: Socket, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** Announces `declared` body bytes, sends `sent` of them, then closes the connection outright. */
export async function shortBodyThenClose(url: string, request: RawRequest, declared = 1000, sent = 10): Promise<void> {
  const socket = await open(url);
  socket.on('error', () => undefined);
  socket.write(head(url, { ...request, headers: { ...request.headers, 'content-length': String(declared) } }));
  socket.write(Buffer.alloc(sent, 0x7b));
  await new Promise((resolve) => setTimeout(resolve, 20));
  socket.destroy();
}

/** Sends the headers of a request with a body, then half-closes (FIN): the body never comes. Resolves with the answer, if any. */
export async function halfCloseAfterHeaders(url: string, request: RawRequest, declared = 1000, waitMs = 3000): Promise<string> {
  const socket = await open(url);
  const received = collect(socket, waitMs);
  socket.write(head(url, { ...request, headers: { ...request.headers, 'content-length': String(declared) } }));
  socket.end();
  return received;
}

/** Sends a whole request, then goes away at once (a reset), before any answer. */
export async function goneBeforeAnswer(url: string, request: RawRequest, body = ''): Promise<void> {
  const socket = await open(url);
  socket.on('error', () => undefined);
  socket.write(
    head(url, { ...request, headers: { ...request.headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }) +
      body,
  );
  socket.resetAndDestroy();
}

/** Sends a whole request, reads `bytes` of the answer, then goes away (a reset) with the rest unread. */
export async function goneMidAnswer(url: string, request: RawRequest, bytes = 1): Promise<string> {
  const socket = await open(url);
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.length >= bytes && !socket.destroyed) {
        socket.resetAndDestroy();
        resolve(received);
      }
    });
    socket.once('close', () => resolve(received));
    socket.write(head(url, request));
  });
}

/**
 * Headers of a request signed as an SDK signs it (`UNSIGNED-PAYLOAD`): a gateway key, or a token as the access
 * key id (JWT mode, any secret).
 */
export async function signedHeaders(
  url: string,
  request: { method: string; path: string; headers?: Record<string, string> },
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<Record<string, string>> {
  const { host, port } = hostAndPort(url);
  const signer = new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: host,
      port,
      path: request.path,
      headers: { ...request.headers, host: `${host}:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }),
  );
  return signed.headers as Record<string, string>;
}

export interface Stalled {
  /** Whatever the server sent before it closed the connection (or `waitMs` passed), and when that was. */
  answer: Promise<{ text: string; afterMs: number }>;
  socket: Socket;
}

/**
 * Sends the headers of a request with a body of `declared` bytes and the first `sent` of them, then nothing.
 * `text` may be raw (a partial head, to stall within the headers).
 */
export async function stall(
  url: string,
  request: RawRequest | string,
  options: { declared?: number; sent?: number; waitMs?: number } = {},
): Promise<Stalled> {
  const { declared = 1000, sent = 0, waitMs = 10_000 } = options;
  const socket = await open(url);
  const started = Date.now();
  const answer = collect(socket, waitMs).then((text) => ({ text, afterMs: Date.now() - started }));
  socket.write(
    typeof request === 'string' ? request : head(url, { ...request, headers: { ...request.headers, 'content-length': String(declared) } }),
  );
  if (sent > 0) socket.write(Buffer.alloc(sent, 0x61));
  return { answer, socket };
}
