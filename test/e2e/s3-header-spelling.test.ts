/**
 * Answers name their headers as S3 spells them (issue 10, item 3): `ETag`, `Content-Length`, `Last-Modified`,
 * `Content-Type`, `Accept-Ranges`, `Content-Range` in Title-Case, S3's own `x-amz-*` names lower-case, and no name
 * sent twice in two spellings. Node writes a name as it is given, so the core's lower-case names went out as
 * `etag:`, and htslib, which looks for `ETag: "` verbatim in UploadPart's answer, gave up every upload
 * (`samtools view -o s3://…` exited 0 and stored nothing).
 *
 * Checked on the wire (`rawHeaders`) on the Node front, the function URL and the local S3 itself, with requests
 * signed as SDKs sign them. The function URL is the modelled one (local/function-url-model.ts): in RESPONSE_STREAM
 * AWS renames the `Content-Length` the proxy sets to `x-amzn-Remapped-Content-Length` and sends the body chunked
 * (docs/function-url.md), so there the size header is that name and `Content-Length` is absent; the rest is S3's
 * spelling as on the other fronts. samtools writing BAMs through both fronts (which stores nothing without this spelling)
 * is clients-htslib-gdal.test.ts's.
 */

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayKey } from './proxy-clients/clients';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';

interface RawAnswer {
  method: string;
  status: number;
  /** The header names as they were sent, in order. */
  names: string[];
  body: string;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** One S3 request signed with SigV4 as the SDKs sign it, answered with the header names as they came on the wire. */
async function send(
  endpoint: string,
  credentials: Credentials,
  method: string,
  path: string,
  query: Record<string, string> = {},
  body = '',
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(endpoint);
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
      method,
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query,
      headers: {
        host: url.host,
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        ...(method === 'PUT' || method === 'POST' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...headers,
      },
    }),
  );
  const search = new URLSearchParams(signed.query as Record<string, string>).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: `${path}${search ? `?${search}` : ''}`, headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            method,
            status: res.statusCode!,
            names: res.rawHeaders.filter((_, i) => i % 2 === 0),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * S3's spelling, written out here rather than taken from the module under test: its `x-amz-*` names lower-case,
 * every other name Title-Case hyphen by hyphen, except `ETag`. (The local AWS endpoint adds the request id of
 * AWS's JSON services too, spelled as they spell it, and the modelled function URL its renamed Content-Length.)
 */
const REMAPPED_LENGTH = 'x-amzn-Remapped-Content-Length';
const spelledAsS3 = (name: string): boolean =>
  name.startsWith('x-amz-')
    ? name === name.toLowerCase()
    : name === 'ETag' || name === 'x-amzn-RequestId' || name === REMAPPED_LENGTH || /^[A-Z][a-z0-9]*(-[A-Z][a-z0-9]*)*$/.test(name);

/**
 * `named` lists `Content-Length` for the size header; `size` is the name a front sends it under: `Content-Length`,
 * or on the streaming function URL AWS's rename of it (and then no `Content-Length`, and a chunked body but for HEAD's).
 */
function expectS3Spelling(answer: RawAnswer, named: string[], size = 'Content-Length'): void {
  const required = named.map((name) => (name === 'Content-Length' ? size : name));
  for (const name of required) expect(answer.names, `${name} in ${answer.names.join(', ')}`).toContain(name);
  if (size === REMAPPED_LENGTH) {
    expect(answer.names, 'Content-Length through a RESPONSE_STREAM function URL').not.toContain('Content-Length');
    if (answer.method !== 'HEAD') expect(answer.names).toContain('Transfer-Encoding');
  }
  expect(answer.names.filter((name) => !spelledAsS3(name))).toEqual([]);
  const lower = answer.names.map((name) => name.toLowerCase());
  expect(
    lower.filter((name, i) => lower.indexOf(name) !== i),
    'names sent twice',
  ).toEqual([]);
}

let w: ProxyWorld;
let alice: GatewayKey;
let customer: Credentials;

beforeAll(async () => {
  w = await startProxyWorld();
  alice = w.keys.alice!;
  const env = w.stack.customerEnv(0);
  customer = {
    accessKeyId: env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}, 120_000);
afterAll(async () => {
  await w?.stack.close();
});

describe.each([
  {
    front: 'the Node front',
    how: 'as S3 does',
    endpoint: () => w.stack.info.nodeProxyUrl,
    credentials: () => alice,
    root: `/${V}`,
    size: 'Content-Length',
  },
  {
    front: 'the function URL',
    how: "as S3 does, except Content-Length, which AWS's RESPONSE_STREAM renames x-amzn-Remapped-Content-Length (none sent, body chunked)",
    endpoint: () => w.stack.info.proxyUrl,
    credentials: () => alice,
    root: `/${V}`,
    size: REMAPPED_LENGTH,
  },
  {
    front: 'the local S3',
    how: 'as S3 does',
    endpoint: () => w.stack.info.awsEndpoint,
    credentials: () => customer,
    root: '/alice-lab/project-x',
    size: 'Content-Length',
  },
])('$front spells response header names $how', ({ front, endpoint, credentials, root, size }) => {
  const key = `${root}/spelling/${front.replace(/\W+/g, '-')}.txt`;

  it('PutObject: ETag, Content-Length and x-amz-request-id, each once', async () => {
    const put = await send(endpoint(), credentials(), 'PUT', key, {}, 'hello, spelling\n', { 'content-type': 'text/plain' });
    expect(put.status).toBe(200);
    expectS3Spelling(put, ['ETag', 'Content-Length', 'x-amz-request-id'], size);
  });

  it('UploadPart: ETag (what htslib looks for verbatim), within a multipart upload', async () => {
    const created = await send(endpoint(), credentials(), 'POST', `${key}.multi`, { uploads: '' });
    expect(created.status).toBe(200);
    expectS3Spelling(created, ['Content-Type', 'Content-Length', 'x-amz-request-id'], size);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)![1]!;
    const part = await send(endpoint(), credentials(), 'PUT', `${key}.multi`, { partNumber: '1', uploadId }, 'one part\n');
    expect(part.status).toBe(200);
    expectS3Spelling(part, ['ETag', 'Content-Length', 'x-amz-request-id'], size);
    expect((await send(endpoint(), credentials(), 'DELETE', `${key}.multi`, { uploadId })).status).toBe(204);
  });

  it('GetObject and HeadObject: ETag, Last-Modified, Content-Type, Content-Length, Accept-Ranges; a range adds Content-Range', async () => {
    const object = ['ETag', 'Last-Modified', 'Content-Type', 'Content-Length', 'Accept-Ranges', 'x-amz-request-id'];
    const got = await send(endpoint(), credentials(), 'GET', key);
    expect(got.status).toBe(200);
    expect(got.body).toBe('hello, spelling\n');
    expectS3Spelling(got, object, size);
    const ranged = await send(endpoint(), credentials(), 'GET', key, {}, '', { range: 'bytes=0-4' });
    expect(ranged.status).toBe(206);
    expectS3Spelling(ranged, [...object, 'Content-Range'], size);
    const head = await send(endpoint(), credentials(), 'HEAD', key);
    expect(head.status).toBe(200);
    expectS3Spelling(head, object, size);
  });

  it('an error answer: Content-Type, Content-Length and x-amz-request-id, each once', async () => {
    const missing = await send(endpoint(), credentials(), 'GET', `${key}.missing`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<Code>NoSuchKey</Code>');
    expectS3Spelling(missing, ['Content-Type', 'Content-Length', 'x-amz-request-id'], size);
  });
});
