/**
 * Test harness for the S3 service: a real data directory in a temp folder, synthetic `AwsRequest`s, an
 * authorizer stub that allows or denies per (action, resource, context) and records what it was asked, and
 * helpers to read bodies and XML. Unit tests of this module only: the stub stands in for IAM.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { createS3Service, type S3Service } from '../../../../local/aws/s3';
import type { Authorizer, AwsRequest, AwsResponse, Caller, ConditionContext } from '../../../../local/aws/types';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';

export function userCaller(accountId = ACCOUNT, name = 'alice'): Caller {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    userId: `AIDA${name.toUpperCase()}`,
    kind: 'user',
    isRoleSession: false,
  };
}

export interface AuthCall {
  action: string;
  resource: string;
  context: ConditionContext | undefined;
}

export type Rule = (call: AuthCall) => boolean | undefined;

/** Allows everything unless a rule says otherwise; the first rule with an opinion decides. */
export class AuthStub {
  readonly calls: AuthCall[] = [];
  private rules: Rule[] = [];

  readonly authorize: Authorizer = (_caller, action, resource, context) => {
    const call = { action, resource, context };
    this.calls.push(call);
    for (const rule of this.rules) {
      const verdict = rule(call);
      if (verdict !== undefined) return { allowed: verdict, reason: verdict ? 'allowed by stub' : `stub denies ${action} on ${resource}` };
    }
    return { allowed: true, reason: 'allowed by stub' };
  };

  /** Denies `action` on resources matching `resource` (a `*` glob). */
  deny(action: string, resource = '*'): this {
    const pattern = new RegExp(`^${resource.split('*').map(escapeRegExp).join('.*')}$`);
    this.rules.push((call) => (call.action === action && pattern.test(call.resource) ? false : undefined));
    return this;
  }

  rule(rule: Rule): this {
    this.rules.push(rule);
    return this;
  }

  reset(): void {
    this.rules = [];
    this.calls.length = 0;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface RequestSpec {
  method?: string;
  /** Raw path, percent-encoded as a client would send it. */
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  caller?: Caller | null;
  checksums?: Promise<Record<string, string>>;
}

let requestCounter = 0;

export function makeRequest(spec: RequestSpec): AwsRequest {
  const body = spec.body instanceof Readable ? spec.body : Readable.from(spec.body === undefined ? [] : [Buffer.from(spec.body)]);
  const headers: Record<string, string> = { host: '127.0.0.1:4566', ...lowerKeys(spec.headers ?? {}) };
  if (!(spec.body instanceof Readable) && spec.body !== undefined && headers['content-length'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(spec.body));
  }
  return {
    requestId: `REQ${++requestCounter}`,
    method: spec.method ?? 'GET',
    rawPath: spec.path,
    rawQuery: spec.query ?? '',
    headers,
    body,
    caller: spec.caller === undefined ? userCaller() : spec.caller,
    region: 'us-east-1',
    ...(spec.checksums ? { checksums: spec.checksums } : {}),
  };
}

const lowerKeys = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Encodes a key for a path the way SDKs do: every byte but unreserved characters and `/`. */
export const encodeKey = (key: string) =>
  key
    .split('/')
    .map(encodeURIComponent)
    .join('/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const md5Base64 = (data: string | Buffer) => createHash('md5').update(data).digest('base64');
export const md5Hex = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

export async function bodyOf(response: AwsResponse): Promise<Buffer> {
  const body = response.body;
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const textOf = async (response: AwsResponse) => (await bodyOf(response)).toString('utf8');

/** XML's five entities and numeric character references, decoded independently of the code under test. */
export const decodeXmlText = (value: string) =>
  value.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, ref: string) =>
    ref.startsWith('#x')
      ? String.fromCodePoint(parseInt(ref.slice(2), 16))
      : ref.startsWith('#')
        ? String.fromCodePoint(parseInt(ref.slice(1), 10))
        : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[ref]!,
  );

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});
/** Elements that may repeat, by path, so a single one still parses as an array. */
const ARRAY_PATHS = new Set([
  'ListBucketResult.Contents',
  'ListBucketResult.CommonPrefixes',
  'ListAllMyBucketsResult.Buckets.Bucket',
  'DeleteResult.Deleted',
  'DeleteResult.Error',
  'ListPartsResult.Part',
  'ListMultipartUploadsResult.Upload',
  'ListMultipartUploadsResult.CommonPrefixes',
  'CORSConfiguration.CORSRule',
  ...['AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader'].map((n) => `CORSConfiguration.CORSRule.${n}`),
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Xml = any;

export async function xmlOf(response: AwsResponse): Promise<Xml> {
  return parser.parse(await textOf(response));
}

/** The `<Code>` of an S3 error response. */
export async function errorCode(response: AwsResponse): Promise<string | undefined> {
  const xml = await xmlOf(response);
  return xml?.Error?.Code;
}

export interface Harness {
  dir: string;
  auth: AuthStub;
  service: S3Service;
  send(spec: RequestSpec): Promise<AwsResponse>;
  /** A new service on the same data directory (a restart). */
  restart(): S3Service;
  cleanup(): Promise<void>;
}

export async function harness(options: { region?: string; now?: () => Date; randomId?: () => string } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 's3-test-'));
  const auth = new AuthStub();
  const make = () =>
    createS3Service({
      dataDir: dir,
      region: options.region ?? 'us-east-1',
      authorize: auth.authorize,
      ...(options.now ? { now: options.now } : {}),
      ...(options.randomId ? { randomId: options.randomId } : {}),
      log: () => undefined,
    });
  // Answer bodies a test did not read (it checked the status or headers only) are open files: closed at cleanup,
  // not left to the garbage collector (which warns about every FileHandle it closes).
  const answers: Readable[] = [];
  const h: Harness = {
    dir,
    auth,
    service: make(),
    send: async (spec) => {
      const response = await h.service.handle(makeRequest(spec));
      if (response.body instanceof Readable) answers.push(response.body);
      return response;
    },
    restart: () => (h.service = make()),
    cleanup: async () => {
      for (const body of answers.splice(0)) if (!body.destroyed) body.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Creates a bucket owned by `caller`'s account, failing the test if that does not work. */
export async function createBucket(h: Harness, name: string, caller: Caller = userCaller()): Promise<void> {
  const response = await h.send({ method: 'PUT', path: `/${name}`, caller });
  if (response.status !== 200) throw new Error(`CreateBucket ${name}: ${response.status} ${await textOf(response)}`);
}

export async function putObject(
  h: Harness,
  bucket: string,
  key: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  caller?: Caller,
): Promise<AwsResponse> {
  const response = await h.send({ method: 'PUT', path: `/${bucket}/${encodeKey(key)}`, body, headers, ...(caller ? { caller } : {}) });
  if (response.status !== 200) throw new Error(`PutObject ${key}: ${response.status} ${await textOf(response)}`);
  return response;
}

export async function getObject(h: Harness, bucket: string, key: string, headers: Record<string, string> = {}): Promise<AwsResponse> {
  return h.send({ path: `/${bucket}/${encodeKey(key)}`, headers });
}
