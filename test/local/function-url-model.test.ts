/**
 * The local function URL changes a streaming function's answer as docs/function-url.md reports a real one does,
 * one named switch per behaviour, each on by default; and a buffered answer likewise. A plain Node client reads
 * the wire, so what it sees is what an S3 client would get.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AWS_FUNCTION_URL, functionUrlModel } from '../../local/function-url-model';
import { writeBufferedResult } from '../../local/lambda/invoke';
import { LocalResponseStream } from '../../local/lambda/streaming';
import { answeringServer } from '../support/answering-server';

const served = answeringServer();

interface Seen {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** When each piece of the body arrived, in ms since the request went out. */
  arrivals: number[];
  complete: boolean;
}

function fetchRaw(method = 'GET'): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    request(served.url, { method }, (response) => {
      const chunks: Buffer[] = [];
      const arrivals: number[] = [];
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        arrivals.push(Date.now() - started);
      });
      const done = () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: Buffer.concat(chunks),
          arrivals,
          complete: response.complete,
        });
      response.on('end', done);
      response.on('error', done);
      response.on('aborted', done);
    })
      .on('error', reject)
      .end();
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a streaming answer through the modelled function URL', () => {
  it('carries a Content-Length the function set as x-amzn-Remapped-Content-Length, with a chunked body (remapContentLength)', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Length': '5', 'Content-Type': 'text/plain' } });
      stream.end('hello');
    };
    const seen = await fetchRaw();
    expect(seen.headers['content-length']).toBeUndefined();
    expect(seen.headers['x-amzn-remapped-content-length']).toBe('5');
    expect(seen.headers['transfer-encoding']).toBe('chunked');
    expect(seen.body.toString()).toBe('hello');
  });

  it('gives a HEAD answer no Content-Length at all: the size is only in the remapped header', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Length': '12345' } });
      stream.end();
    };
    const seen = await fetchRaw('HEAD');
    expect(seen.headers['content-length']).toBeUndefined();
    expect(seen.headers['x-amzn-remapped-content-length']).toBe('12345');
  });

  it('keeps Content-Length with the switch off', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response, functionUrlModel('remapContentLength=false'));
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Length': '5' } });
      stream.end('hello');
    };
    const seen = await fetchRaw();
    expect(seen.headers['content-length']).toBe('5');
    expect(seen.headers['x-amzn-remapped-content-length']).toBeUndefined();
  });

  it('decompresses a body sent with Content-Encoding: gzip and drops the header (decodeGzip)', async () => {
    const text = 'a line of a FASTQ file\n'.repeat(2000);
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' } });
      stream.end(gzipSync(text));
    };
    const seen = await fetchRaw();
    expect(seen.headers['content-encoding']).toBeUndefined();
    expect(seen.body.toString()).toBe(text);
  });

  it('sends gzip bytes as they are with the switch off, and a HEAD with the header loses nothing to decode', async () => {
    const gz = gzipSync('hello');
    served.answer = (response) => {
      const stream = new LocalResponseStream(response, functionUrlModel('decodeGzip=false'));
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Encoding': 'gzip' } });
      stream.end(gz);
    };
    const seen = await fetchRaw();
    expect(seen.headers['content-encoding']).toBe('gzip');
    expect(seen.body.equals(gz)).toBe(true);
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: { 'Content-Encoding': 'gzip', 'Content-Length': '25' } });
      stream.end();
    };
    const head = await fetchRaw('HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
  });

  it('holds back a small write (and the status line with it) until the stream ends (holdBackBytes)', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: {} });
      stream.write('first;');
      void wait(300).then(() => stream.end('done'));
    };
    const seen = await fetchRaw();
    expect(seen.body.toString()).toBe('first;done');
    expect(seen.arrivals[0]).toBeGreaterThanOrEqual(250);
  });

  it('sends a write as soon as the held bytes reach the threshold', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: {} });
      stream.write(Buffer.alloc(AWS_FUNCTION_URL.holdBackBytes, 1));
      void wait(400).then(() => stream.end('done'));
    };
    const seen = await fetchRaw();
    expect(seen.arrivals[0]).toBeLessThan(300);
    expect(seen.body.length).toBe(AWS_FUNCTION_URL.holdBackBytes + 4);
  });

  it('cuts a stream at its limit: the client gets an incomplete body (maxStreamBytes)', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response, functionUrlModel('maxStreamBytes=1000,holdBackBytes=0'));
      stream.setPrelude({ statusCode: 200, headers: {} });
      stream.write(Buffer.alloc(800));
      stream.end(Buffer.alloc(800));
    };
    const seen = await fetchRaw();
    expect(seen.complete).toBe(false);
    expect(seen.body.length).toBe(1000);
  });

  it('sends the first bytes at full speed and the rest at the throttled rate', async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(
        response,
        functionUrlModel('fullSpeedBytes=100000,throttledBytesPerSecond=400000,holdBackBytes=0'),
      );
      stream.setPrelude({ statusCode: 200, headers: {} });
      stream.end(Buffer.alloc(300_000));
    };
    const seen = await fetchRaw();
    expect(seen.body.length).toBe(300_000);
    // 200,000 throttled bytes at 400,000 bytes/s: about half a second.
    expect(seen.arrivals.at(-1)!).toBeGreaterThanOrEqual(450);
  });
});

describe('a buffered answer through the modelled function URL', () => {
  it('states the body’s length, not the function’s, so a HEAD answer says 0 (bufferedLengthFromBody)', async () => {
    served.answer = (response) => writeBufferedResult(response, { statusCode: 200, headers: { 'content-length': '12345' }, body: '' });
    expect((await fetchRaw('HEAD')).headers['content-length']).toBe('0');
    served.answer = (response) =>
      writeBufferedResult(
        response,
        { statusCode: 200, headers: { 'content-length': '12345' }, body: '' },
        functionUrlModel('bufferedLengthFromBody=false'),
      );
    expect((await fetchRaw('HEAD')).headers['content-length']).toBe('12345');
  });

  it('answers 502 for a result over the buffered limit', async () => {
    served.answer = (response) => writeBufferedResult(response, { statusCode: 200, body: 'x'.repeat(7_000_000) });
    const seen = await fetchRaw();
    expect(seen.status).toBe(502);
    expect(seen.body.toString()).not.toContain('xxxx');
  });
});

describe('the switches', () => {
  it('are read from a name=value list, and a misspelt name or a wrong value is an error', () => {
    expect(functionUrlModel('decodeGzip=off, holdBackBytes=0')).toEqual({ ...AWS_FUNCTION_URL, decodeGzip: false, holdBackBytes: 0 });
    expect(() => functionUrlModel('decodeGzp=off')).toThrow(/unknown switch "decodeGzp"/);
    expect(() => functionUrlModel('decodeGzip=maybe')).toThrow(/true or false/);
    expect(() => functionUrlModel('holdBackBytes=-1')).toThrow(/whole number/);
  });

  it('refuses a name that is only an object property (constructor, toString) and a value with a second "="', () => {
    expect(() => functionUrlModel('constructor=1')).toThrow(/unknown switch "constructor"/);
    expect(() => functionUrlModel('toString=5')).toThrow(/unknown switch "toString"/);
    expect(() => functionUrlModel('__proto__=1')).toThrow(/unknown switch "__proto__"/);
    expect(() => functionUrlModel('holdBackBytes=1=2')).toThrow(/whole number of bytes, not "1=2"/);
  });
});
