/**
 * One key rule on every path, on the real local stack: each key of the table gets the same verdict from the S3
 * proxy (PutObject through the function URL front, signed as SDKs sign) and from the API's presign (GET and
 * PUT), download link and multipart upload routes, in a volume with a prefix and in a whole-bucket volume. An
 * accepted key's object written through the proxy is read back byte for byte through a presigned GET and a
 * download link, and one written with a presigned PUT is read back through the proxy.
 */

import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uriEncode } from '../../shared/sigv4/encoding';
import { keyTable, type Verdict } from '../shared/volumes/key-table';
import { startTestStack, type TestStack } from '../support/local-stack';
import { type ApiCall, apiAs, customerClients, registerSdkVolume } from '../support/sdk-volume';

/** Alice's two volumes: one under a prefix of a bucket, one a whole bucket. */
const VOLUMES = {
  'keys-prefixed': { bucket: 'keys-lab', prefix: 'project-x' },
  'keys-whole': { bucket: 'keys-whole-lab', prefix: '' },
} as const;
type VolumeName = keyof typeof VOLUMES;

let stack: TestStack;
let customerS3: S3Client;
let token: string;
let gatewayKey: { accessKeyId: string; secretAccessKey: string };
let api: ApiCall;
const ids = {} as Record<VolumeName, string>;

beforeAll(async () => {
  stack = await startTestStack();
  token = stack.token({ sub: 'alice' });
  api = apiAs(stack, token);
  customerS3 = customerClients(stack).s3;
  for (const [name, { bucket, prefix }] of Object.entries(VOLUMES) as Array<[VolumeName, (typeof VOLUMES)[VolumeName]]>) {
    ids[name] = await registerSdkVolume(stack, api, { name, bucket, prefix, roleName: `role-${name}`, policyName: 'volume-gateway' });
  }
  const key = await api('POST', '/access-keys', {});
  expect(key.status).toBe(201);
  gatewayKey = { accessKeyId: key.body.accessKeyId, secretAccessKey: key.body.secretAccessKey };
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

interface Answer {
  status: number;
  body: string;
  location?: string;
}

/** A path of the proxy naming `key` in `volume`, each byte of the key encoded as SDKs encode it, `/` kept. */
const proxyPath = (volume: string, key: string) => `/${volume}/${uriEncode(key, true)}`;

/** A request to the proxy signed with alice's gateway key, sent with its path exactly as given (no URL normalisation). */
async function proxy(method: 'GET' | 'PUT', path: string, body?: string): Promise<Answer> {
  const base = new URL(stack.info.proxyUrl);
  const signer = new SignatureV4({
    credentials: gatewayKey,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const payload = Buffer.from(body ?? '');
  const signed = await signer.sign(
    new HttpRequest({
      method,
      hostname: base.hostname,
      port: Number(base.port),
      path,
      headers: {
        host: base.host,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        ...(method === 'PUT' ? { 'content-length': String(payload.length) } : {}),
      },
    }),
  );
  return send(base, method, path, signed.headers, method === 'PUT' ? payload : undefined);
}

/** Sends one request with its path exactly as given (fetch would resolve "." and "%2E" segments). */
function send(base: URL, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const s3Code = (answer: Answer) => /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1];

/** The proxy's verdict on a key, from its answer to PutObject. */
const proxyVerdict = (answer: Answer): string => (answer.status === 200 ? 'accepted' : `${answer.status} ${s3Code(answer)}`);
/** The API's verdict on a key, from a JSON answer. */
const apiVerdict = (answer: { status: number; body: any }, okStatus: number): string =>
  answer.status === okStatus ? 'accepted' : `${answer.status} ${answer.body?.code}`;

const PROXY_REFUSAL: Record<Verdict, string> = {
  accepted: 'accepted',
  'dot-segment': '400 InvalidArgument',
  'too-long': '400 KeyTooLongError',
  empty: '',
  'not-unicode': '',
};
const API_REFUSAL = (verdict: Verdict) => (verdict === 'accepted' ? 'accepted' : '400 InvalidKey');

/** The download link of `key`, as a client names it: every byte but letters and digits percent-encoded. */
async function download(volumeId: string, key: string): Promise<{ status: number; body: any; location?: string }> {
  const api = new URL(stack.info.apiUrl);
  const encoded = encodeURIComponent(key).replace(/[.!'()*~_-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const answer = await send(api, 'GET', `/volumes/${volumeId}/download/${encoded}`, { authorization: `Bearer ${token}` });
  return { ...answer, body: answer.body ? JSON.parse(answer.body) : undefined };
}

describe.each([
  ['keys-prefixed', 'a volume with a prefix', 'project-x/'],
  ['keys-whole', 'a whole-bucket volume', ''],
] as const)('%s (%s): every path judges each key alike', (volume, _what, root) => {
  const cases = keyTable(root).filter((c) => c.inUrl);

  it.each(cases)('$what: $verdict through the proxy, presign GET/PUT, download and multipart create', async ({ key, verdict }) => {
    const id = ids[volume];
    const content = `object named ${JSON.stringify(key).slice(0, 40)}`;
    expect(proxyVerdict(await proxy('PUT', proxyPath(volume, key), content))).toBe(PROXY_REFUSAL[verdict]);

    const presignGet = await api('POST', `/volumes/${id}/presign`, { key, method: 'GET' });
    const presignPut = await api('POST', `/volumes/${id}/presign`, { key, method: 'PUT' });
    const link = await download(id, key);
    const upload = await api('POST', `/volumes/${id}/uploads`, { key, parts: 1 });
    expect(
      [apiVerdict(presignGet, 200), apiVerdict(presignPut, 200), apiVerdict(link, 302), apiVerdict(upload, 201)],
      JSON.stringify([presignGet.body, link.body, upload.body]).slice(0, 600),
    ).toEqual(Array(4).fill(API_REFUSAL(verdict)));
    if (verdict !== 'accepted') return;

    // What the proxy stored is what the API's URLs reach.
    expect(await (await fetch(presignGet.body.url)).text()).toBe(content);
    expect(await (await fetch(link.location!)).text()).toBe(content);
    expect((await api('POST', `/volumes/${id}/uploads/${encodeURIComponent(upload.body.uploadId)}/abort`, { key })).status).toBe(204);
  });
});

describe('an object under "/lead"', () => {
  it('put through the proxy is presigned and downloaded through the API', async () => {
    const id = ids['keys-prefixed'];
    expect((await proxy('PUT', '/keys-prefixed//lead', 'leading slash, via the proxy')).status).toBe(200);
    const presigned = await api('POST', `/volumes/${id}/presign`, { key: '/lead', method: 'GET' });
    expect(presigned.status).toBe(200);
    expect(await (await fetch(presigned.body.url)).text()).toBe('leading slash, via the proxy');
    const link = await download(id, '/lead');
    expect(link.status).toBe(302);
    expect(await (await fetch(link.location!)).text()).toBe('leading slash, via the proxy');
  });

  it('uploaded with a presigned PUT from the API is read through the proxy', async () => {
    const id = ids['keys-prefixed'];
    const presigned = await api('POST', `/volumes/${id}/presign`, { key: '/lead-up', method: 'PUT' });
    expect(presigned.status).toBe(200);
    expect(
      (await fetch(presigned.body.url, { method: 'PUT', body: 'leading slash, via the API', headers: presigned.body.headers })).status,
    ).toBe(200);
    expect(await proxy('GET', '/keys-prefixed//lead-up')).toEqual({ status: 200, body: 'leading slash, via the API' });
    // Stored as S3 keys are: the root, then the key as given.
    expect((await customerS3.send(new HeadObjectCommand({ Bucket: 'keys-lab', Key: 'project-x//lead-up' }))).ContentLength).toBe(26);
  });
});
