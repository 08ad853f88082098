import { PassThrough, Readable } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clientBody, holdBackLastByte, planBody, readAll } from '../../../shared/proxy/body';
import type { ProxyRequest } from '../../../shared/proxy/types';
import { parseSigV4 } from '../../../shared/sigv4';
import { encodeAwsChunked } from '../sigv4/helpers';

async function drain(stream: Readable): Promise<{ bytes: number; error?: Error }> {
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    return { bytes };
  } catch (error) {
    return { bytes, error: error as Error };
  }
}

/** CRC32 as S3 writes it, from Node's zlib (an independent reference). */
const crc32 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlibCrc32(data));
  return out.toString('base64');
};

function unsignedTrailerRequest(payload: Buffer, checksum: string): ProxyRequest {
  const body = encodeAwsChunked({ chunks: payload.length > 0 ? [payload] : [], trailers: [['x-amz-checksum-crc32', checksum]] });
  const headers = {
    host: 'proxy.test',
    authorization:
      `AWS4-HMAC-SHA256 Credential=VGAKALICEALICEALICE2/20250601/us-east-1/s3/aws4_request, ` +
      `SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-trailer, Signature=${'0'.repeat(64)}`,
    'x-amz-date': '20250601T120000Z',
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': String(payload.length),
    'x-amz-trailer': 'x-amz-checksum-crc32',
    'content-encoding': 'aws-chunked',
    'content-length': String(body.length),
  };
  return { method: 'PUT', rawPath: '/v/k', rawQuery: '', headers, body: Readable.from([body]), requestId: 'R' };
}

describe('the body on its way to S3', () => {
  it('holds the last byte back until the stream ended well', async () => {
    const held = holdBackLastByte();
    const seen: number[] = [];
    held.on('data', (chunk: Buffer) => seen.push(chunk.length));
    held.write(Buffer.from('abc'));
    held.write(Buffer.from('de'));
    await new Promise((r) => setImmediate(r));
    expect(seen.reduce((a, b) => a + b, 0)).toBe(4);
    held.end();
    await new Promise((r) => held.on('end', r));
    expect(seen.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('an aws-chunked body whose trailing checksum passes its checks goes on re-framed, its verified checksum as the trailer', async () => {
    const payload = Buffer.alloc(150_000, 'p');
    const req = unsignedTrailerRequest(payload, crc32(payload));
    const plan = await planBody(req, parseSigV4(req)!, undefined);
    expect(plan.decodedLength).toBe(150_000);
    expect(plan.payloadHash).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(plan.set).toEqual({
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '150000',
    });
    const sent = await readAll(plan.body, Infinity, () => new Error('unbounded'));
    expect(sent.length).toBe(plan.length);
    const framed = encodeAwsChunked({
      chunks: [payload.subarray(0, 65536), payload.subarray(65536, 131072), payload.subarray(131072)],
      trailers: [['x-amz-checksum-crc32', crc32(payload)]],
    });
    expect(sent.equals(framed)).toBe(true);
  });

  it('an empty aws-chunked body with a trailing checksum goes on as the final chunk and the trailer alone', async () => {
    const req = unsignedTrailerRequest(Buffer.alloc(0), crc32(Buffer.alloc(0)));
    const plan = await planBody(req, parseSigV4(req)!, undefined);
    const sent = await readAll(plan.body, Infinity, () => new Error('unbounded'));
    expect(sent.toString()).toBe('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
    expect(plan.length).toBe(sent.length);
  });

  it('a re-framed body keeps the client’s other content encodings after aws-chunked, as S3 wants them', async () => {
    const payload = Buffer.from('gzipped bytes, say');
    const req = unsignedTrailerRequest(payload, crc32(payload));
    req.headers['content-encoding'] = 'gzip,aws-chunked';
    const plan = await planBody(req, parseSigV4(req)!, undefined);
    expect(plan.set['content-encoding']).toBe('aws-chunked,gzip');
    await drain(plan.body);
  });

  it('an aws-chunked body without a trailer flows whole, de-chunked, with the decoded length', async () => {
    const payload = Buffer.alloc(20_000, 'p');
    const req = unsignedTrailerRequest(payload, crc32(payload));
    delete req.headers['x-amz-trailer'];
    req.body = Readable.from([encodeAwsChunked({ chunks: [payload] })]);
    const plan = await planBody(req, parseSigV4(req)!, undefined);
    expect(plan.length).toBe(20_000);
    expect(plan.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expect(await drain(plan.body)).toEqual({ bytes: 20_000 });
  });

  it('an aws-chunked body whose trailing checksum is wrong never delivers its full length (no trailer): S3 cannot finish it', async () => {
    const payload = Buffer.alloc(20_000, 'p');
    const req = unsignedTrailerRequest(payload, crc32(Buffer.from('something else')));
    const plan = await planBody(req, parseSigV4(req)!, undefined);
    const drained = await drain(plan.body);
    expect(drained.error?.message).toMatch(/did not match/);
    expect(drained.bytes).toBeLessThan(plan.length);
  });
});

describe('the client’s body', () => {
  it('fails with S3’s RequestTimeout when the client sends nothing for the idle time while its bytes are wanted', async () => {
    const source = new PassThrough();
    const body = clientBody(source, 100);
    source.write('first bytes');
    const started = Date.now();
    const drained = await drain(body);
    expect(drained.bytes).toBe(11);
    expect(drained.error).toMatchObject({ status: 400, s3Code: 'RequestTimeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('does not time out while nobody reads it (the request is still being authorised)', async () => {
    const source = new PassThrough();
    const body = clientBody(source, 50);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(body.errored).toBeNull();
    source.end('late but whole');
    expect(await drain(body)).toEqual({ bytes: 14 });
  });

  it('turns a connection broken mid-body into S3’s IncompleteBody, with no error event nobody listens to', async () => {
    const source = new PassThrough();
    const body = clientBody(source, 1_000);
    source.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(body.errored).toMatchObject({ status: 400, s3Code: 'IncompleteBody' });
  });
});
