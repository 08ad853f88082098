/**
 * `npm run bench:load`: the issue's load run. 200 concurrent S3 clients through the proxy's Node front and 50 API
 * clients, for 60 s after a warm-up, against the whole local stack started as `npm start` starts it, in its own
 * process (`load-stack.ts`), so that the stack's memory is measured apart from the load generator's. Loopback only;
 * every loop stops at the deadline and every request has a timeout (`load-clients.ts` says what each client does).
 *
 * Reported: requests, errors (target 0: any unexpected status or body, network error or timeout), throughput and
 * p50/p99 latency per request class; the stack process's RSS when the measured window starts (after the warm-up),
 * when it ends, its peak, and the growth from start to end (target ≤ 10 %); CPU used by the stack and by the
 * generator (on a 2-CPU machine they compete: the figures are of both, shared). Prints a table and writes
 * bench/results/load-latest.json; exits 1 when a target is missed.
 *
 * The warm-up is long (30 s) because the stack's RSS climbs for the first ~30 s of this load on a 2-CPU machine
 * while V8's heap and the allocator's pools grow to their working size, then levels off; "start" is after that,
 * and the RSS series printed with the table shows where it levelled off.
 *
 * Settings: DURATION (seconds measured, 60), WARMUP (seconds, 30), S3_CLIENTS (200), API_CLIENTS (50),
 * REQUEST_TIMEOUT (seconds, 30), S3_MIX (weights of the S3 requests, e.g. `put=1` for PUTs only; the default
 * `head=25,get=25,range=10,put=20,list=20`); or the flags --duration, --warmup, --s3-clients, --api-clients, --mix.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { machine, ms, table, writeJson } from './format';
import { API_CLASSES, DEFAULT_S3_MIX, runLoad, S3_CLASSES, S3_MIX_NAMES, seedObjects, type LoadResult, type RequestClass } from './load-clients';
import { startStackProcess } from './load-stack';
import { percentile } from './measure';
import { apiCaller, OWNER, setUpVolume } from './stack';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(import.meta.dirname, 'results/load-latest.json');
const MAX_GROWTH = 0.1;

/** `head=1,put=1`: the S3 classes named get these weights, the others none. */
function mix(text: string | undefined): Record<(typeof S3_MIX_NAMES)[number], number> {
  if (!text) return DEFAULT_S3_MIX;
  const weights = Object.fromEntries(S3_MIX_NAMES.map((name) => [name, 0])) as Record<(typeof S3_MIX_NAMES)[number], number>;
  for (const part of text.split(',')) {
    const [name, weight = '1'] = part.split('=');
    if (!S3_MIX_NAMES.includes(name as never) || !(Number(weight) >= 0)) throw new Error(`S3_MIX: "${part}" is not one of ${S3_MIX_NAMES.join(', ')} with a weight`);
    weights[name as (typeof S3_MIX_NAMES)[number]] = Number(weight);
  }
  return weights;
}

function settings() {
  const { values } = parseArgs({
    options: { mix: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, 's3-clients': { type: 'string' }, 'api-clients': { type: 'string' } },
    strict: true,
  });
  const number = (flag: string | undefined, env: string, fallback: number) => {
    const text = flag ?? process.env[env];
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${env} must be a non-negative number (got "${text}")`);
    return n;
  };
  return {
    durationSeconds: number(values.duration, 'DURATION', 60),
    warmupSeconds: number(values.warmup, 'WARMUP', 30),
    s3Clients: Math.round(number(values['s3-clients'], 'S3_CLIENTS', 200)),
    apiClients: Math.round(number(values['api-clients'], 'API_CLIENTS', 50)),
    requestTimeoutSeconds: number(undefined, 'REQUEST_TIMEOUT', 30),
    s3Mix: mix(values.mix ?? process.env.S3_MIX),
  };
}

interface Memory {
  startBytes: number;
  endBytes: number;
  peakBytes: number;
  peakResetWorked: boolean;
  growth: number;
  /** RSS every second, from the start of the warm-up. */
  samples: Array<{ second: number; bytes: number }>;
}

interface Cpu {
  /** CPU seconds per wall second in the measured window. */
  stackCores: number;
  generatorCores: number;
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
const pct = (n: number) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`;

function render(run: { startedAt: string; durationSeconds: number; settings: ReturnType<typeof settings>; load: LoadResult; memory: Memory; cpu: Cpu; stackLogProblems: string[] }): string {
  const { load, memory, cpu, settings: s } = run;
  const out: string[] = [];
  out.push(`volume-gateway load benchmark: ${run.startedAt}, ${run.durationSeconds.toFixed(0)} s, ${machine()}`);
  out.push(
    `${s.s3Clients} S3 clients through the Node front (gateway access key) and ${s.apiClients} API clients (bearer token), each one request at a time on its own keep-alive connection;`,
  );
  out.push(`${s.durationSeconds} s measured after ${s.warmupSeconds} s of warm-up; the stack (local/start.ts) in its own process, the load generator in this one`);
  out.push(`S3 requests picked at random, weights: ${S3_MIX_NAMES.map((name) => `${name} ${s.s3Mix[name]}`).join(', ')}; API requests evenly`);
  out.push('');
  const row = (name: string, requests: number, errors: number, latencies: number[]) => [
    name,
    String(requests),
    String(errors),
    (requests / load.measuredSeconds).toFixed(0),
    ms(percentile(latencies, 50)),
    ms(percentile(latencies, 99)),
  ];
  const group = (names: readonly RequestClass[]) => {
    const classes = names.map((name) => load.classes[name]);
    return { requests: classes.reduce((a, c) => a + c.requests, 0), errors: classes.reduce((a, c) => a + c.errors, 0), latencies: classes.flatMap((c) => c.latenciesMs) };
  };
  const s3 = group(S3_CLASSES);
  const api = group(API_CLASSES);
  const errors = s3.errors + api.errors;
  out.push(
    table([
      ['', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms'],
      ...S3_CLASSES.map((name) => row(`S3: ${name}`, load.classes[name].requests, load.classes[name].errors, load.classes[name].latenciesMs)),
      row('all S3, through the Node front', s3.requests, s3.errors, s3.latencies),
      ...API_CLASSES.map((name) => row(`API: ${name}`, load.classes[name].requests, load.classes[name].errors, load.classes[name].latenciesMs)),
      row('all API', api.requests, api.errors, api.latencies),
    ]),
  );
  out.push(`(requests and latency: the measured window; errors: the whole run, warm-up included, ${load.requestsWithWarmup} requests)`);
  out.push('');
  out.push('Stack process (API, both proxy fronts, local AWS, OIDC issuer): resident memory');
  out.push(
    table([
      ['', 'MiB', 'vs start', 'target'],
      [`RSS at start (after ${s.warmupSeconds} s warm-up)`, mib(memory.startBytes), '', ''],
      ['RSS at end', mib(memory.endBytes), pct(memory.growth), `≤ +${MAX_GROWTH * 100} % ${memory.growth <= MAX_GROWTH ? 'met' : 'NOT MET'}`],
      [`RSS peak in the window${memory.peakResetWorked ? '' : ' (whole life: reset refused)'}`, mib(memory.peakBytes), pct(memory.peakBytes / memory.startBytes - 1), ''],
    ]),
  );
  const every = Math.max(1, Math.round((s.warmupSeconds + s.durationSeconds) / 8));
  const series = memory.samples.filter((x) => x.second % every === 0);
  out.push(`RSS every ${every} s from the start of the warm-up, MiB: ${series.map((x) => `${x.second}s ${mib(x.bytes)}`).join(', ')}`);
  out.push('');
  out.push(
    table([
      ['', 'value', 'target'],
      ['errors', String(errors), `0 ${errors === 0 ? 'met' : 'NOT MET'}`],
      ['CPU cores used by the stack', cpu.stackCores.toFixed(2), ''],
      ['CPU cores used by the load generator', cpu.generatorCores.toFixed(2), ''],
      ["warnings and errors in the stack's log", String(run.stackLogProblems.length), ''],
    ]),
  );
  const kinds = Object.entries(load.errorKinds);
  if (kinds.length > 0) {
    out.push('');
    out.push('Errors by kind (count, first message):');
    for (const [kind, { count, first }] of kinds) out.push(`  ${count} × ${kind}${first !== kind.slice(kind.indexOf(': ') + 2) ? ` — ${first}` : ''}`);
  }
  if (run.stackLogProblems.length > 0) {
    out.push('');
    out.push("The stack's first warnings and errors:");
    for (const line of run.stackLogProblems.slice(0, 5)) out.push(`  ${line.slice(0, 400)}`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const s = settings();
  const startedAt = new Date().toISOString();
  const began = performance.now();
  process.stderr.write('starting the local stack in its own process, a volume, a gateway key, the objects to read…\n');
  const stack = await startStackProcess(ROOT);
  try {
    const token = await stack.token(OWNER, 3 * 3600);
    const api = apiCaller(stack.info.apiUrl, token);
    const volumeId = await setUpVolume(stack.info, stack.dataDir, api);
    const volume = (await api('GET', `/volumes/${volumeId}`)) as { name: string; region: string };
    const key = (await api('POST', '/access-keys', {})) as { accessKeyId: string; secretAccessKey: string };
    const s3Target = { endpoint: stack.info.nodeProxyUrl, bucket: volume.name, region: volume.region, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    const seed = await seedObjects(s3Target);

    const samples: Memory['samples'] = [];
    const loadStart = performance.now();
    const sampler = setInterval(() => samples.push({ second: Math.round((performance.now() - loadStart) / 1000), bytes: stack.rssBytes() }), 1000);
    let startBytes = 0;
    let peakResetWorked = false;
    let cpuAtStart = { stack: 0, generator: process.cpuUsage() };
    const atEnd = { bytes: 0, stackCpu: 0, generator: process.cpuUsage() };
    const endTimer = setTimeout(() => {
      atEnd.bytes = stack.rssBytes();
      atEnd.stackCpu = stack.cpuSeconds();
      atEnd.generator = process.cpuUsage();
    }, (s.warmupSeconds + s.durationSeconds) * 1000);
    process.stderr.write(`${s.s3Clients} S3 clients and ${s.apiClients} API clients: ${s.warmupSeconds} s warm-up, then ${s.durationSeconds} s measured…\n`);
    let load: LoadResult;
    try {
      load = await runLoad(
        s3Target,
        { apiUrl: stack.info.apiUrl, token, volumeId },
        seed,
        {
          s3Clients: s.s3Clients,
          apiClients: s.apiClients,
          warmupMs: s.warmupSeconds * 1000,
          durationMs: s.durationSeconds * 1000,
          requestTimeoutMs: s.requestTimeoutSeconds * 1000,
          s3Mix: s.s3Mix,
          onMeasuring: () => {
            peakResetWorked = stack.resetPeak();
            startBytes = stack.rssBytes();
            cpuAtStart = { stack: stack.cpuSeconds(), generator: process.cpuUsage() };
          },
        },
      );
    } finally {
      clearInterval(sampler);
      clearTimeout(endTimer);
    }
    if (atEnd.bytes === 0) atEnd.bytes = stack.rssBytes(); // the timer lost the race with the last loop
    const endBytes = atEnd.bytes;
    const peakBytes = Math.max(stack.peakBytes(), ...samples.filter((x) => x.second >= s.warmupSeconds).map((x) => x.bytes), endBytes);
    const generatorCpu = process.cpuUsage(cpuAtStart.generator);
    const memory: Memory = { startBytes, endBytes, peakBytes, peakResetWorked, growth: endBytes / startBytes - 1, samples };
    const cpu: Cpu = {
      stackCores: ((atEnd.stackCpu || stack.cpuSeconds()) - cpuAtStart.stack) / s.durationSeconds,
      generatorCores: (generatorCpu.user + generatorCpu.system) / 1e6 / s.durationSeconds,
    };
    const stackLogProblems = stack.logProblems();
    const run = { startedAt, durationSeconds: (performance.now() - began) / 1000, settings: s, load, memory, cpu, stackLogProblems };
    console.log(render(run));
    const errors = Object.values(load.classes).reduce((a, c) => a + c.errors, 0);
    const summary = Object.fromEntries(
      Object.entries(load.classes).map(([name, c]) => [name, { requests: c.requests, errors: c.errors, succeededWholeRun: c.succeeded, p50Ms: percentile(c.latenciesMs, 50), p99Ms: percentile(c.latenciesMs, 99) }]),
    );
    writeJson(RESULTS, { startedAt, durationSeconds: run.durationSeconds, settings: s, classes: summary, errorKinds: load.errorKinds, memory, cpu, stackLogProblems: stackLogProblems.slice(0, 50) });
    console.log(`\nwrote ${RESULTS}`);
    if (errors > 0 || memory.growth > MAX_GROWTH) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
