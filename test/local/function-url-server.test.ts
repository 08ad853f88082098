import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../local/api-server';
import { functionUrlModel } from '../../local/function-url-model';
import { startFunctionUrlServer } from '../../local/function-url-server';
import { installAwsLambdaGlobal } from '../../local/lambda/streaming';
import type { FunctionModel, ServerlessModel } from '../../local/serverless-model';
import { createLogger } from '../../shared/log';

const fn: FunctionModel = {
  name: 'fixture',
  sourceFile: 'test/fixtures/streaming-handler.ts',
  exportName: 'handler',
  routes: [],
  url: { invokeMode: 'RESPONSE_STREAM' },
  timeoutSeconds: 10,
  memoryMb: 128,
};
const model: ServerlessModel = {
  service: 't',
  stage: 'test',
  region: 'us-east-1',
  runtime: 'nodejs22.x',
  environment: {},
  functions: [fn],
  tables: [],
  iamStatements: [],
};

let server: LocalServer;
beforeAll(async () => {
  installAwsLambdaGlobal();
  // Small writes go at once here (holdBackBytes=0): these tests are about streaming itself;
  // test/local/function-url-model.test.ts holds them back.
  server = await startFunctionUrlServer({
    root: process.cwd(),
    model,
    fn,
    host: '127.0.0.1',
    port: 0,
    log: createLogger({}, { write: () => undefined }),
    behaviour: functionUrlModel('holdBackBytes=0'),
  });
});
afterAll(() => server.close());

function post(path: string, body: Buffer, contentType = 'application/octet-stream') {
  return fetch(`${server.url}${path}`, { method: 'PUT', body, headers: { 'content-type': contentType } });
}

describe('function URL front', () => {
  it('streams the first bytes before the handler has finished', async () => {
    const fixture = await import('../fixtures/streaming-handler');
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      request(`${server.url}/wait`, (response) => {
        expect(response.statusCode).toBe(207);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          chunks.push(chunk);
          // The handler is still blocked: what arrived so far was streamed, not buffered.
          if (chunks.join('') === 'first;') fixture.releaseStream();
        });
        response.on('end', resolve);
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    expect(chunks[0]).toBe('first;');
    expect(chunks.join('')).toBe('first;second;done');
  });

  it('passes a binary body of 4 MiB, base64-encoded in the event, to the function', async () => {
    const response = await post('/any/key', Buffer.alloc(4 * 1024 * 1024, 7));
    expect(response.status).toBe(207);
    expect(response.headers.get('x-body-bytes')).toBe(String(4 * 1024 * 1024));
  });

  it('refuses a binary body whose base64 event exceeds 6 MB with 413, as Lambda does, without calling the function', async () => {
    const response = await post('/any/key', Buffer.alloc(5 * 1024 * 1024, 7));
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(await response.text()).toContain('6291456');
  });

  it('answers 413 to a chunked body that grows past 6 MB (no Content-Length to refuse up front), not a cut connection', async () => {
    const chunks = (async function* () {
      for (let i = 0; i < 8; i++) yield Buffer.alloc(1024 * 1024, 7);
    })();
    const response = await fetch(`${server.url}/any/key`, {
      method: 'PUT',
      body: chunks,
      duplex: 'half',
      headers: { 'content-type': 'application/octet-stream' },
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
  });

  it('hands the raw, still-encoded path to the function', async () => {
    const response = await post('/vol/a%20b%2Bc/%E2%9C%93', Buffer.from('x'), 'text/plain');
    expect(response.headers.get('x-raw-path')).toBe('/vol/a%20b%2Bc/%E2%9C%93');
  });

  it('answers a function that throws before its prelude with a bare 502 "Internal Server Error", as a function URL does', async () => {
    // Its own connection: fetch's pool may still hold one the refused uploads above left half-closed (ECONNRESET).
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(`${server.url}/throw`, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(answer).toEqual({ status: 502, body: 'Internal Server Error' });
  });
});

describe('the model a function URL server runs', () => {
  it(
    'is AWS’s unless the caller passes one: a FUNCTION_URL_MODEL left in the environment (for npm start) does not change a test’s ' +
      'stack',
    async () => {
      const before = process.env.FUNCTION_URL_MODEL;
      process.env.FUNCTION_URL_MODEL = 'remapContentLength=false,maxEventBytes=10';
      let plain: LocalServer | undefined;
      try {
        plain = await startFunctionUrlServer({
          root: process.cwd(),
          model,
          fn,
          host: '127.0.0.1',
          port: 0,
          log: createLogger({}, { write: () => undefined }),
        });
        const response = await fetch(`${plain.url}/any/key`, {
          method: 'PUT',
          body: 'twenty bytes of body',
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(response.status).toBe(207);
        expect(await response.text()).toBe('first;second;done');
      } finally {
        if (before === undefined) delete process.env.FUNCTION_URL_MODEL;
        else process.env.FUNCTION_URL_MODEL = before;
        await plain?.close();
      }
    },
  );
});
