/** The printed table and the JSON file of one proxy benchmark run (the layout of `report.ts`). */
import { machine, ms, ratio, table, writeJson } from './format';
import {
  BARE_OF,
  type Contender,
  type CpuPerOp,
  FRONTS,
  type LatencyResult,
  PROXY_FRONTS,
  type ProxyFront,
  type ThroughputResult,
} from './proxy-latency';
import type { MemoryResult, StreamPhase } from './proxy-memory';

export interface ProxyRun {
  startedAt: string;
  durationSeconds: number;
  settings: Record<string, number>;
  latency: LatencyResult;
  throughput: ThroughputResult;
  uploads: ThroughputResult;
  memory: MemoryResult;
}

/** Issue 13's targets for the proxy. */
export const TARGETS = {
  /** HeadObject, over direct access, per proxy front. */
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  /** 4 MiB GET and PUT, per proxy front, to the bare pipe in the same place. */
  vsBare: 0.9,
  /** 4 MiB GET and PUT to direct access: the fronts in the stack's process, and the Node front in its own. */
  vsDirect: { functionUrl: 0.75, nodeFrontInProcess: 0.75, nodeFrontChild: 0.6 } satisfies Record<ProxyFront, number>,
  /** Peak RSS of the Node front in its own process over its warm baseline, each way, while 1 GiB streams. */
  addedRssMiB: 64,
};

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

const LABELS: Record<Contender, string> = {
  direct: 'direct to S3, role credentials (baseline)',
  bareInProcess: 'bare pipe, in the stack process (ceiling)',
  bareChild: 'bare pipe, own process (ceiling)',
  functionUrl: 'proxy, function URL front',
  nodeFrontInProcess: 'proxy, Node front, in the stack process',
  nodeFrontChild: 'proxy, Node front, own process',
};

const signed = (n: number) => `${n >= 0 ? '+' : ''}${ms(n)}`;
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(0);

export function render(run: ProxyRun): string {
  const { latency: l, throughput: t, memory: m, settings } = run;
  const out: string[] = [];
  out.push(`volume-gateway proxy benchmark: ${run.startedAt}, ${run.durationSeconds.toFixed(0)} s, ${machine()}`);
  out.push(
    `medians over ${settings.rounds} rounds, contenders in alternating order; "added" and "vs direct" are per-round differences and ` +
      `ratios to the baseline, then their median`,
  );
  for (const [op, title] of [
    ['head', 'HeadObject'],
    ['get', 'GetObject, 1 KiB (body read)'],
  ] as const) {
    out.push('');
    out.push(`${title}, one request at a time (${l.samplesPerRound} per contender per round)`);
    const rows = [['', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'p50 vs direct', 'target (added p50, p99)', '']];
    rows.push([LABELS.direct, ms(l.latencyMs[op].direct.p50), ms(l.latencyMs[op].direct.p99), '', '', '1.00', '', '']);
    for (const name of FRONTS) {
      const added = l.addedMs[op][name];
      const targeted = op === 'head' && (PROXY_FRONTS as readonly string[]).includes(name);
      rows.push([
        LABELS[name],
        ms(l.latencyMs[op][name].p50),
        ms(l.latencyMs[op][name].p99),
        signed(added.p50),
        signed(added.p99),
        ratio(l.p50VsDirect[op][name]),
        targeted ? `≤ +${ms(TARGETS.addedP50Ms)}, ≤ +${ms(TARGETS.addedP99Ms)}` : '',
        targeted ? verdict(added.p50 <= TARGETS.addedP50Ms && added.p99 <= TARGETS.addedP99Ms) : '',
      ]);
    }
    out.push(table(rows));
  }
  out.push(cpuLine('per request (HeadObject and 1 KiB GET)', l.cpuMsPerRequest));
  for (const result of [t, run.uploads]) out.push('', ...throughputTable(result), cpuLine('per 4 MiB', result.cpuMsPerTransfer));
  out.push('');
  out.push(
    `Node front in its own process: RSS while streaming ${mib(m.bytes)} MiB in one request each way; warm baseline ` +
      `${mib(m.baselineRssBytes)} MiB`,
  );
  const row = (name: string, p: StreamPhase) => [
    name,
    p.seconds.toFixed(1),
    p.mbPerSecond.toFixed(0),
    mib(p.rssBeforeBytes),
    mib(p.peakRssBytes),
    `+${mib(p.addedBytes)}`,
    `≤ +${TARGETS.addedRssMiB}`,
    verdict(p.addedBytes <= TARGETS.addedRssMiB * 1024 * 1024),
  ];
  out.push(
    table([
      ['', 's', 'MB/s', 'RSS before MiB', 'peak RSS MiB', 'peak − baseline MiB', 'target', ''],
      row('upload: PutObject, aws-chunked + CRC32 trailer', m.upload),
      row('download: GetObject', m.download),
    ]),
  );
  if (!m.peakResetWorked)
    out.push('(the kernel refused to reset the peak: the peaks above are of the whole process life, and sampling every 20 ms)');
  return out.join('\n');
}

/** The CPU time of the two fronts in processes of their own: the work each does, whatever the machine's load. */
function cpuLine(what: string, cpu: CpuPerOp): string {
  const { bareChild: bare, nodeFrontChild: front } = cpu;
  if (bare === undefined || front === undefined) return '';
  return `CPU ${what}, in its own process: bare pipe ${ms(bare)} ms, Node front ${ms(front)} ms (${ratio(front / bare)}×)`;
}

function throughputTable(t: ThroughputResult): string[] {
  const what = t.op === 'get' ? 'GetObject' : 'PutObject, stream body: aws-chunked with a CRC32C trailer,';
  const rows = [['', 'MB/s', 'vs direct', 'vs bare', 'target (vs bare, vs direct)', '']];
  rows.push([LABELS.direct, t.mbPerSecond.direct.toFixed(0), '1.00', '', '', '']);
  for (const name of FRONTS) {
    const proxied = (PROXY_FRONTS as readonly string[]).includes(name) ? (name as ProxyFront) : undefined;
    rows.push([
      LABELS[name],
      t.mbPerSecond[name].toFixed(0),
      ratio(t.vsDirect[name]),
      proxied ? `${ratio(t.vsBare[proxied])} (${BARE_OF[proxied] === 'bareChild' ? 'own' : 'in-process'})` : '',
      proxied ? `≥ ${ratio(TARGETS.vsBare)}, ≥ ${ratio(TARGETS.vsDirect[proxied])}` : '',
      proxied ? verdict(t.vsBare[proxied] >= TARGETS.vsBare && t.vsDirect[proxied] >= TARGETS.vsDirect[proxied]) : '',
    ]);
  }
  return [`${what} ${mib(t.objectBytes)} MiB, one after another (${t.getsPerRound} per contender per round)`, table(rows)];
}

export { writeJson };
