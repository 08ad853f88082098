/**
 * A TLS terminator on loopback, as a load balancer sits in front of the Node front: a Node `https` server with a
 * self-signed certificate made at start (the `openssl` CLI), that pipes each request to `target` with
 * `X-Forwarded-Proto: https`, streaming both ways, and hands the answer back with its header spelling kept.
 * `Expect: 100-continue` is answered here (as a terminator does); it is not a signed header.
 *
 * It records what each client sent: the request headers and the last bytes of the body, so a test can tell an
 * aws-chunked body with a trailer (`x-amz-trailer`, `x-amz-content-sha256: STREAMING-…-TRAILER`, the trailer line
 * itself) from a checksum sent as a header.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const TAIL_BYTES = 1024;

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body's last bytes (up to 1 KiB), as latin1 text: where an aws-chunked body carries its trailer. */
  bodyTail: string;
}

export interface TlsTerminator {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The self-signed certificate (PEM), to trust as a CA bundle. */
  caFile: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Makes a self-signed certificate for 127.0.0.1 and localhost in `dir` (cert.pem, key.pem). */
export async function selfSignedCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await exec('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}

export async function startTlsTerminator(target: string, dir: string): Promise<TlsTerminator> {
  const { certFile, keyFile } = await selfSignedCertificate(dir);
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
    const record: SeenRequest = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, bodyTail: '' };
    seen.push(record);
    let tail = Buffer.alloc(0);
    request.on('data', (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
      record.bodyTail = tail.toString('latin1');
    });
    const headers: string[] = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i]!.toLowerCase();
      if (name === 'expect' || name === 'x-forwarded-proto') continue;
      headers.push(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
    }
    headers.push('X-Forwarded-Proto', 'https');
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, setHost: false },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    response.on('close', () => {
      if (!response.writableFinished) forwarded.destroy();
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: certFile,
    seen,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
