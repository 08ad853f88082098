/**
 * The forwarder against a stand-in S3 on loopback that checks each request's signature with our own verifier
 * (shared/sigv4), so what @smithy/signature-v4 signs and what goes on the wire agree, for any key.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamRequest } from '../../../shared/proxy/types';
import { createHttpUpstream, NodeSha256, s3Endpoint, signUpstream } from '../../../shared/proxy/upstream/http-upstream';
import { headersFromRaw, parseSigV4, verifySigV4 } from '../../../shared/sigv4';

const NOW = new Date('2025-06-01T12:00:00Z');
const credentials = {
  accessKeyId: 'ASIAROLE',
  secretAccessKey: 'role-secret',
  sessionToken: 'session-token',
  expiration: new Date('2025-06-01T13:00:00Z'),
};

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  verified: string;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];
/** Connections opened to the stand-in. */
let connections = 0;

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = request.url!;
    const q = url.indexOf('?');
    const req = {
      method: request.method!,
      rawPath: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      headers: headersFromRaw(request.rawHeaders),
    };
    let verified = 'ok';
    try {
      verifySigV4(req, parseSigV4(req)!, credentials.secretAccessKey, { now: NOW });
    } catch (error) {
      verified = (error as Error).message;
    }
    const body = await readAll(request).catch(() => '<torn>');
    seen.push({ method: req.method, url, headers: req.headers, body, verified });
    if (req.rawPath.endsWith('/slow')) return; // never answers
    response
      .writeHead(200, { 'x-amz-request-id': 'S3REQ', 'x-amz-bucket-region': 'eu-central-1', 'content-type': 'text/plain' })
      .end(`got ${body.length}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

const upstream = () => createHttpUpstream({ clock: { now: () => NOW }, endpoint, idleTimeoutMs: 500 });

const request = (overrides: Partial<UpstreamRequest>): UpstreamRequest => ({
  method: 'GET',
  region: 'eu-central-1',
  bucket: 'lab-genomes',
  key: 'runs/2025/x',
  query: [],
  headers: {},
  payloadHash: 'UNSIGNED-PAYLOAD',
  credentials,
  ...overrides,
});

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the forwarder', () => {
  it('signs for S3 with the volume’s session, path-style, and the signature verifies for any key and query', async () => {
    const key = 'runs/2025/a b+c=d%e/é✓//x?y#z';
    const response = await upstream().send(
      request({
        key,
        query: [
          ['prefix', 'runs/2025/a b+'],
          ['uploads', ''],
        ],
        headers: { 'x-amz-meta-a': 'b' },
      }),
    );
    expect(response.status).toBe(200);
    const last = seen.at(-1)!;
    expect(last.verified).toBe('ok');
    expect(last.url).toBe('/lab-genomes/runs/2025/a%20b%2Bc%3Dd%25e/%C3%A9%E2%9C%93//x%3Fy%23z?prefix=runs%2F2025%2Fa%20b%2B&uploads=');
    expect(last.headers['x-amz-security-token']).toBe('session-token');
    expect(last.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(response.headers['x-amz-request-id']).toBe('S3REQ');
    await text(response.body);
  });

  it('signs with Node’s SHA-256 exactly as with the pure-JS one it replaced', async () => {
    const at = new Date('2026-12-06T01:30:00Z');
    const unsigned = request({ key: 'a b/é', query: [['prefix', 'x y']], headers: { 'x-amz-meta-a': 'b' } });
    const signed = await signUpstream(unsigned, s3Endpoint(unsigned.region), at);
    const jsSigner = new SignatureV4({
      credentials: unsigned.credentials,
      region: unsigned.region,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    });
    const again = await jsSigner.sign(new HttpRequest({ ...signed, headers: { ...signed.headers } }), { signingDate: at });
    expect(signed.headers.authorization).toBe(again.headers.authorization);
    const secret = new TextEncoder().encode('key');
    for (const key of [secret, secret.buffer, 'key']) {
      const [node, js] = [new NodeSha256(key), new Sha256(key)];
      node.update('data');
      js.update('data');
      expect(Buffer.from(await node.digest())).toEqual(Buffer.from(await js.digest()));
    }
  });

  it('streams a request body out and the answer back', async () => {
    const body = new PassThrough();
    const sending = upstream().send(request({ method: 'PUT', body, headers: { 'content-length': '10' } }));
    body.write('01234');
    setTimeout(() => body.end('56789'), 20);
    const response = await sending;
    expect(await text(response.body)).toBe('got 10');
    expect(seen.at(-1)).toMatchObject({ body: '0123456789', verified: 'ok' });
  });

  it('signs a re-framed aws-chunked upload as S3 wants it: its framing headers signed, a Content-Length, never chunked', async () => {
    const framed = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n';
    const headers = {
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '5',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
      'content-length': String(framed.length),
    };
    const response = await upstream().send(
      request({ method: 'PUT', body: Readable.from([Buffer.from(framed)]), headers, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }),
    );
    await text(response.body);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ verified: 'ok', body: framed });
    expect(last.headers).toMatchObject({ ...headers, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
    expect(last.headers['transfer-encoding']).toBeUndefined();
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(last.headers.authorization!)![1]!.split(';');
    expect(signedHeaders).toEqual(
      expect.arrayContaining([
        'content-encoding',
        'content-length',
        'x-amz-content-sha256',
        'x-amz-decoded-content-length',
        'x-amz-trailer',
        'x-amz-sdk-checksum-algorithm',
      ]),
    );
  });

  it('rejects with the body’s own failure when the body fails on the way, and abandons the request', async () => {
    const body = new PassThrough();
    const sending = upstream().send(request({ method: 'PUT', body, headers: { 'content-length': '10' } }));
    body.write('01234');
    setTimeout(() => body.destroy(Object.assign(new Error('chunk 2 has a bad signature'), { name: 'SigV4Error' })), 20);
    await expect(sending).rejects.toThrow('chunk 2 has a bad signature');
  });

  it('an unreachable or silent S3 is S3Unavailable (503), which clients retry', async () => {
    const dead = createHttpUpstream({ clock: { now: () => NOW }, endpoint: 'http://127.0.0.1:1' });
    await expect(dead.send(request({}))).rejects.toMatchObject({ status: 503, code: 'S3Unavailable' });
    await expect(upstream().send(request({ key: 'runs/2025/slow' }))).rejects.toMatchObject({ status: 503, code: 'S3Unavailable' });
  });

  it('an abandoned request (the client left) is RequestTimeout', async () => {
    const abort = new AbortController();
    const sending = upstream().send(request({ key: 'runs/2025/slow', signal: abort.signal }));
    setTimeout(() => abort.abort(), 20);
    await expect(sending).rejects.toMatchObject({ s3Code: 'RequestTimeout' });
  });

  it('takes no connection to S3 for a body that has not started, and sends it once it does', async () => {
    const body = new PassThrough();
    const before = connections;
    // A fresh forwarder: no kept-alive connection to reuse.
    const sending = upstream().send(request({ method: 'PUT', key: 'runs/2025/late', body, headers: { 'content-length': '4' } }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(connections).toBe(before);
    body.end('late');
    expect(await text((await sending).body)).toBe('got 4');
    expect(seen.at(-1)).toMatchObject({ url: '/lab-genomes/runs/2025/late', body: 'late' });
  });

  it('a body that fails before it starts is the answer, and S3 is never asked', async () => {
    const body = new PassThrough();
    const before = connections;
    const sending = upstream().send(request({ method: 'PUT', key: 'runs/2025/never', body, headers: { 'content-length': '4' } }));
    setTimeout(() => body.destroy(Object.assign(new Error('the client stalled'), { name: 'RequestTimeout' })), 100);
    await expect(sending).rejects.toThrow('the client stalled');
    expect(connections).toBe(before);
  });

  it('stalled uploads holding every connection of the pool do not make a read wait', async () => {
    const pooled = createHttpUpstream({ clock: { now: () => NOW }, endpoint, idleTimeoutMs: 5_000, maxSockets: 2 });
    const stalled = [new PassThrough(), new PassThrough(), new PassThrough()];
    const uploads = stalled.map((body, index) =>
      pooled.send(request({ method: 'PUT', key: `runs/2025/stalled-${index}`, body, headers: { 'content-length': '10' } })),
    );
    for (const body of stalled) body.write('01234');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const read = await pooled.send(request({ key: 'runs/2025/read' }));
    expect(await text(read.body)).toBe('got 0');
    for (const body of stalled) body.end('56789');
    for (const upload of uploads) expect(await text((await upload).body)).toBe('got 10');
  });

  it('goes to S3’s regional endpoint unless one is configured', () => {
    expect(s3Endpoint('eu-central-1').href).toBe('https://s3.eu-central-1.amazonaws.com/');
    expect(s3Endpoint('cn-north-1').href).toBe('https://s3.cn-north-1.amazonaws.com.cn/');
    expect(s3Endpoint('us-east-1', 'http://127.0.0.1:4566').href).toBe('http://127.0.0.1:4566/');
  });
});
