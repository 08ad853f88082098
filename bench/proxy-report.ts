/** The printed table and the JSON file of one proxy benchmark run (the layout of `report.ts`). */
import { machine, ms, ratio, table, writeJson } from './format';
import { type Contender, FRONTS, type LatencyResult, type ThroughputResult } from './proxy-latency';
import type { MemoryResult, StreamPhase } from './proxy-memory';

export interface ProxyRun {
  startedAt: string;
  durationSeconds: number;
  settings: Record<string, number>;
  latency: LatencyResult;
  throughput: ThroughputResult;
  memory: MemoryResult;
}

const LABELS: Record<Contender, string> = {
  direct: 'direct to S3, role credentials (baseline)',
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
    const rows = [['', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'p50 vs direct']];
    rows.push([LABELS.direct, ms(l.latencyMs[op].direct.p50), ms(l.latencyMs[op].direct.p99), '', '', '1.00']);
    for (const name of FRONTS) {
      rows.push([
        LABELS[name],
        ms(l.latencyMs[op][name].p50),
        ms(l.latencyMs[op][name].p99),
        signed(l.addedMs[op][name].p50),
        signed(l.addedMs[op][name].p99),
        ratio(l.p50VsDirect[op][name]),
      ]);
    }
    out.push(table(rows));
  }
  out.push('');
  out.push(`GetObject, ${mib(t.objectBytes)} MiB, one after another (${t.getsPerRound} per contender per round)`);
  out.push(
    table([
      ['', 'MB/s', 'vs direct'],
      [LABELS.direct, t.mbPerSecond.direct.toFixed(0), '1.00'],
      ...FRONTS.map((name) => [LABELS[name], t.mbPerSecond[name].toFixed(0), ratio(t.vsDirect[name])]),
    ]),
  );
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
  ];
  out.push(
    table([
      ['', 's', 'MB/s', 'RSS before MiB', 'peak RSS MiB', 'peak − baseline MiB'],
      row('upload: PutObject, aws-chunked + CRC32 trailer', m.upload),
      row('download: GetObject', m.download),
    ]),
  );
  if (!m.peakResetWorked)
    out.push('(the kernel refused to reset the peak: the peaks above are of the whole process life, and sampling every 20 ms)');
  return out.join('\n');
}

export { writeJson };
