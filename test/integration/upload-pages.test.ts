/**
 * Browser multipart uploads through paged part URLs, against the local stack over HTTP: the start answers the
 * first 1,000 URLs and `nextPartNumber`, `POST …/uploads/{uploadId}/parts` signs the rest, a "browser" PUTs
 * parts from both pages with plain `fetch` and the object comes back byte for byte. A 10,000-part start stays
 * far below Lambda's 6 MB response, and more URLs are signed only for an upload S3 has open for that key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { startTestStack, type TestStack } from '../support/local-stack';
import { apiAs, registerSdkVolume } from '../support/sdk-volume';

const bucket = 'paged-uploads';
const MiB = 1024 * 1024;

let stack: TestStack;
let volumeId: string;
let writerToken: string;
let readerToken: string;
/** The functions' log lines (quiet on success). */
const lines: string[] = [];
let undoSink: () => void;

async function api(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  undoSink = setLogSink((line) => lines.push(line));
  stack = await startTestStack();
  writerToken = stack.token({ sub: 'alice' });
  readerToken = stack.token({ sub: 'rita' });
  // Registered and verified with the SDK on the customer's side (the aws cli's run of the commands: volume-story).
  volumeId = await registerSdkVolume(stack, apiAs(stack, writerToken), {
    name: 'paged-uploads',
    bucket,
    prefix: 'runs',
    roleName: 'PagedUploads',
    policyName: 'volume-paged-uploads',
  });
  expect((await api('PUT', `/volumes/${volumeId}/members/rita`, writerToken, { access: 'read' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  undoSink();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('browser multipart uploads with paged part URLs', () => {
  it('uploads an object from parts of two pages: the start gives 1,000 URLs and nextPartNumber, …/parts the rest', async () => {
    const key = 'paged/two pages.bin';
    const started = await api('POST', `/volumes/${volumeId}/uploads`, writerToken, { key, parts: 1_002 });
    expect(started.status).toBe(201);
    expect([started.body.parts.length, started.body.nextPartNumber]).toEqual([1_000, 1_001]);
    const uploadId: string = started.body.uploadId;
    const rest = await api('POST', `/volumes/${volumeId}/uploads/${encodeURIComponent(uploadId)}/parts`, writerToken, {
      key,
      from: 1_001,
      count: 2,
    });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ uploadId, key, parts: [{ partNumber: 1_001 }, { partNumber: 1_002 }] });
    expect(rest.body.nextPartNumber).toBeUndefined();

    // Part numbers need not be consecutive: part 1 from the first page (5 MiB), part 1,002 from the second.
    const bodies = [randomBytes(5 * MiB), randomBytes(123_457)];
    const urls = [started.body.parts[0].url as string, rest.body.parts[1].url as string];
    const parts = [];
    for (const [i, url] of urls.entries()) {
      const put = await fetch(url, { method: 'PUT', body: bodies[i] });
      expect(put.status, await put.clone().text()).toBe(200);
      parts.push({ partNumber: [1, 1_002][i]!, etag: put.headers.get('etag')! });
    }
    const completed = await api('POST', `/volumes/${volumeId}/uploads/${encodeURIComponent(uploadId)}/complete`, writerToken, {
      key,
      parts,
    });
    expect(completed.status).toBe(200);

    const link = await api('POST', `/volumes/${volumeId}/presign`, writerToken, { key, method: 'GET' });
    const object = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
    expect(sha256(object)).toBe(sha256(Buffer.concat(bodies)));
  }, 60_000);

  it('a 10,000-part start answers 1,000 URLs in far less than 6 MB, and the last page ends at part 10,000', async () => {
    const key = 'paged/ten thousand.bin';
    const started = await api('POST', `/volumes/${volumeId}/uploads`, writerToken, { key, parts: 10_000 });
    expect(started.status).toBe(201);
    expect(started.bytes).toBeLessThan(1_000_000);
    expect([started.body.parts.length, started.body.nextPartNumber]).toEqual([1_000, 1_001]);
    const last = await api('POST', `/volumes/${volumeId}/uploads/${encodeURIComponent(started.body.uploadId)}/parts`, writerToken, {
      key,
      from: 9_001,
      count: 1_000,
    });
    expect([last.status, last.body.parts.at(-1).partNumber, last.body.nextPartNumber]).toEqual([200, 10_000, undefined]);
    expect(last.bytes).toBeLessThan(1_000_000);
    await api('POST', `/volumes/${volumeId}/uploads/${encodeURIComponent(started.body.uploadId)}/abort`, writerToken, { key });
  }, 60_000);

  it('more part URLs only for an upload open for this key: another key or an aborted one is 404 UploadNotFound, a reader 403', async () => {
    const started = await api('POST', `/volumes/${volumeId}/uploads`, writerToken, { key: 'paged/a.bin', parts: 2 });
    const path = `/volumes/${volumeId}/uploads/${encodeURIComponent(started.body.uploadId)}/parts`;
    const otherKey = await api('POST', path, writerToken, { key: 'paged/b.bin', from: 1, count: 2 });
    expect([otherKey.status, otherKey.body.code]).toEqual([404, 'UploadNotFound']);
    const reader = await api('POST', path, readerToken, { key: 'paged/a.bin', from: 1, count: 2 });
    expect([reader.status, reader.body.code]).toEqual([403, 'AccessExceedsMembership']);
    const outOfRange = await api('POST', path, writerToken, { key: 'paged/a.bin', from: 9_999, count: 3 });
    expect([outOfRange.status, outOfRange.body.field]).toEqual([400, 'count']);
    await api('POST', `/volumes/${volumeId}/uploads/${encodeURIComponent(started.body.uploadId)}/abort`, writerToken, {
      key: 'paged/a.bin',
    });
    const aborted = await api('POST', path, writerToken, { key: 'paged/a.bin', from: 1, count: 2 });
    expect([aborted.status, aborted.body.code]).toEqual([404, 'UploadNotFound']);
  }, 60_000);
});
