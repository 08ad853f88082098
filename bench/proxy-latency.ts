/**
 * What the proxy adds to a request, against direct access measured in the same rounds:
 * - direct: the AWS SDK v3 against the same local S3, with the volume's role credentials as vended by
 *   `POST /volumes/{id}/credentials` (read access), bucket and full key;
 * - the ceiling: a bare pass-through (`proxy-bare.ts`) in this process and in a child, with the same role
 *   credentials and names as direct access (it forwards the request as signed);
 * - the function URL front, and the Node front twice: the one `npm start` runs in its own process (beside the
 *   local S3, as the function URL is), and one in a child process (as a container runs it); each with the same SDK
 *   and a gateway access key, the volume as bucket and the key relative to its root.
 * All clients are configured alike (path-style, checksums only when required, so no contender pays for a CRC the
 * others skip), reused, one request at a time. Latency: HeadObject and a 1 KiB GetObject (body read whole).
 * Throughput: 4 MiB GetObjects one after another, bodies streamed and counted; and 4 MiB PutObjects as modern SDKs
 * send them (a stream body: aws-chunked with a CRC32C trailer), through a second client with the SDK's default
 * checksums.
 */

import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { inRounds, latencies, median, medianRatio, percentile } from './measure';
import { cpuSecondsOf } from './proxy-front';

/** CPU ms per operation of the fronts in processes of their own: what the machine's load does not blur. */
export type CpuPerOp = Partial<Record<Contender, number>>;

/** Adds the CPU time `t`'s own process spent while `run` did `ops` operations (nothing for in-process fronts). */
async function withCpu<T>(
  t: Target,
  cpu: Record<string, { seconds: number; ops: number }>,
  name: string,
  ops: number,
  run: () => Promise<T>,
) {
  const before = t.pid === undefined ? 0 : cpuSecondsOf(t.pid);
  const result = await run();
  if (t.pid !== undefined) {
    cpu[name] ??= { seconds: 0, ops: 0 };
    const total = cpu[name];
    total.seconds += cpuSecondsOf(t.pid) - before;
    total.ops += ops;
  }
  return result;
}

const perOpMs = (cpu: Record<string, { seconds: number; ops: number }>): CpuPerOp =>
  Object.fromEntries(Object.entries(cpu).map(([name, { seconds, ops }]) => [name, (seconds * 1000) / ops]));

export const CONTENDERS = ['direct', 'bareInProcess', 'bareChild', 'functionUrl', 'nodeFrontInProcess', 'nodeFrontChild'] as const;
export type Contender = (typeof CONTENDERS)[number];
export type Front = Exclude<Contender, 'direct'>;
export type ProxyFront = Exclude<Front, 'bareInProcess' | 'bareChild'>;
export const PROXY_FRONTS: readonly ProxyFront[] = ['functionUrl', 'nodeFrontInProcess', 'nodeFrontChild'];
/** The bare pipe each front is held to: the one in the same place (in the stack's process, or a process of its own). */
export const BARE_OF: Record<ProxyFront, Front> = {
  functionUrl: 'bareInProcess',
  nodeFrontInProcess: 'bareInProcess',
  nodeFrontChild: 'bareChild',
};

export interface Target {
  client: S3Client;
  /** The same, with the SDK's default checksums (a stream body goes aws-chunked with a trailer). */
  uploadClient: S3Client;
  /** The process of a front of its own, whose CPU time per request is then read from /proc. */
  pid?: number;
  bucket: string;
  /** The key as this contender names it (under the volume's prefix for direct access). */
  key(name: string): string;
}

export type Targets = Record<Contender, Target>;

export const SMALL_KEY = 'bench/proxy/1KiB.bin';
export const LARGE_KEY = 'bench/proxy/4MiB.bin';
export const PUT_KEY = 'bench/proxy/put-4MiB.bin';

interface Percentiles {
  p50: number;
  p99: number;
}

export interface LatencyResult {
  samplesPerRound: number;
  /** Per operation and contender: each round's p50 and p99, in ms. */
  rounds: Record<'head' | 'get', Record<Contender, Percentiles[]>>;
  /** Medians over rounds of the per-round p50 and p99, in ms. */
  latencyMs: Record<'head' | 'get', Record<Contender, Percentiles>>;
  /** Median over rounds of (front − direct), for p50 and p99, in ms. */
  addedMs: Record<'head' | 'get', Record<Front, Percentiles>>;
  /** Median over rounds of (front p50 ÷ direct p50). */
  p50VsDirect: Record<'head' | 'get', Record<Front, number>>;
  /** CPU ms per request (HEAD and 1 KiB GET together) of each front in a process of its own. */
  cpuMsPerRequest: CpuPerOp;
}

export interface ThroughputResult {
  /** GetObject or PutObject (aws-chunked, CRC32C trailer). */
  op: 'get' | 'put';
  getsPerRound: number;
  objectBytes: number;
  /** MB/s (10^6 bytes) per round. */
  rounds: Record<Contender, number[]>;
  mbPerSecond: Record<Contender, number>;
  /** Median over rounds of (front MB/s ÷ direct MB/s). */
  vsDirect: Record<Front, number>;
  /** Median over rounds of (front MB/s ÷ its bare pipe's MB/s, `BARE_OF`). */
  vsBare: Record<ProxyFront, number>;
  /** CPU ms per 4 MiB transfer of each front in a process of its own. */
  cpuMsPerTransfer: CpuPerOp;
}

async function drain(body: unknown): Promise<number> {
  let bytes = 0;
  for await (const chunk of body as Readable) bytes += (chunk as Buffer).length;
  return bytes;
}

const head = (t: Target) => () => t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: t.key(SMALL_KEY) }));
const getSmall = (t: Target) => async () =>
  (await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.key(SMALL_KEY) }))).Body!.transformToByteArray();

/** Every contender must read the same bytes before anything is timed. */
export async function checkTargets(targets: Targets, small: Buffer, largeBytes: number): Promise<void> {
  for (const name of CONTENDERS) {
    const t = targets[name];
    const got = Buffer.from(await getSmall(t)());
    if (!got.equals(small)) throw new Error(`${name}: the 1 KiB object came back different`);
    // A function URL renames a HEAD's Content-Length (x-amzn-Remapped-Content-Length): the SDK sees none.
    const length = (await head(t)()).ContentLength ?? (name === 'functionUrl' ? small.length : undefined);
    if (length !== small.length) throw new Error(`${name}: HeadObject's ContentLength is not ${small.length}`);
    const large = await drain((await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.key(LARGE_KEY) }))).Body);
    if (large !== largeBytes) throw new Error(`${name}: the 4 MiB object came back with ${large} bytes`);
  }
}

export const FRONTS = CONTENDERS.filter((c): c is Front => c !== 'direct');

export async function benchLatency(targets: Targets, options: { rounds: number; samples: number }): Promise<LatencyResult> {
  for (const name of CONTENDERS) for (let i = 0; i < 5; i++) await Promise.all([head(targets[name])(), getSmall(targets[name])()]);
  const cpu: Record<string, { seconds: number; ops: number }> = {};
  const perRound = await inRounds(
    options.rounds,
    CONTENDERS.map((name) => async () => {
      const t = targets[name];
      const heads = await withCpu(t, cpu, name, options.samples, () => latencies(head(t), options.samples));
      const gets = await withCpu(t, cpu, name, options.samples, () => latencies(getSmall(t), options.samples));
      const summary = (samples: number[]) => ({ p50: percentile(samples, 50), p99: percentile(samples, 99) });
      return { head: summary(heads), get: summary(gets) };
    }),
  );
  const byOp = (op: 'head' | 'get') =>
    Object.fromEntries(CONTENDERS.map((name, i) => [name, perRound[i]!.map((r) => r[op])])) as Record<Contender, Percentiles[]>;
  const rounds = { head: byOp('head'), get: byOp('get') };
  const medians = (list: Percentiles[]) => ({ p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)) });
  const added = (front: Percentiles[], direct: Percentiles[]) => ({
    p50: medianRatio(
      front.map((r) => r.p50),
      direct.map((r) => r.p50),
      (a, b) => a - b,
    ),
    p99: medianRatio(
      front.map((r) => r.p99),
      direct.map((r) => r.p99),
      (a, b) => a - b,
    ),
  });
  const perOp = <T>(f: (op: 'head' | 'get') => T) => ({ head: f('head'), get: f('get') });
  return {
    samplesPerRound: options.samples,
    cpuMsPerRequest: perOpMs(cpu),
    rounds,
    latencyMs: perOp(
      (op) => Object.fromEntries(CONTENDERS.map((name) => [name, medians(rounds[op][name])])) as Record<Contender, Percentiles>,
    ),
    addedMs: perOp(
      (op) => Object.fromEntries(FRONTS.map((name) => [name, added(rounds[op][name], rounds[op].direct)])) as Record<Front, Percentiles>,
    ),
    p50VsDirect: perOp(
      (op) =>
        Object.fromEntries(
          FRONTS.map((name) => [
            name,
            medianRatio(
              rounds[op][name].map((r) => r.p50),
              rounds[op].direct.map((r) => r.p50),
            ),
          ]),
        ) as Record<Front, number>,
    ),
  };
}

/** One 4 MiB transfer: a GET streamed and counted, or a PUT of a stream body (aws-chunked, CRC32C trailer). */
function transfer(op: 'get' | 'put', t: Target, body: Buffer): () => Promise<void> {
  if (op === 'put') {
    return async () => {
      await t.uploadClient.send(
        new PutObjectCommand({
          Bucket: t.bucket,
          Key: t.key(PUT_KEY),
          Body: Readable.from([body]),
          ContentLength: body.length,
          ChecksumAlgorithm: 'CRC32C',
        }),
      );
    };
  }
  return async () => {
    const bytes = await drain((await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.key(LARGE_KEY) }))).Body);
    if (bytes !== body.length) throw new Error(`a 4 MiB GET returned ${bytes} bytes`);
  };
}

/** `large` is the 4 MiB object (what GETs read, what PUTs send). */
export async function benchThroughput(
  targets: Targets,
  op: 'get' | 'put',
  large: Buffer,
  options: { rounds: number; gets: number },
): Promise<ThroughputResult> {
  for (const name of CONTENDERS) await transfer(op, targets[name], large)();
  const cpu: Record<string, { seconds: number; ops: number }> = {};
  const perRound = await inRounds(
    options.rounds,
    CONTENDERS.map((name) => async () => {
      const run = transfer(op, targets[name], large);
      const start = performance.now();
      await withCpu(targets[name], cpu, name, options.gets, async () => {
        for (let i = 0; i < options.gets; i++) await run();
      });
      return (options.gets * large.length) / 1e6 / ((performance.now() - start) / 1000);
    }),
  );
  const rounds = Object.fromEntries(CONTENDERS.map((name, i) => [name, perRound[i]!])) as Record<Contender, number[]>;
  return {
    op,
    getsPerRound: options.gets,
    objectBytes: large.length,
    rounds,
    mbPerSecond: Object.fromEntries(CONTENDERS.map((name) => [name, median(rounds[name])])) as Record<Contender, number>,
    vsDirect: Object.fromEntries(FRONTS.map((name) => [name, medianRatio(rounds[name], rounds.direct)])) as Record<Front, number>,
    cpuMsPerTransfer: perOpMs(cpu),
    vsBare: Object.fromEntries(PROXY_FRONTS.map((name) => [name, medianRatio(rounds[name], rounds[BARE_OF[name]])])) as Record<
      ProxyFront,
      number
    >,
  };
}
