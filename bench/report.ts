/** The printed table and the JSON file of one benchmark run. */
import { machine, ms, ratio, table, writeJson } from './format';
import type { PresignResult } from './presign';
import type { StsCallsResult } from './sts-calls';
import type { VendResult } from './vend';

export interface Run {
  startedAt: string;
  durationSeconds: number;
  settings: Record<string, number>;
  presign: PresignResult;
  vend: VendResult;
  stsCalls: StsCallsResult;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function render(run: Run): string {
  const { presign: p, vend: v, stsCalls: s, settings } = run;
  const out: string[] = [];
  out.push(`volume-gateway benchmarks: ${run.startedAt}, ${run.durationSeconds.toFixed(0)} s, ${machine()}`);
  out.push(`medians over ${settings.rounds} rounds; ratios are per-round ratios to the baseline, then their median`);
  out.push('');
  out.push(`Presigned URLs, warm cache, one at a time (${settings.presignBudgetMs} ms per contender per round)`);
  out.push(
    table([
      ['', 'ops/s', 'cost vs baseline'],
      ['baseline: getSignedUrl, fixed credentials', int(p.opsPerSecond.baseline), '1.00'],
      ['UrlSigner.presign (S3 adapter alone)', int(p.opsPerSecond.adapter), ratio(p.costVsBaseline.adapter)],
      ['presignObject (domain, real adapters)', int(p.opsPerSecond.domain), ratio(p.costVsBaseline.domain)],
      ['POST /volumes/{id}/presign (HTTP API)', int(p.opsPerSecond.http), ratio(p.costVsBaseline.http)],
      ['GET /health (HTTP round-trip floor)', int(p.opsPerSecond.httpFloor), ''],
    ]),
  );
  out.push('');
  out.push('Where a warm presignObject spends its time (each part alone)');
  const b = p.breakdownMs;
  out.push(
    table([
      ['', 'p50 ms', 'share'],
      ['presignObject, whole', ms(b.presignObject), '100%'],
      [
        'volume + membership read (2 DynamoDB GetItem, in parallel)',
        ms(b.loadVisible),
        `${Math.round((100 * b.loadVisible) / b.presignObject)}%`,
      ],
      ['audit event (1 DynamoDB PutItem)', ms(b.audit), `${Math.round((100 * b.audit) / b.presignObject)}%`],
      ['signing (UrlSigner.presign)', ms(b.sign), `${Math.round((100 * b.sign) / b.presignObject)}%`],
    ]),
  );
  out.push('');
  out.push(
    `Vend latency, warm cache (${v.samplesPerRound.domain} vends, ${v.samplesPerRound.baseline} AssumeRoles per round; p99 is per ` +
      `round, so with ${v.samplesPerRound.baseline} samples the AssumeRole p99 is near that round's maximum)`,
  );
  out.push(
    table([
      ['', 'p50 ms', 'p99 ms', 'p50 vs baseline'],
      ['baseline: STSClient.send(AssumeRole), local STS', ms(v.latencyMs.baseline.p50), ms(v.latencyMs.baseline.p99), '1.00'],
      ['vendCredentials (domain, real adapters)', ms(v.latencyMs.domain.p50), ms(v.latencyMs.domain.p99), ratio(v.p50VsBaseline.domain)],
      ['POST /volumes/{id}/credentials (HTTP API)', ms(v.latencyMs.http.p50), ms(v.latencyMs.http.p99), ratio(v.p50VsBaseline.http)],
    ]),
  );
  const drift = v.rounds.baseline.map((r) => r.p50);
  out.push(
    `(AssumeRole p50 went from ${ms(drift[0]!)} ms in round 1 to ${ms(drift[drift.length - 1]!)} ms in round ${drift.length}: each ` +
      `call adds a session to the local IAM store, which rewrites its whole file on every change)`,
  );
  out.push('');
  out.push(`STS calls per ${int(s.vends)} vends, one user, one volume, cold cache`);
  out.push(
    table([
      ['', 'cache issuerCalls', 'sessions minted (IAM store)', 'distinct keys', 'per 1,000 vends', 'elapsed ms'],
      [
        `vendCredentials, ${s.domain.concurrency} at a time (hits ${s.domain.stats.hits}, shared ${s.domain.stats.shared})`,
        String(s.domain.issuerCalls),
        String(s.domain.sessionsMinted),
        String(s.domain.distinctAccessKeys),
        ratio((s.domain.sessionsMinted * 1000) / s.vends),
        int(s.domain.elapsedMs),
      ],
      [
        'POST /volumes/{id}/credentials, one at a time',
        'n/a',
        String(s.http.sessionsMinted),
        String(s.http.distinctAccessKeys),
        ratio((s.http.sessionsMinted * 1000) / s.vends),
        int(s.http.elapsedMs),
      ],
    ]),
  );
  return out.join('\n');
}

export { writeJson };
