/**
 * Nothing secret in any log line, over a full flow on the real local stack: volumes registered and verified,
 * credentials vended, a GET and a PUT presigned (and used), gateway access keys issued and used through both
 * proxy fronts (and a token used as an access key id), with refusals on the way. Every line the stack's logger,
 * the handlers' loggers and the metrics wrote is collected (the process's log sink, plus anything else written
 * to stdout or stderr meanwhile), and none may contain a token, a vended secret key or session token, a gateway
 * key's secret, or a presigned URL's signature or security token. The same lines must carry the correlation id
 * each answer names, and the EMF metrics of what was done.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const VOLUME = 'alice-genomes';
const lines: string[] = [];
const undo: Array<() => void> = [];
let w: ProxyWorld;

/** Collects what the process writes to stdout and stderr, still writing it. */
function captureStream(stream: NodeJS.WriteStream): () => void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  return () => {
    stream.write = original;
  };
}

async function call(
  who: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any; requestId: string | null }> {
  const response = await fetch(`${w.stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${w.tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, requestId: response.headers.get('x-request-id') };
}

const secrets = new Map<string, string>();
const remember = (what: string, value: string | undefined | null) => {
  expect(value, what).toBeTruthy();
  secrets.set(what, value!);
};
const parsedLines = () =>
  lines
    .join('\n')
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line);
        return parsed && typeof parsed === 'object' ? [parsed as Record<string, any>] : [];
      } catch {
        return [];
      }
    });

/** The secrets found in `text`: whole, or (for long ones) any 24-character piece. */
function leaksIn(text: string): string[] {
  const leaked: string[] = [];
  for (const [what, secret] of secrets) {
    // A JWT's header is the same for every token of the issuer and says nothing: its payload and signature are the secret.
    const core = /^eyJ[\w-]+\./.test(secret) ? secret.slice(secret.indexOf('.') + 1) : secret;
    const pieces = core.length <= 40 ? [core] : Array.from({ length: core.length - 23 }, (_, i) => core.slice(i, i + 24));
    if (pieces.some((piece) => text.includes(piece))) leaked.push(what);
  }
  return leaked;
}

let vendRequestId: string;
/** The x-amz-request-id of a PutObject through each front. */
const proxyRequestIds: string[] = [];

beforeAll(async () => {
  undo.push(setLogSink((line) => lines.push(line)));
  undo.push(captureStream(process.stdout), captureStream(process.stderr));
  // Its build's log lines are scanned too; the customer's side of it (buckets, roles, policies) with the SDK.
  w = await startProxyWorld({ fresh: true, customer: 'sdk' });
  const volumeId = w.volumes[VOLUME]!.id;
  for (const [who, token] of Object.entries(w.tokens)) remember(`${who}'s token`, token);
  for (const [who, key] of Object.entries(w.keys)) remember(`${who}'s gateway key secret`, key.secretAccessKey);
  remember('the access-key master key', process.env.ACCESS_KEY_MASTER_KEY);
  // The local KMS's key material (the signing key's private half, the MAC key): never out of the local KMS.
  const kms = JSON.parse(readFileSync(join(w.stack.dataDir, 'kms', 'keys.json'), 'utf8')) as { keys: Array<{ material: string }> };
  for (const key of kms.keys) remember('KMS key material', key.material.replace(/-----[A-Z ]+-----|\s/g, ''));

  const vended = await call('alice', 'POST', `/volumes/${volumeId}/credentials`, {});
  expect(vended.status).toBe(200);
  vendRequestId = vended.requestId!;
  remember('vended SecretAccessKey', vended.body.SecretAccessKey);
  remember('vended SessionToken', vended.body.SessionToken);

  const put = await call('alice', 'POST', `/volumes/${volumeId}/presign`, {
    key: 'scan/hello.txt',
    method: 'PUT',
    contentType: 'text/plain',
  });
  const get = await call('alice', 'POST', `/volumes/${volumeId}/presign`, { key: 'scan/hello.txt', method: 'GET' });
  for (const [method, reply] of [
    ['PUT', put],
    ['GET', get],
  ] as const) {
    expect(reply.status).toBe(200);
    const url = new URL(reply.body.url);
    remember(`presigned ${method} signature`, url.searchParams.get('X-Amz-Signature'));
    remember(`presigned ${method} security token`, url.searchParams.get('X-Amz-Security-Token'));
  }
  expect((await fetch(put.body.url, { method: 'PUT', headers: put.body.headers, body: 'hello' })).status).toBe(200);
  expect(await (await fetch(get.body.url)).text()).toBe('hello');
  // A refusal on the API: carol reads only.
  expect((await call('carol', 'POST', `/volumes/${volumeId}/presign`, { key: 'scan/x', method: 'PUT' })).status).toBe(403);

  for (const endpoint of [w.stack.info.proxyUrl, w.stack.info.nodeProxyUrl]) {
    const alice = w.s3('alice', endpoint);
    const written = await alice.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'scan/proxied.txt', Body: 'through the proxy' }));
    proxyRequestIds.push(written.$metadata.requestId!);
    const read = await alice.send(new GetObjectCommand({ Bucket: VOLUME, Key: 'scan/proxied.txt' }));
    expect(await read.Body!.transformToString()).toBe('through the proxy');
    await w.s3('alice', endpoint, 'jwt').send(new ListObjectsV2Command({ Bucket: VOLUME, Prefix: 'scan/' }));
    await expect(
      w.s3('carol', endpoint).send(new PutObjectCommand({ Bucket: VOLUME, Key: 'scan/no.txt', Body: 'no' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const stranger = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: w.keys.alice!.accessKeyId, secretAccessKey: w.keys.bob!.secretAccessKey },
    });
    await expect(stranger.send(new GetObjectCommand({ Bucket: VOLUME, Key: 'scan/proxied.txt' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
  }
  // The Node front writes its metrics once a second (and when it stops): what it counted is written now, to be scanned.
  (await import('../../shared/wiring/proxy')).proxyDefaults().proxy.flushMetrics?.();
}, 180_000);

afterAll(async () => {
  await w?.stack.close();
  for (const restore of undo.reverse()) restore();
});

describe('secret scan of every log line of a full flow', () => {
  it('collected the stack’s and the handlers’ lines', () => {
    const all = [...lines, ...w.stack.logLines];
    expect(all.length).toBeGreaterThan(20);
    expect(parsedLines().some((line) => line.message === 'request served')).toBe(true);
    expect(parsedLines().some((line) => line.message === 'proxy request')).toBe(true);
  });

  it('finds no token, vended secret, session token, gateway key secret or presigned signature in any line', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(12);
    expect(leaksIn([...lines, ...w.stack.logLines].join('\n'))).toEqual([]);
  });

  it('would find each secret, or a piece of it, had it been logged', () => {
    for (const [what, secret] of secrets) {
      expect(leaksIn(`{"message":"oops","value":"${secret}"}`)).toContain(what);
      if (secret.length > 80) expect(leaksIn(`…${secret.slice(-40, -10)}…`)).toContain(what);
    }
  });

  it('follows one API request by its x-request-id: its log lines and its audit event carry the same id', async () => {
    expect(
      parsedLines()
        .filter((line) => line.requestId === vendRequestId)
        .map((line) => line.message),
    ).toContain('request served');
    const audit = await call('alice', 'GET', `/volumes/${w.volumes[VOLUME]!.id}/audit?limit=100`);
    expect(audit.body.items.find((event: { requestId: string }) => event.requestId === vendRequestId)).toMatchObject({
      action: 'credentials.vend',
      outcome: 'allowed',
    });
  });

  it('follows one proxied request by its x-amz-request-id through either front: its log line and audit event carry the id', async () => {
    expect(proxyRequestIds).toHaveLength(2);
    const audit = await call('alice', 'GET', `/volumes/${w.volumes[VOLUME]!.id}/audit?limit=100`);
    for (const requestId of proxyRequestIds) {
      expect(parsedLines().find((line) => line.requestId === requestId && line.message === 'proxy request')).toMatchObject({
        operation: 'PutObject',
        status: 200,
      });
      expect(audit.body.items.find((event: { requestId: string }) => event.requestId === requestId)).toMatchObject({
        action: 'proxy.PutObject',
        outcome: 'succeeded',
      });
    }
  });

  it('wrote EMF metrics for the vends, presigns, proxied requests and bytes, denials and STS calls', () => {
    const emf = parsedLines().filter((line) => line._aws);
    const total = (name: string, where: Record<string, string> = {}) =>
      emf
        .filter((doc) => Object.entries(where).every(([k, v]) => doc[k] === v))
        .reduce((sum, doc) => sum + (typeof doc[name] === 'number' ? doc[name] : 0), 0);
    for (const doc of emf) {
      expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('VolumeGateway');
      for (const name of doc._aws.CloudWatchMetrics[0].Dimensions[0]) expect(['Stage', 'Route', 'Operation', 'Reason']).toContain(name);
      expect(doc.Stage).toBe('local');
    }
    expect(total('Vends')).toBeGreaterThanOrEqual(1);
    expect(total('PresignedUrls', { Operation: 'PutObject' })).toBeGreaterThanOrEqual(1);
    expect(total('PresignedUrls', { Operation: 'GetObject' })).toBeGreaterThanOrEqual(1);
    expect(total('ProxyRequests', { Operation: 'PutObject' })).toBeGreaterThanOrEqual(2);
    expect(total('ProxyRequests', { Operation: 'GetObject' })).toBeGreaterThanOrEqual(2);
    expect(total('ProxyBytesIn', { Operation: 'PutObject' })).toBeGreaterThanOrEqual(2 * 'through the proxy'.length);
    expect(total('ProxyBytesOut', { Operation: 'GetObject' })).toBeGreaterThanOrEqual(2 * 'through the proxy'.length);
    expect(total('Denials', { Reason: 'AccessExceedsMembership' })).toBeGreaterThanOrEqual(1);
    expect(total('Denials', { Reason: 'AccessDenied' })).toBeGreaterThanOrEqual(2);
    expect(total('Denials', { Reason: 'SignatureDoesNotMatch' })).toBeGreaterThanOrEqual(2);
    expect(total('StsCalls', { Operation: 'AssumeRole' })).toBeGreaterThanOrEqual(1);
    expect(total('CredentialCacheHits')).toBeGreaterThanOrEqual(1);
    expect(total('ApiRequests', { Route: 'POST /volumes/{id}/credentials' })).toBeGreaterThanOrEqual(1);
  });
});
