/**
 * `npm run bench:proxy`: the S3 proxy against direct access to the same local S3, in one run, on the real local
 * stack (`bench/stack.ts`: one active read-write volume, set up as a customer and its owner would). Prints a
 * table and writes bench/results/proxy-latest.json. Not part of `npm test`.
 *
 * - Baseline: the AWS SDK straight to the local S3 with the volume's role credentials, vended by
 *   `POST /volumes/{id}/credentials`. The ceiling: the same through a bare pass-through (`proxy-bare.ts`), in
 *   this process and in its own. Contenders: the same SDK through the function URL front and through the
 *   Node front (twice, see below), with a gateway access key of the volume's owner (`POST /access-keys`).
 * - Added latency (p50, p99) of HeadObject and of 1 KiB GETs, and the throughput ratios of 4 MiB GETs and PUTs
 *   (`proxy-latency.ts`) to direct access and to the bare pipe; peak memory of the Node front while 1 GiB streams
 *   through it each way (`proxy-memory.ts`). Each row is printed with its target (`proxy-report.ts`).
 *
 * Where things run: the local S3, the function URL front, the stack's own Node front and the clients share this
 * process (as in `npm start`); a second Node front runs in a child process (`proxy-front.ts`), as a container
 * would run it, so its memory can be read on its own. Both Node fronts are timed: on a 2-CPU machine whose one
 * busy process is both S3 and the client, the hop to another process costs throughput that the proxy's code does
 * not, and the two rows tell those apart. The memory phase goes first, on a front that has served only its
 * warm-up requests. About a minute on a 2-CPU machine.
 */

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BarePipe, startBarePipe, startBarePipeProcess } from './proxy-bare';
import { type NodeFrontProcess, startNodeFrontProcess } from './proxy-front';
import { benchLatency, benchThroughput, CONTENDERS, checkTargets, LARGE_KEY, SMALL_KEY, type Target, type Targets } from './proxy-latency';
import { benchMemory } from './proxy-memory';
import { type ProxyRun, render, writeJson } from './proxy-report';
import { type BenchStack, BUCKET, PREFIX, startBenchStack } from './stack';

const MiB = 1024 * 1024;
/** `BENCH_PROXY_QUICK=1`: fewer rounds and 64 MiB streamed, for trying a change (the targets are for the full run). */
const QUICK = process.env.BENCH_PROXY_QUICK === '1';
const SETTINGS = {
  rounds: QUICK ? 3 : 7,
  latencySamples: QUICK ? 30 : 100,
  largeGets: 8,
  largeBytes: 4 * MiB,
  streamBytes: (QUICK ? 64 : 1024) * MiB,
};
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(import.meta.dirname, 'results/proxy-latest.json');

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function s3Client(endpoint: string, credentials: Credentials, region: string, checksums: 'when required' | 'sdk default'): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    ...(checksums === 'when required' ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
}

async function setUp(
  bench: BenchStack,
  front: NodeFrontProcess,
  bare: { inProcess: BarePipe; child: BarePipe },
): Promise<{ targets: Targets; gatewayKey: Credentials; large: Buffer }> {
  const { volume, stack } = bench;
  const gatewayKey = (await bench.api('POST', '/access-keys', {})) as Credentials;
  const vended = (await bench.api('POST', `/volumes/${volume.id}/credentials`, { access: 'write' })) as {
    AccessKeyId: string;
    SecretAccessKey: string;
    SessionToken: string;
  };
  const role = { accessKeyId: vended.AccessKeyId, secretAccessKey: vended.SecretAccessKey, sessionToken: vended.SessionToken };
  const viaRole = (endpoint: string): Target => ({
    client: s3Client(endpoint, role, volume.region, 'when required'),
    uploadClient: s3Client(endpoint, role, volume.region, 'sdk default'),
    bucket: BUCKET,
    key: (k) => `${PREFIX}/${k}`,
  });
  const viaProxy = (endpoint: string): Target => ({
    client: s3Client(endpoint, gatewayKey, volume.region, 'when required'),
    uploadClient: s3Client(endpoint, gatewayKey, volume.region, 'sdk default'),
    bucket: volume.name,
    key: (k) => k,
  });
  const targets: Targets = {
    direct: viaRole(stack.info.awsEndpoint),
    bareInProcess: viaRole(bare.inProcess.url),
    bareChild: { ...viaRole(bare.child.url), pid: bare.child.pid },
    functionUrl: viaProxy(stack.info.proxyUrl),
    nodeFrontInProcess: viaProxy(stack.info.nodeProxyUrl),
    nodeFrontChild: { ...viaProxy(front.url), pid: front.pid },
  };
  const small = randomBytes(1024);
  const large = randomBytes(SETTINGS.largeBytes);
  for (const [key, body] of [
    [SMALL_KEY, small],
    [LARGE_KEY, large],
  ] as const) {
    await targets.nodeFrontChild.client.send(
      new PutObjectCommand({ Bucket: volume.name, Key: key, Body: body, ContentType: 'application/octet-stream' }),
    );
  }
  await checkTargets(targets, small, large.length);
  return { targets, gatewayKey, large };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  // The function URL writes EMF metric lines per request, the Node fronts one per dimension set each second (and, below warn,
  // a log line per request): what is measured is the work, not the writing.
  process.stderr.write('starting the local stack, a volume, and the Node front in its own process…\n');
  const bench = await startBenchStack();
  let front: NodeFrontProcess | undefined;
  let targets: Targets | undefined;
  const bare: BarePipe[] = [];
  try {
    front = await startNodeFrontProcess(ROOT);
    const inProcess = await startBarePipe(bench.stack.info.awsEndpoint);
    bare.push(inProcess);
    const child = await startBarePipeProcess(ROOT, bench.stack.info.awsEndpoint);
    bare.push(child);
    const ready = await setUp(bench, front, { inProcess, child });
    targets = ready.targets;
    process.stderr.write(`streaming ${SETTINGS.streamBytes / MiB} MiB up and down through the Node front…\n`);
    const streamer = s3Client(front.url, ready.gatewayKey, bench.volume.region, 'sdk default');
    const memory = await benchMemory(front, streamer, { bucket: bench.volume.name, key: 'bench/proxy/1GiB.bin' }, SETTINGS.streamBytes);
    streamer.destroy();
    process.stderr.write('latency of HeadObject and 1 KiB GETs…\n');
    const latency = await benchLatency(targets, { rounds: SETTINGS.rounds, samples: SETTINGS.latencySamples });
    process.stderr.write('throughput of 4 MiB GETs…\n');
    const options = { rounds: SETTINGS.rounds, gets: SETTINGS.largeGets };
    const throughput = await benchThroughput(targets, 'get', ready.large, options);
    process.stderr.write('throughput of 4 MiB PUTs (aws-chunked, CRC32C trailer)…\n');
    const uploads = await benchThroughput(targets, 'put', ready.large, options);
    const run: ProxyRun = {
      startedAt,
      durationSeconds: (performance.now() - start) / 1000,
      settings: SETTINGS,
      latency,
      throughput,
      uploads,
      memory,
    };
    console.log(render(run));
    writeJson(RESULTS, run);
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    if (targets) for (const name of CONTENDERS) for (const client of [targets[name].client, targets[name].uploadClient]) client.destroy();
    await front?.stop();
    for (const pipe of bare) await pipe.stop();
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
