/**
 * The load generator of `npm run bench:load` and of `test/resilience/load.test.ts`: many concurrent clients, each
 * a loop of one request at a time over its own keep-alive connection (a `node:http` agent with one socket), until
 * a deadline. Light on purpose, so that on a 2-CPU machine the generator is not what limits the run: plain
 * `node:http`, requests signed with `@smithy/signature-v4` hashing with `node:crypto` (the SDK's S3Client and the
 * pure-JS SHA-256 cost several times more per request).
 *
 * - S3 clients, against a proxy front with a gateway access key, path-style (the volume as bucket): HeadObject
 *   and GetObject of a 1 KiB object, GetObject of a 1 MiB range of an 8 MiB object, PutObject of 1 KiB (each
 *   client overwrites keys of its own), ListObjectsV2 of 16 keys. Every answer is checked: status, and the bytes.
 * - API clients, with a bearer token: GET /volumes, POST /volumes/{id}/presign, POST /volumes/{id}/credentials,
 *   GET /me; each must answer 200.
 *
 * Bounded: every loop stops at the deadline, every request has its own timeout, loopback only. An error is any
 * other status, a wrong body, a network error or a timeout; the first message of each kind is kept.
 */

import { createHash, createHmac, type Hash, type Hmac, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

const KiB = 1024;
const MiB = 1024 * KiB;
const EMPTY_SHA256 = createHash('sha256').digest('hex');
export const SMALL_KEYS = 16;
const SMALL_BYTES = KiB;
const LARGE_BYTES = 8 * MiB;
const RANGE_BYTES = MiB;
const PUT_KEYS_PER_CLIENT = 4;

export const S3_CLASSES = [
  'HeadObject 1 KiB',
  'GetObject 1 KiB',
  'GetObject 1 MiB range',
  'PutObject 1 KiB',
  'ListObjectsV2 (16 keys)',
] as const;
export const API_CLASSES = ['GET /volumes', 'POST /volumes/{id}/presign', 'POST /volumes/{id}/credentials', 'GET /me'] as const;
export type RequestClass = (typeof S3_CLASSES)[number] | (typeof API_CLASSES)[number];
/** Short names of the S3 classes, in their order, for choosing a mix. */
export const S3_MIX_NAMES = ['head', 'get', 'range', 'put', 'list'] as const;
/** How often each S3 class is picked, unless told otherwise; API classes are picked evenly. */
export const DEFAULT_S3_MIX: Record<(typeof S3_MIX_NAMES)[number], number> = { head: 25, get: 25, range: 10, put: 20, list: 20 };

export interface S3Target {
  /** The proxy front, e.g. `http://127.0.0.1:3003`. */
  endpoint: string;
  /** The volume's name (the bucket clients name). */
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ApiTarget {
  apiUrl: string;
  token: string;
  volumeId: string;
}

export interface LoadOptions {
  s3Clients: number;
  apiClients: number;
  /** Load before the measured window: counted for errors, not for latency and throughput. */
  warmupMs: number;
  durationMs: number;
  /** Each request's own deadline. */
  requestTimeoutMs: number;
  /** Weights of the S3 classes (DEFAULT_S3_MIX when absent). */
  s3Mix?: Record<(typeof S3_MIX_NAMES)[number], number>;
  /** Called when the measured window starts. */
  onMeasuring?: () => void;
}

export interface ClassResult {
  /** Requests that ended in the measured window. */
  requests: number;
  /** Errors over the whole run, warm-up included. */
  errors: number;
  /** Requests answered as expected over the whole run, warm-up and the last ones in flight included. */
  succeeded: number;
  latenciesMs: number[];
}

export interface LoadResult {
  measuredSeconds: number;
  requestsWithWarmup: number;
  classes: Record<RequestClass, ClassResult>;
  /** Each kind of error ("class: what"), how many, and its first message. */
  errorKinds: Record<string, { count: number; first: string }>;
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView | undefined): string | Uint8Array | undefined =>
  data === undefined || typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** `@smithy/signature-v4`'s hash, on `node:crypto`. */
class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = bytes(secret);
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data)!);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

class CheckFailed extends Error {}

function send(
  agent: Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const check = (ok: boolean, what: () => string) => {
  if (!ok) throw new CheckFailed(what());
};
const expectStatus = (answer: Answer, status: number) =>
  check(answer.status === status, () =>
    `${answer.status} ${
      /<Code>([^<]*)<\/Code>|"code":"([^"]*)"/
        .exec(answer.body.toString('utf8', 0, 2000))
        ?.slice(1)
        .find(Boolean) ?? ''
    } (expected ${status})`.trim(),
  );

/** The objects the S3 clients read, made once before the run: what each GET must return. */
export interface Seed {
  small: Buffer[];
  large: Buffer;
}

const smallKey = (i: number) => `load/small/${String(i).padStart(2, '0')}.bin`;
const LARGE_KEY = 'load/large.bin';

function s3Signer(target: S3Target) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    region: target.region,
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const base = new URL(target.endpoint);
  return async (
    agent: Agent,
    method: string,
    key: string | undefined,
    options: { query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer; timeoutMs: number },
  ) => {
    const path = `/${encodeURIComponent(target.bucket)}${key === undefined ? '' : `/${key.split('/').map(encodeURIComponent).join('/')}`}`;
    const payloadHash = options.body ? createHash('sha256').update(options.body).digest('hex') : EMPTY_SHA256;
    const signed = await signer.sign(
      new HttpRequest({
        method,
        protocol: base.protocol,
        hostname: base.hostname,
        port: Number(base.port),
        path,
        query: options.query ?? {},
        headers: {
          host: base.host,
          'x-amz-content-sha256': payloadHash,
          ...options.headers,
          ...(options.body ? { 'content-length': String(options.body.length) } : {}),
        },
      }),
    );
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    return send(agent, url, method, signed.headers, options.body, options.timeoutMs);
  };
}

/** Puts the objects the clients read (16 × 1 KiB, one 8 MiB) through `target`. */
export async function seedObjects(target: S3Target): Promise<Seed> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const s3 = s3Signer(target);
  const seed: Seed = { small: Array.from({ length: SMALL_KEYS }, () => randomBytes(SMALL_BYTES)), large: randomBytes(LARGE_BYTES) };
  try {
    for (const [key, body] of [...seed.small.map((b, i) => [smallKey(i), b] as const), [LARGE_KEY, seed.large] as const]) {
      expectStatus(await s3(agent, 'PUT', key, { body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 30_000 }), 200);
    }
  } finally {
    agent.destroy();
  }
  return seed;
}

type Operation = (agent: Agent, timeoutMs: number) => Promise<void>;

function s3Operations(target: S3Target, seed: Seed, client: number): Operation[] {
  const s3 = s3Signer(target);
  const pick = () => Math.floor(Math.random() * SMALL_KEYS);
  const putBody = randomBytes(SMALL_BYTES);
  let puts = 0;
  return [
    async (agent, timeoutMs) => {
      const answer = await s3(agent, 'HEAD', smallKey(pick()), { timeoutMs });
      expectStatus(answer, 200);
      check(answer.headers['content-length'] === String(SMALL_BYTES), () => `Content-Length ${answer.headers['content-length']}`);
    },
    async (agent, timeoutMs) => {
      const i = pick();
      const answer = await s3(agent, 'GET', smallKey(i), { timeoutMs });
      expectStatus(answer, 200);
      check(answer.body.equals(seed.small[i]!), () => `a body of ${answer.body.length} bytes, not the object's`);
    },
    async (agent, timeoutMs) => {
      const start = Math.floor(Math.random() * (LARGE_BYTES - RANGE_BYTES));
      const answer = await s3(agent, 'GET', LARGE_KEY, { headers: { range: `bytes=${start}-${start + RANGE_BYTES - 1}` }, timeoutMs });
      expectStatus(answer, 206);
      check(
        answer.body.equals(seed.large.subarray(start, start + RANGE_BYTES)),
        () => `a range of ${answer.body.length} bytes, not the object's`,
      );
    },
    async (agent, timeoutMs) => {
      const key = `load/put/${client}/${puts++ % PUT_KEYS_PER_CLIENT}.bin`;
      expectStatus(await s3(agent, 'PUT', key, { body: putBody, headers: { 'content-type': 'application/octet-stream' }, timeoutMs }), 200);
    },
    async (agent, timeoutMs) => {
      const answer = await s3(agent, 'GET', undefined, {
        query: { 'list-type': '2', prefix: 'load/small/', 'max-keys': '100' },
        timeoutMs,
      });
      expectStatus(answer, 200);
      check(answer.body.includes(`<KeyCount>${SMALL_KEYS}</KeyCount>`), () => 'a listing without the 16 keys');
    },
  ];
}

function apiOperations(target: ApiTarget): Operation[] {
  const base = new URL(target.apiUrl);
  const call = async (agent: Agent, timeoutMs: number, method: string, path: string, body?: unknown) => {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      authorization: `Bearer ${target.token}`,
      ...(bytes ? { 'content-type': 'application/json', 'content-length': String(bytes.length) } : {}),
    };
    const answer = await send(agent, new URL(path, base), method, headers, bytes, timeoutMs);
    expectStatus(answer, 200);
    return answer;
  };
  const id = encodeURIComponent(target.volumeId);
  return [
    async (agent, timeoutMs) => void (await call(agent, timeoutMs, 'GET', '/volumes')),
    async (agent, timeoutMs) => {
      const answer = await call(agent, timeoutMs, 'POST', `/volumes/${id}/presign`, { key: smallKey(0), method: 'GET' });
      check(answer.body.includes('"url"'), () => 'a presign answer without a url');
    },
    async (agent, timeoutMs) => {
      const answer = await call(agent, timeoutMs, 'POST', `/volumes/${id}/credentials`, { access: 'read' });
      check(answer.body.includes('"SessionToken"'), () => 'credentials without a SessionToken');
    },
    async (agent, timeoutMs) => void (await call(agent, timeoutMs, 'GET', '/me')),
  ];
}

/** The kind of an error (what is counted) and its message (the first of each kind is kept). */
function describeError(error: unknown): { kind: string; message: string } {
  if (error instanceof CheckFailed) return { kind: error.message, message: error.message };
  const e = error as NodeJS.ErrnoException;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout', message: e.message };
  return { kind: e.code ?? e.name ?? 'error', message: e.message ?? String(error) };
}

/** Runs the clients until warm-up + duration have passed; every loop ends at the deadline. */
export async function runLoad(s3: S3Target, api: ApiTarget, seed: Seed, options: LoadOptions): Promise<LoadResult> {
  const classes = Object.fromEntries(
    [...S3_CLASSES, ...API_CLASSES].map((name) => [name, { requests: 0, errors: 0, succeeded: 0, latenciesMs: [] as number[] }]),
  ) as Record<RequestClass, ClassResult>;
  const errorKinds: LoadResult['errorKinds'] = {};
  const began = performance.now();
  const measureFrom = began + options.warmupMs;
  const deadline = measureFrom + options.durationMs;
  let requestsWithWarmup = 0;
  const measuring = setTimeout(() => options.onMeasuring?.(), options.warmupMs);

  const loop = async (names: readonly RequestClass[], operations: Operation[], weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (performance.now() < deadline) {
        let r = Math.random() * total;
        let i = 0;
        while (r >= weights[i]! && i < weights.length - 1) r -= weights[i++]!;
        const started = performance.now();
        let problem: { kind: string; message: string } | undefined;
        try {
          await operations[i]!(agent, options.requestTimeoutMs);
        } catch (error) {
          problem = describeError(error);
        }
        const ended = performance.now();
        const stats = classes[names[i]!];
        requestsWithWarmup++;
        if (started >= measureFrom && ended <= deadline) {
          stats.requests++;
          stats.latenciesMs.push(ended - started);
        }
        if (problem === undefined) stats.succeeded++;
        else {
          stats.errors++;
          const name = `${names[i]}: ${problem.kind}`;
          const kind = errorKinds[name] ?? { count: 0, first: problem.message };
          errorKinds[name] = kind;
          kind.count++;
        }
      }
    } finally {
      agent.destroy();
    }
  };

  const mix = options.s3Mix ?? DEFAULT_S3_MIX;
  const weights = S3_MIX_NAMES.map((name) => mix[name]);
  const loops: Array<Promise<void>> = [];
  for (let c = 0; c < options.s3Clients; c++) loops.push(loop(S3_CLASSES, s3Operations(s3, seed, c), weights));
  const apiOps = apiOperations(api);
  for (let c = 0; c < options.apiClients; c++)
    loops.push(
      loop(
        API_CLASSES,
        apiOps,
        API_CLASSES.map(() => 1),
      ),
    );
  try {
    await Promise.all(loops);
  } finally {
    clearTimeout(measuring);
  }
  return { measuredSeconds: options.durationMs / 1000, requestsWithWarmup, classes, errorKinds };
}
