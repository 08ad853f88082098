/** A long-running process's metrics: summed over its requests, written each interval and when it stops, nothing lost. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countMetric, type EmfDocument, IntervalMetrics, type MetricName } from '../../../shared/metrics';

const at = new Date(Math.floor(Date.now() / 1000) * 1000);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function interval() {
  const lines: string[] = [];
  const metrics = new IntervalMetrics({ base: { Stage: 'dev' }, write: (line) => lines.push(line), now: () => at }, 1_000);
  const docs = () => lines.map((line) => JSON.parse(line) as EmfDocument);
  return { metrics, lines, docs };
}

/** The sum of each metric per `Operation`/`Reason` over every document written. */
function totals(docs: EmfDocument[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const doc of docs) {
    const where = String(doc.Operation ?? doc.Reason ?? '-');
    for (const { Name } of doc._aws.CloudWatchMetrics[0]!.Metrics) {
      const key = `${Name} ${where}`;
      out[key] = (out[key] ?? 0) + Number(doc[Name]);
    }
  }
  return out;
}

const OPERATIONS = ['HeadObject', 'GetObject', 'PutObject'];

/** 300 concurrent requests, each counting what a proxied request counts; gives what was counted. */
async function serveMany(metrics: IntervalMetrics, count = 300): Promise<Record<string, number>> {
  const recorded: Record<string, number> = {};
  const count1 = (name: MetricName, where: string, dims: Record<string, string>, value = 1) => {
    countMetric(name, dims, value);
    recorded[`${name} ${where}`] = (recorded[`${name} ${where}`] ?? 0) + value;
  };
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      metrics.run(async () => {
        const operation = OPERATIONS[i % OPERATIONS.length]!;
        await new Promise((resolve) => setImmediate(resolve));
        count1('ProxyRequests', operation, { Operation: operation });
        count1('ProxyBytesOut', operation, { Operation: operation }, 1000 + i);
        if (i % 7 === 0) count1('Denials', 'AccessDenied', { Reason: 'AccessDenied' });
      }),
    ),
  );
  return recorded;
}

describe('interval metrics', () => {
  it('write one document per dimension set whose values are the sums of what every request counted', async () => {
    const { metrics, docs } = interval();
    const recorded = await serveMany(metrics);
    metrics.flush();
    expect(docs()).toHaveLength(OPERATIONS.length + 1);
    expect(totals(docs())).toEqual(recorded);
    for (const doc of docs()) expect(doc.Stage).toBe('dev');
  });

  it('write nothing until the interval passes, then what is pending, and nothing twice', async () => {
    const { metrics, docs } = interval();
    const first = await serveMany(metrics, 30);
    expect(docs()).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    expect(totals(docs())).toEqual(first);
    const written = docs().length;
    vi.advanceTimersByTime(5_000);
    expect(docs()).toHaveLength(written);
    const second = await serveMany(metrics, 30);
    vi.advanceTimersByTime(1_000);
    expect(totals(docs().slice(written))).toEqual(second);
  });

  it('a stopping process flushes what the interval has not written yet', async () => {
    const { metrics, docs } = interval();
    const recorded = await serveMany(metrics, 50);
    expect(docs()).toHaveLength(0);
    metrics.flush();
    expect(totals(docs())).toEqual(recorded);
  });
});
