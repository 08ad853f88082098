/**
 * The proxy's two fronts adapt HTTP to the core's neutral request and response the same way: the raw path and
 * query as sent, headers from the raw headers, the body's bytes, a request id, and the answer streamed back.
 * The core here records what it was given; the real one runs behind both fronts in test/e2e/proxy-*.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProxyServer, startNodeProxy } from '../../containers/node-proxy/server';
import { lambdaContext } from '../../local/lambda/context';
import { httpEvent } from '../../local/lambda/http-event';
import { installAwsLambdaGlobal, LocalResponseStream } from '../../local/lambda/streaming';
import { createLogger } from '../../shared/log';
import type { FrontLimits, ProxyRequest, ProxyResponse } from '../../shared/proxy/types';

// The runtime's global first: the AWS SDK creates an empty one when it loads.
installAwsLambdaGlobal();
const { makeHandler } = await import('../../functions/proxy/handler');

interface Received {
  request: ProxyRequest;
  body: Buffer;
  limits: FrontLimits | undefined;
}

let received: Received[] = [];
/** The next answer; a stream lets the test see bytes arrive before it ends. */
let next: () => ProxyResponse = () => ({ status: 200, headers: { 'x-amz-request-id': 'x' }, body: 'ok' });

async function core(request: ProxyRequest, limits?: FrontLimits): Promise<ProxyResponse> {
  const chunks: Buffer[] = [];
  for await (const chunk of request.body) chunks.push(Buffer.from(chunk as Buffer));
  received.push({ request, body: Buffer.concat(chunks), limits });
  return next();
}

let lambdaServer: Server;
let lambdaUrl: string;
let nodeFront: NodeProxyServer;

beforeAll(async () => {
  const handler = makeHandler(core, () => createLogger({}, { write: () => undefined })) as unknown as (
    event: unknown,
    stream: LocalResponseStream,
    context: unknown,
  ) => Promise<void>;
  // A bare function URL: the event as Lambda builds it, the handler's stream as the response.
  lambdaServer = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const event = httpEvent({ request, body: Buffer.concat(chunks), routeKey: '$default', domainName: request.headers.host! });
    const stream = new LocalResponseStream(response);
    await handler(event, stream, lambdaContext('proxy', 30, 128, 'us-east-1'));
    if (!stream.writableFinished) stream.end();
  });
  await new Promise<void>((resolve) => lambdaServer.listen(0, '127.0.0.1', resolve));
  lambdaUrl = `http://127.0.0.1:${(lambdaServer.address() as AddressInfo).port}`;
  nodeFront = await startNodeProxy({ host: '127.0.0.1', port: 0, proxy: () => core });
});
afterAll(async () => {
  lambdaServer.closeAllConnections();
  lambdaServer.close();
  await nodeFront.close(0);
});

function send(base: string, path: string, init: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; chunks: string[] }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers }, (response) => {
      const chunks: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, chunks }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const fronts = () =>
  [
    ['the Lambda function URL', lambdaUrl],
    ['the Node server', nodeFront.url],
  ] as const;

describe.each([0, 1])('front %#', (index) => {
  it('hands the core the raw path and query, the raw headers, the body’s bytes and a request id', async () => {
    received = [];
    next = () => ({ status: 200, headers: { 'x-amz-request-id': 'x' }, body: 'ok' });
    const [name, base] = fronts()[index]!;
    const body = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await send(base, '/vol/a%20b%2Bc//d?list-type=2&prefix=x%2By', {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream', 'x-amz-meta-twice': ['one', 'two'] },
    });
    const { request, body: seen, limits } = received[0]!;
    expect({ name, rawPath: request.rawPath, rawQuery: request.rawQuery, method: request.method }).toEqual({
      name,
      rawPath: '/vol/a%20b%2Bc//d',
      rawQuery: 'list-type=2&prefix=x%2By',
      method: 'PUT',
    });
    expect(seen.equals(body)).toBe(true);
    expect(request.headers['x-amz-meta-twice']).toBe('one,two');
    expect(request.headers['content-type']).toBe('application/octet-stream');
    expect(request.requestId).toMatch(/^[\w-]{16,}$/);
    expect(request.origin).toMatch(/^http:\/\/127.0.0.1:\d+$/);
    expect(limits?.maxResponseBytes).toBe(index === 0 ? 200_000_000 : undefined);
  });

  it('hands the core the query exactly as sent, with characters a URL parser would escape (\' " < >)', async () => {
    received = [];
    next = () => ({ status: 200, headers: { 'x-amz-request-id': 'x' }, body: 'ok' });
    const [name, base] = fronts()[index]!;
    const { hostname, port } = new URL(base);
    const rawQuery = `prefix=a'b"c<d>&x=%7E&y=~`;
    await new Promise<void>((resolve, reject) =>
      httpRequest({ hostname, port, path: `/vol/k?${rawQuery}` }, (response) => response.resume().on('end', resolve))
        .on('error', reject)
        .end(),
    );
    expect({ name, rawQuery: received[0]!.request.rawQuery }).toEqual({ name, rawQuery });
  });

  it('streams the core’s answer back with its status and headers', async () => {
    const [, base] = fronts()[index]!;
    const body = new PassThrough();
    next = () => ({ status: 206, headers: { 'content-range': 'bytes 0-9/100', 'x-amz-request-id': 'RID' }, body });
    body.write('01234');
    setTimeout(() => body.end('56789'), 30);
    const response = await send(base, '/vol/k');
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe('bytes 0-9/100');
    expect(response.headers['x-amz-request-id']).toBe('RID');
    expect(response.chunks.join('')).toBe('0123456789');
  });

  it('sends a HEAD answer’s Content-Length without a body (a streaming function URL renames it, as AWS does)', async () => {
    const [, base] = fronts()[index]!;
    next = () => ({ status: 200, headers: { 'content-length': '12345', 'x-amz-request-id': 'RID' }, body: '' });
    const response = await send(base, '/vol/k', { method: 'HEAD' });
    expect(response.headers[index === 0 ? 'x-amzn-remapped-content-length' : 'content-length']).toBe('12345');
    expect(response.chunks).toEqual([]);
  });
});

describe('the Lambda function URL front', () => {
  it('refuses a body labelled text that is not UTF-8 (the URL altered it) instead of forwarding changed bytes', async () => {
    received = [];
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const answer = await send(lambdaUrl, '/vol/readme.txt', { method: 'PUT', body: binary, headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(400);
    expect(answer.chunks.join('')).toMatch(/<Code>InvalidRequest<\/Code>.*application\/octet-stream/s);
    expect(received).toEqual([]);
  });

  it("names the text Content-Type it received, such as curl --data-binary's form type, and says what to send instead", async () => {
    received = [];
    const binary = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0xff, 0x00]);
    const answer = await send(lambdaUrl, '/vol/reads.bam', {
      method: 'PUT',
      body: binary,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(400);
    const body = answer.chunks.join('');
    expect(body).toContain('&quot;application/x-www-form-urlencoded&quot;');
    expect(body).toMatch(/with curl: -T FILE/);
    expect(received).toEqual([]);
  });

  it('passes UTF-8 text bodies through unchanged', async () => {
    received = [];
    next = () => ({ status: 200, headers: { 'x-amz-request-id': 'x' }, body: 'ok' });
    const text = Buffer.from('ACGT ✓ émoji\n');
    const answer = await send(lambdaUrl, '/vol/readme.txt', { method: 'PUT', body: text, headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(200);
    expect(received[0]!.body.equals(text)).toBe(true);
  });
});
