/**
 * `npm run bench:load`: the issue's load run. 200 concurrent S3 clients through the proxy's Node front and 50 API
 * clients, for 60 s after a warm-up, against the whole local stack started as `npm start` starts it, in its own
 * process (`load-stack.ts`), so that the stack's memory is measured apart from the load generator's. The Node front
 * the S3 clients use runs in a process of its own too (`proxy-front.ts`: `containers/node-proxy/main.ts` with the stack's
 * environment, as a container runs it), in front of the stack's local AWS; FRONT=stack sends them to the front
 * inside the stack's process instead. Loopback only; every loop stops at the deadline and every request has a
 * timeout (`load-clients.ts` says what each client does).
 *
 * Reported: requests, errors (target 0: any unexpected status or body, network error or timeout), throughput and
 * p50/p99 latency per request class; for each process (the Node front: a shipped part, as deployed; the stack:
 * the API handlers, which AWS runs as Lambda, with the local AWS stand-ins, which are not shipped) its RSS when the
 * measured window starts (after the warm-up), when it ends, its peak, and the growth from start to end (target
 * ≤ 10 %, judged on the Node front's process when it has one, on the stack's otherwise), with Node's own figures
 * (V8 heap used, Buffers) at both ends to tell heap growth from native growth; CPU used by each process (on a
 * 2-CPU machine they compete: the figures are of all, shared). Prints a table and writes
 * bench/results/load-latest.json; exits 1 when a target is missed. MALLOC_ARENA_MAX and other allocator settings
 * in the environment pass to the children and are printed.
 *
 * The warm-up is long (30 s) because the stack's RSS climbs for the first ~30 s of this load on a 2-CPU machine
 * while V8's heap and the allocator's pools grow to their working size, then levels off; "start" is after that,
 * and the RSS series printed with the table shows where it levelled off.
 *
 * Settings: DURATION (seconds measured, 60), WARMUP (seconds, 30), S3_CLIENTS (200), API_CLIENTS (50),
 * REQUEST_TIMEOUT (seconds, 30), FRONT (`own`: the Node front in its own process, the default; `stack`), S3_MIX
 * (weights of the S3 requests, e.g. `put=1` for PUTs only; the default `head=25,get=25,range=10,put=20,list=20`); or
 * the flags --duration, --warmup, --s3-clients, --api-clients, --front,
 * --mix.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { machine, ms, table, writeJson } from './format';
import {
  API_CLASSES,
  DEFAULT_S3_MIX,
  type LoadResult,
  type RequestClass,
  runLoad,
  S3_CLASSES,
  S3_MIX_NAMES,
  seedObjects,
} from './load-clients';
import { startStackProcess } from './load-stack';
import { percentile } from './measure';
import { type HeapFigures, type NodeFrontProcess, startNodeFrontProcess } from './proxy-front';
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
    if (!S3_MIX_NAMES.includes(name as never) || !(Number(weight) >= 0))
      throw new Error(`S3_MIX: "${part}" is not one of ${S3_MIX_NAMES.join(', ')} with a weight`);
    weights[name as (typeof S3_MIX_NAMES)[number]] = Number(weight);
  }
  return weights;
}

function settings() {
  const { values } = parseArgs({
    options: {
      mix: { type: 'string' },
      front: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      's3-clients': { type: 'string' },
      'api-clients': { type: 'string' },
    },
    strict: true,
  });
  const number = (flag: string | undefined, env: string, fallback: number) => {
    const text = flag ?? process.env[env];
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${env} must be a non-negative number (got "${text}")`);
    return n;
  };
  const front = values.front ?? process.env.FRONT ?? 'own';
  if (front !== 'own' && front !== 'stack') throw new Error(`FRONT must be "own" or "stack" (got "${front}")`);
  return {
    front: front as 'own' | 'stack',
    durationSeconds: number(values.duration, 'DURATION', 60),
    warmupSeconds: number(values.warmup, 'WARMUP', 30),
    s3Clients: Math.round(number(values['s3-clients'], 'S3_CLIENTS', 200)),
    apiClients: Math.round(number(values['api-clients'], 'API_CLIENTS', 50)),
    requestTimeoutSeconds: number(undefined, 'REQUEST_TIMEOUT', 30),
    s3Mix: mix(values.mix ?? process.env.S3_MIX),
  };
}

/** What is read of a child process: both the stack's and the Node front's. */
type Metered = Pick<NodeFrontProcess, 'rssBytes' | 'peakBytes' | 'resetPeak' | 'cpuSeconds' | 'heap'>;

interface Memory {
  startBytes: number;
  endBytes: number;
  peakBytes: number;
  peakResetWorked: boolean;
  growth: number;
  /** `process.memoryUsage()` at the start and end of the window (at most a second old). */
  heapAtStart?: HeapFigures;
  heapAtEnd?: HeapFigures;
  /** RSS every second, from the start of the warm-up. */
  samples: Array<{ second: number; bytes: number }>;
  /** CPU seconds per wall second in the measured window. */
  cores: number;
}

interface Watched {
  name: string;
  /** Whether its growth is judged against the target. */
  judged: boolean;
  memory: Memory;
}

/** Reads a process's meters through the run: every second, at the start of the window and at its end. */
function watch(process_: Metered, started: number) {
  const samples: Memory['samples'] = [];
  const sampler = setInterval(
    () => samples.push({ second: Math.round((performance.now() - started) / 1000), bytes: process_.rssBytes() }),
    1000,
  );
  const at = {
    startBytes: 0,
    endBytes: 0,
    peakResetWorked: false,
    startCpu: 0,
    endCpu: 0,
    heapAtStart: undefined as HeapFigures | undefined,
    heapAtEnd: undefined as HeapFigures | undefined,
  };
  return {
    start: () => {
      at.peakResetWorked = process_.resetPeak();
      at.startBytes = process_.rssBytes();
      at.startCpu = process_.cpuSeconds();
      at.heapAtStart = process_.heap();
    },
    end: () => {
      if (at.endBytes !== 0) return;
      at.endBytes = process_.rssBytes();
      at.endCpu = process_.cpuSeconds();
      at.heapAtEnd = process_.heap();
    },
    result: (warmupSeconds: number, durationSeconds: number): Memory => {
      clearInterval(sampler);
      const peakBytes = Math.max(
        process_.peakBytes(),
        ...samples.filter((x) => x.second >= warmupSeconds).map((x) => x.bytes),
        at.endBytes,
      );
      const { startBytes, endBytes, peakResetWorked, heapAtStart, heapAtEnd } = at;
      return {
        startBytes,
        endBytes,
        peakBytes,
        peakResetWorked,
        growth: endBytes / startBytes - 1,
        ...(heapAtStart ? { heapAtStart } : {}),
        ...(heapAtEnd ? { heapAtEnd } : {}),
        samples,
        cores: (at.endCpu - at.startCpu) / durationSeconds,
      };
    },
  };
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
const pct = (n: number) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`;
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;

/** Environment variables that change how glibc's allocator or V8 size their memory, as the children got them. */
const allocatorSettings = () =>
  Object.entries(process.env)
    .filter(([name]) => /^MALLOC_|^GLIBC_TUNABLES$|^NODE_OPTIONS$|^UV_THREADPOOL_SIZE$/.test(name))
    .map(([name, value]) => `${name}=${value}`);

function renderMemory(watched: Watched, s: ReturnType<typeof settings>): string[] {
  const { memory } = watched;
  const out: string[] = [];
  const rows: string[][] = [
    ['', 'MiB', 'vs start', 'target'],
    [`RSS at start (after ${s.warmupSeconds} s warm-up)`, mib(memory.startBytes), '', ''],
    [
      'RSS at end',
      mib(memory.endBytes),
      pct(memory.growth),
      watched.judged ? `≤ +${MAX_GROWTH * 100} % ${memory.growth <= MAX_GROWTH ? 'met' : 'NOT MET'}` : '(not shipped as run here)',
    ],
    [
      `RSS peak in the window${memory.peakResetWorked ? '' : ' (whole life: reset refused)'}`,
      mib(memory.peakBytes),
      pct(memory.peakBytes / memory.startBytes - 1),
      '',
    ],
  ];
  const { heapAtStart: a, heapAtEnd: b } = memory;
  if (a && b) {
    const outside = (h: HeapFigures) => h.rss - h.heapTotal - h.external;
    rows.push(
      ['V8 heap used (start → end)', `${mib(a.heapUsed)} → ${mib(b.heapUsed)}`, signedMib(b.heapUsed - a.heapUsed), ''],
      ['V8 heap reserved', `${mib(a.heapTotal)} → ${mib(b.heapTotal)}`, signedMib(b.heapTotal - a.heapTotal), ''],
      ['Buffers and other external', `${mib(a.external)} → ${mib(b.external)}`, signedMib(b.external - a.external), ''],
      ['the rest of RSS (code, stacks, malloc)', `${mib(outside(a))} → ${mib(outside(b))}`, signedMib(outside(b) - outside(a)), ''],
    );
  }
  out.push(table(rows));
  const every = Math.max(1, Math.round((s.warmupSeconds + s.durationSeconds) / 8));
  const series = memory.samples.filter((x) => x.second % every === 0);
  out.push(`RSS every ${every} s from the start of the warm-up, MiB: ${series.map((x) => `${x.second}s ${mib(x.bytes)}`).join(', ')}`);
  return out;
}

function render(run: {
  startedAt: string;
  durationSeconds: number;
  settings: ReturnType<typeof settings>;
  load: LoadResult;
  watched: Watched[];
  generatorCores: number;
  logProblems: Array<{ name: string; lines: string[] }>;
}): string {
  const { load, settings: s } = run;
  const out: string[] = [];
  out.push(`volume-gateway load benchmark: ${run.startedAt}, ${run.durationSeconds.toFixed(0)} s, ${machine()}`);
  out.push(
    `${s.s3Clients} S3 clients through the Node front (gateway access key) and ${s.apiClients} API clients (bearer token), each one ` +
      `request at a time on its own keep-alive connection;`,
  );
  const frontRuns =
    s.front === 'own'
      ? 'the Node front (containers/node-proxy/main.ts) in its own process, as a container runs it'
      : 'the Node front inside the stack process';
  out.push(
    `${s.durationSeconds} s measured after ${s.warmupSeconds} s of warm-up; ${frontRuns}; ` +
      'the stack (local/start.ts) in its own process, the load generator in this one',
  );
  out.push(
    `S3 requests picked at random, weights: ${S3_MIX_NAMES.map((name) => `${name} ${s.s3Mix[name]}`).join(', ')}; API requests evenly`,
  );
  const allocator = allocatorSettings();
  const allocatorNote =
    allocator.length > 0 ? `${allocator.join(' ')} (not what a deployment sets unless it says so)` : 'none (glibc and Node defaults)';
  out.push(`allocator and runtime settings in the environment: ${allocatorNote}`);
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
    return {
      requests: classes.reduce((a, c) => a + c.requests, 0),
      errors: classes.reduce((a, c) => a + c.errors, 0),
      latencies: classes.flatMap((c) => c.latenciesMs),
    };
  };
  const s3 = group(S3_CLASSES);
  const api = group(API_CLASSES);
  const errors = s3.errors + api.errors;
  out.push(
    table([
      ['', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms'],
      ...S3_CLASSES.map((name) =>
        row(`S3: ${name}`, load.classes[name].requests, load.classes[name].errors, load.classes[name].latenciesMs),
      ),
      row('all S3, through the Node front', s3.requests, s3.errors, s3.latencies),
      ...API_CLASSES.map((name) =>
        row(`API: ${name}`, load.classes[name].requests, load.classes[name].errors, load.classes[name].latenciesMs),
      ),
      row('all API', api.requests, api.errors, api.latencies),
    ]),
  );
  out.push(`(requests and latency: the measured window; errors: the whole run, warm-up included, ${load.requestsWithWarmup} requests)`);
  for (const watched of run.watched) {
    out.push('');
    out.push(`${watched.name}: resident memory`);
    out.push(...renderMemory(watched, s));
  }
  out.push('');
  out.push(
    table([
      ['', 'value', 'target'],
      ['errors', String(errors), `0 ${errors === 0 ? 'met' : 'NOT MET'}`],
      ...run.watched.map((w) => [`CPU cores used by ${w.name.split(' (')[0]!.toLowerCase()}`, w.memory.cores.toFixed(2), '']),
      ['CPU cores used by the load generator', run.generatorCores.toFixed(2), ''],
      ...run.logProblems.map(({ name, lines }) => [`warnings and errors in the log of ${name}`, String(lines.length), '']),
    ]),
  );
  const kinds = Object.entries(load.errorKinds);
  if (kinds.length > 0) {
    out.push('');
    out.push('Errors by kind (count, first message):');
    for (const [kind, { count, first }] of kinds)
      out.push(`  ${count} × ${kind}${first !== kind.slice(kind.indexOf(': ') + 2) ? ` — ${first}` : ''}`);
  }
  for (const { name, lines } of run.logProblems.filter((p) => p.lines.length > 0)) {
    out.push('');
    out.push(`The first warnings and errors of ${name}:`);
    for (const line of lines.slice(0, 5)) out.push(`  ${line.slice(0, 400)}`);
  }
  return out.join('\n');
}

const STACK_NAME =
  'The stack process (API handlers, which AWS runs as Lambda; the local AWS stand-ins for DynamoDB, S3, STS and IAM, not shipped; the ' +
  'OIDC issuer; both proxy fronts';
const FRONT_NAME = 'The Node front process (containers/node-proxy/main.ts, a shipped part, as a container runs it)';

async function main(): Promise<void> {
  const s = settings();
  const startedAt = new Date().toISOString();
  const began = performance.now();
  process.stderr.write('starting the local stack in its own process, a volume, a gateway key, the objects to read…\n');
  const stack = await startStackProcess(ROOT);
  let front: NodeFrontProcess | undefined;
  try {
    if (s.front === 'own') {
      process.stderr.write("starting the Node front in its own process with the stack's environment…\n");
      front = await startNodeFrontProcess(ROOT, stack.environment());
    }
    const token = await stack.token(OWNER, 3 * 3600);
    const api = apiCaller(stack.info.apiUrl, token);
    const volumeId = await setUpVolume(stack.info, stack.dataDir, api);
    const volume = (await api('GET', `/volumes/${volumeId}`)) as { name: string; region: string };
    const key = (await api('POST', '/access-keys', {})) as { accessKeyId: string; secretAccessKey: string };
    const s3Target = {
      endpoint: front?.url ?? stack.info.nodeProxyUrl,
      bucket: volume.name,
      region: volume.region,
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
    };
    const seed = await seedObjects(s3Target);

    const loadStart = performance.now();
    const watchers = [
      ...(front ? [{ name: FRONT_NAME, judged: true, meter: watch(front, loadStart) }] : []),
      {
        name: `${STACK_NAME}${front ? ', idle here' : ", the S3 clients' one among them"})`,
        judged: !front,
        meter: watch(stack, loadStart),
      },
    ];
    let generatorAtStart = process.cpuUsage();
    let generatorAtEnd: NodeJS.CpuUsage | undefined;
    const endTimer = setTimeout(
      () => {
        for (const w of watchers) w.meter.end();
        generatorAtEnd = process.cpuUsage(generatorAtStart);
      },
      (s.warmupSeconds + s.durationSeconds) * 1000,
    );
    process.stderr.write(
      `${s.s3Clients} S3 clients and ${s.apiClients} API clients: ${s.warmupSeconds} s warm-up, then ${s.durationSeconds} s measured…\n`,
    );
    let load: LoadResult;
    try {
      load = await runLoad(s3Target, { apiUrl: stack.info.apiUrl, token, volumeId }, seed, {
        s3Clients: s.s3Clients,
        apiClients: s.apiClients,
        warmupMs: s.warmupSeconds * 1000,
        durationMs: s.durationSeconds * 1000,
        requestTimeoutMs: s.requestTimeoutSeconds * 1000,
        s3Mix: s.s3Mix,
        onMeasuring: () => {
          for (const w of watchers) w.meter.start();
          generatorAtStart = process.cpuUsage();
        },
      });
    } finally {
      clearTimeout(endTimer);
    }
    for (const w of watchers) w.meter.end(); // when the timer lost the race with the last loop
    const generatorCpu = generatorAtEnd ?? process.cpuUsage(generatorAtStart);
    const watched: Watched[] = watchers.map((w) => ({
      name: w.name,
      judged: w.judged,
      memory: w.meter.result(s.warmupSeconds, s.durationSeconds),
    }));
    const logProblems = [
      ...(front ? [{ name: 'the Node front', lines: front.logProblems() }] : []),
      { name: 'the stack', lines: stack.logProblems() },
    ];
    const generatorCores = (generatorCpu.user + generatorCpu.system) / 1e6 / s.durationSeconds;
    const run = { startedAt, durationSeconds: (performance.now() - began) / 1000, settings: s, load, watched, generatorCores, logProblems };
    console.log(render(run));
    const errors = Object.values(load.classes).reduce((a, c) => a + c.errors, 0);
    const summary = Object.fromEntries(
      Object.entries(load.classes).map(([name, c]) => [
        name,
        {
          requests: c.requests,
          errors: c.errors,
          succeededWholeRun: c.succeeded,
          p50Ms: percentile(c.latenciesMs, 50),
          p99Ms: percentile(c.latenciesMs, 99),
        },
      ]),
    );
    writeJson(RESULTS, {
      startedAt,
      durationSeconds: run.durationSeconds,
      settings: s,
      allocatorSettings: allocatorSettings(),
      classes: summary,
      errorKinds: load.errorKinds,
      processes: watched,
      generatorCores,
      logProblems: logProblems.map(({ name, lines }) => ({ name, lines: lines.slice(0, 50) })),
    });
    console.log(`\nwrote ${RESULTS}`);
    if (errors > 0 || watched.some((w) => w.judged && w.memory.growth > MAX_GROWTH)) process.exitCode = 1;
  } finally {
    await front?.stop();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
