/**
 * The hostile campaign's world, on the real local stack (one per test file): customer 1 owns bucket `hostile-lab`
 * with data beside the volumes' roots (`project-x-evil/`, `other/`) and a second bucket `other-lab`; alice
 * registers `alice-rw` (read-write, root `project-x/`) and `alice-ro` (read-only, root `readonly/`) through the
 * API, applying the returned policies with the IAM API as the customer would; `reader` is a read member of
 * alice-rw, `mallory` a member of nothing. Requests are sent raw (node:http, the path exactly as given, a
 * timeout on every one, so a hang fails the case) and signed with @smithy/signature-v4 as SDKs sign them.
 * `assertNothingOutside` lists both buckets as the customer and compares with what legitimate operations wrote.
 */

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'vitest';
import { setLogSink } from '../../shared/log';
import { percentDecode, uriEncode } from '../../shared/sigv4/encoding';
import { startTestStack, type TestStack } from '../support/local-stack';

export const BUCKET = 'hostile-lab';
export const OTHER_BUCKET = 'other-lab';
/** Objects the customer put outside every volume root; none may change or vanish. */
export const OUTSIDE: Record<string, string> = {
  [`${BUCKET}/project-x-evil/secret.txt`]: 'not for the volume (evil sibling)\n',
  [`${BUCKET}/other/secret.txt`]: 'not for the volume (other)\n',
  [`${BUCKET}/project-x.txt`]: 'not for the volume (root-like name)\n',
  [`${OTHER_BUCKET}/secret.txt`]: 'not for the volume (other bucket)\n',
};
/** Volume roots in BUCKET: every key there is one of OUTSIDE's or under one of these. */
export const ROOTS = { 'alice-rw': 'project-x/', 'alice-ro': 'readonly/' } as const;
export const REQUEST_TIMEOUT_MS = 8_000;
export const ALLOWED_ORIGIN = 'https://app.example';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as given (no normalisation): path and query. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface SignOptions {
  method?: string;
  /** Raw, already encoded path (signed as is, as S3 signs it). */
  path: string;
  /** Decoded query parameters. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  as?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  presign?: boolean;
  expiresIn?: number;
  region?: string;
  service?: string;
  signingDate?: Date;
  /** Headers to add after signing (never signed). */
  unsigned?: Record<string, string>;
  /** x-amz-content-sha256 to sign; default the body's hash (UNSIGNED-PAYLOAD when presigned). */
  payloadHash?: string | null;
}

export interface HostileWorld {
  stack: TestStack;
  /** Every line the handlers logged. */
  logLines: string[];
  close(): Promise<void>;
  tokens: Record<'alice' | 'reader' | 'mallory', string>;
  volumes: Record<keyof typeof ROOTS, { id: string }>;
  keys: Record<'alice' | 'reader', { accessKeyId: string; secretAccessKey: string }>;
  customerS3: S3Client;
  fronts: { functionUrl: string; node: string };
  api(
    who: keyof HostileWorld['tokens'] | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer & { json: any }>;
  raw(base: string, request: RawRequest): Promise<Answer>;
  /** Signs with smithy as an S3 SDK does and sends it raw to `base`. */
  signed(base: string, options: SignOptions): Promise<Answer>;
  /** The raw request `signed` would send (path with query, headers). */
  sign(base: string, options: SignOptions): Promise<RawRequest>;
  /** Records an object written legitimately, for the final comparison. */
  wrote(bucketKey: string): void;
  assertNothingOutside(): Promise<void>;
  assertStackUp(): Promise<void>;
}

/** Sends one request exactly as given; rejects when no answer came within the timeout (a hang). */
export function rawRequest(base: string, r: RawRequest): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    // A connection of its own per request (no kept-alive socket a previous hostile request may have spoiled).
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: r.method ?? 'GET',
        path: r.path,
        headers: r.headers ?? {},
        setHost: !(r.headers && 'host' in r.headers),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(r.timeoutMs ?? REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer within ${r.timeoutMs ?? REQUEST_TIMEOUT_MS} ms: ${r.method ?? 'GET'} ${r.path.slice(0, 200)}`)),
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** The `<Code>` of an S3 error document. */
export const s3Code = (answer: Answer): string | undefined => /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1];

/** The answer is S3's refusal: this status and code, S3 XML. */
export function expectS3Error(answer: Answer, status: number, code: string | RegExp): void {
  const where = `${answer.status} ${answer.body.slice(0, 400)}`;
  expect(answer.status, where).toBe(status);
  if (typeof code === 'string') expect(s3Code(answer), where).toBe(code);
  else expect(s3Code(answer) ?? '', where).toMatch(code);
}

/** Never a 5xx (S3's 501 NotImplemented aside, for what is not served). */
export function expectNo5xx(answer: Answer, what = ''): void {
  // A HEAD answer has no body to name its code.
  const notImplemented = answer.status === 501 && (s3Code(answer) === 'NotImplemented' || answer.body === '');
  if (!notImplemented) expect(answer.status, `${what} ${answer.status} ${answer.body.slice(0, 300)}`).toBeLessThan(500);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const placeholderTrust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
});

export async function startHostileWorld(): Promise<HostileWorld> {
  // The handlers' own log lines (every refusal is one) are kept, not printed: a passing suite is quiet.
  const logLines: string[] = [];
  const restoreSink = setLogSink((line) => logLines.push(line));
  // As deployed: one browser origin allowed (the local default is '*').
  const stack = await startTestStack({ corsAllowedOrigins: ALLOWED_ORIGIN });
  const customer = stack.info.customers[0]!;
  const customerCreds = { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey };
  const customerS3 = new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: customerCreds,
    maxAttempts: 1,
  });
  const iam = new IAMClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: customerCreds, maxAttempts: 1 });
  const tokens = { alice: stack.token({ sub: 'alice' }), reader: stack.token({ sub: 'reader' }), mallory: stack.token({ sub: 'mallory' }) };

  const api: HostileWorld['api'] = async (who, method, path, body, headers = {}) => {
    const answer = await rawRequest(stack.info.apiUrl, {
      method,
      path,
      headers: {
        ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    let json: any;
    try {
      json = answer.body ? JSON.parse(answer.body) : undefined;
    } catch {
      json = undefined;
    }
    return { ...answer, json };
  };

  for (const bucket of [BUCKET, OTHER_BUCKET]) await customerS3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [bucketKey, body] of Object.entries(OUTSIDE)) {
    const slash = bucketKey.indexOf('/');
    await customerS3.send(new PutObjectCommand({ Bucket: bucketKey.slice(0, slash), Key: bucketKey.slice(slash + 1), Body: body }));
  }

  const volumes = {} as HostileWorld['volumes'];
  for (const [name, root] of Object.entries(ROOTS) as Array<[keyof typeof ROOTS, string]>) {
    const role = await iam.send(new CreateRoleCommand({ RoleName: `role-${name}`, AssumeRolePolicyDocument: placeholderTrust }));
    const accessMode = name === 'alice-ro' ? 'read-only' : 'read-write';
    const created = await api('alice', 'POST', '/volumes', {
      name,
      bucket: BUCKET,
      prefix: root.slice(0, -1),
      region: 'us-east-1',
      accessMode,
      auth: { type: 'role', roleArn: role.Role!.Arn },
    });
    expect(created.status, created.body).toBe(201);
    const setup = created.json.setup;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: `role-${name}`, PolicyDocument: JSON.stringify(setup.trustPolicy) }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: `role-${name}`,
        PolicyName: `volume-gateway-${name}`,
        PolicyDocument: JSON.stringify(setup.permissionsPolicy),
      }),
    );
    const verified = await api('alice', 'POST', `/volumes/${created.json.id}/verify`);
    expect(verified.json?.status, verified.body).toBe('active');
    volumes[name] = { id: created.json.id };
  }
  expect((await api('alice', 'PUT', `/volumes/${volumes['alice-rw'].id}/members/reader`, { access: 'read' })).status).toBe(200);

  const keys = {} as HostileWorld['keys'];
  for (const who of ['alice', 'reader'] as const) {
    const created = await api(who, 'POST', '/access-keys', {});
    expect(created.status, created.body).toBe(201);
    keys[who] = { accessKeyId: created.json.accessKeyId, secretAccessKey: created.json.secretAccessKey };
  }

  const written = new Set<string>();

  const sign = async (base: string, o: SignOptions): Promise<RawRequest> => {
    const url = new URL(base);
    const host = url.host;
    const body = o.body === undefined ? undefined : Buffer.from(o.body);
    const service = o.service ?? 's3';
    const signer = new SignatureV4({
      credentials: o.as ?? keys.alice,
      region: o.region ?? 'us-east-1',
      service,
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const payloadHash = o.payloadHash === undefined ? (o.presign ? 'UNSIGNED-PAYLOAD' : sha256(body ?? '')) : o.payloadHash;
    const headers: Record<string, string> = {
      host,
      ...(payloadHash === null ? {} : { 'x-amz-content-sha256': payloadHash }),
      ...(body !== undefined || o.method === 'PUT' || o.method === 'POST' ? { 'content-length': String(body?.length ?? 0) } : {}),
      ...(o.headers ?? {}),
    };
    // A careful client signs the canonical form of the path (each segment decoded, then encoded once) whatever
    // raw spelling it sends, so the refusal tested is the proxy's, not SignatureDoesNotMatch.
    const canonicalPath = o.path
      .split('/')
      .map((segment) => uriEncode(percentDecode(segment)))
      .join('/');
    const unsigned = new HttpRequest({
      method: o.method ?? 'GET',
      hostname: url.hostname,
      port: Number(url.port),
      path: canonicalPath,
      query: { ...(o.query ?? {}) },
      headers,
    });
    const date = o.signingDate ?? new Date(Date.now() + stack.clockOffsetMs());
    const out = o.presign
      ? await signer.presign(unsigned, { signingDate: date, expiresIn: o.expiresIn ?? 300 })
      : await signer.sign(unsigned, { signingDate: date });
    const query = Object.entries(out.query ?? {})
      .map(([name, value]) => `${uriEncode(name)}=${uriEncode(String(value ?? ''))}`)
      .join('&');
    return {
      method: out.method,
      path: `${o.path}${query ? `?${query}` : ''}`,
      headers: { ...(out.headers as Record<string, string>), ...(o.unsigned ?? {}) },
      ...(body === undefined ? {} : { body }),
    };
  };

  const listAll = async (bucket: string): Promise<string[]> => {
    const keysFound: string[] = [];
    let token: string | undefined;
    do {
      const page = await customerS3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      keysFound.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keysFound;
  };

  return {
    stack,
    logLines,
    close: async () => {
      await stack.close();
      restoreSink();
    },
    tokens,
    volumes,
    keys,
    customerS3,
    fronts: { functionUrl: stack.info.proxyUrl, node: stack.info.nodeProxyUrl },
    api,
    raw: rawRequest,
    sign,
    signed: async (base, options) => rawRequest(base, await sign(base, options)),
    wrote: (bucketKey) => written.add(bucketKey),
    async assertNothingOutside() {
      for (const bucket of [BUCKET, OTHER_BUCKET]) {
        for (const key of await listAll(bucket)) {
          const full = `${bucket}/${key}`;
          const inside = bucket === BUCKET && Object.values(ROOTS).some((root) => key.startsWith(root));
          expect(inside || full in OUTSIDE || written.has(full), `${full} was written outside every volume root`).toBe(true);
        }
      }
      for (const [bucketKey, body] of Object.entries(OUTSIDE)) {
        const slash = bucketKey.indexOf('/');
        const object = await customerS3.send(new GetObjectCommand({ Bucket: bucketKey.slice(0, slash), Key: bucketKey.slice(slash + 1) }));
        expect(await object.Body!.transformToString(), `${bucketKey} changed`).toBe(body);
      }
    },
    async assertStackUp() {
      expect((await rawRequest(stack.info.apiUrl, { path: '/health' })).status).toBe(200);
      for (const front of [stack.info.proxyUrl, stack.info.nodeProxyUrl]) {
        const listed = await rawRequest(front, await sign(front, { path: '/' }));
        expect(listed.status, listed.body).toBe(200);
        expect(listed.body).toContain('alice-rw');
      }
      const local = await customerS3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
      expect(local.$metadata.httpStatusCode).toBe(200);
      expect((await rawRequest(stack.info.issuer, { path: '/.well-known/openid-configuration' })).status).toBe(200);
      // No request ended in an error nobody handled (a 500 with no detail).
      const unhandled = [...logLines, ...stack.logLines].filter(
        (line) => line.includes('"unhandled error"') || line.includes('"level":"error"'),
      );
      expect(unhandled, unhandled.join('\n')).toEqual([]);
    },
  };
}
