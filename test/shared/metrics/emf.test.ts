import { describe, expect, it, vi } from 'vitest';
import {
  countMetric,
  DIMENSION_NAMES,
  type EmfDocument,
  METRICS,
  MetricsRecorder,
  NAMESPACE,
  OTHER,
  withMetrics,
} from '../../../shared/metrics';

/** Now, to the second: CloudWatch (and Powertools, which warns) takes timestamps up to 14 days old and 2 hours ahead. */
const at = new Date(Math.floor(Date.now() / 1000) * 1000);

function recorder() {
  const lines: string[] = [];
  const metrics = new MetricsRecorder({ base: { Stage: 'dev' }, write: (line) => lines.push(line), now: () => at });
  return { metrics, lines, docs: () => lines.map((line) => JSON.parse(line) as EmfDocument) };
}

/** What CloudWatch requires of an EMF document, checked field by field. */
function expectValidEmf(doc: EmfDocument) {
  expect(doc._aws.Timestamp).toBe(at.getTime());
  expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = doc._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe(NAMESPACE);
  for (const set of directive!.Dimensions) {
    expect(set.length).toBeLessThanOrEqual(30);
    for (const name of set) {
      expect(DIMENSION_NAMES).toContain(name);
      expect(typeof doc[name]).toBe('string');
    }
  }
  expect(directive!.Metrics.length).toBeGreaterThan(0);
  for (const { Name, Unit } of directive!.Metrics) {
    expect(Object.keys(METRICS)).toContain(Name);
    expect(['Count', 'Bytes', 'Milliseconds']).toContain(Unit);
    expect(typeof doc[Name]).toBe('number');
  }
}

describe('EMF metrics', () => {
  it('writes one valid EMF line per dimension set, values summed and units named', () => {
    const { metrics, docs } = recorder();
    metrics.add('ProxyRequests', { Operation: 'GetObject' });
    metrics.add('ProxyBytesOut', { Operation: 'GetObject' }, 1024);
    metrics.add('ProxyBytesOut', { Operation: 'GetObject' }, 1024);
    metrics.add('Denials', { Reason: 'AccessDenied' });
    metrics.flush();
    const written = docs();
    expect(written).toHaveLength(2);
    written.forEach(expectValidEmf);
    expect(written[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'VolumeGateway',
            Dimensions: [['Stage', 'Operation']],
            Metrics: [
              { Name: 'ProxyRequests', Unit: 'Count' },
              { Name: 'ProxyBytesOut', Unit: 'Bytes' },
            ],
          },
        ],
      },
      Stage: 'dev',
      Operation: 'GetObject',
      ProxyRequests: 1,
      ProxyBytesOut: 2048,
    });
    expect(written[1]).toMatchObject({ Stage: 'dev', Reason: 'AccessDenied', Denials: 1 });
  });

  it('a flush with nothing recorded writes nothing, and a flush forgets what it wrote', () => {
    const { metrics, lines } = recorder();
    metrics.flush();
    expect(lines).toEqual([]);
    metrics.add('Vends');
    metrics.flush();
    metrics.flush();
    expect(lines).toHaveLength(1);
  });

  it('keeps dimensions bounded: ids, subjects, keys and unknown dimension names never become dimensions', () => {
    const { metrics, docs } = recorder();
    metrics.add('Denials', { Reason: 'vol-3f2a9c1e-77b0-4c1e-9d55-0a1b2c3d4e5f' });
    metrics.add('PresignedUrls', { Operation: 'user@example.org' });
    metrics.add('ApiRequests', { Route: 'GET /volumes/vol-123/download/private/data.csv?x=1' });
    metrics.add('ProxyRequests', { Operation: 'GetObject', Subject: 'alice', VolumeId: 'vol-1' } as never);
    metrics.flush();
    const written = docs();
    written.forEach(expectValidEmf);
    expect(written.map((doc) => doc.Reason ?? doc.Operation ?? doc.Route)).toEqual([OTHER, OTHER, OTHER, 'GetObject']);
    for (const doc of written) {
      expect(doc).not.toHaveProperty('Subject');
      expect(doc).not.toHaveProperty('VolumeId');
      expect(JSON.stringify(doc)).not.toMatch(/alice|vol-|example\.org/);
    }
  });

  it('keeps API route keys as they are declared', () => {
    const { metrics, docs } = recorder();
    metrics.add('ApiRequests', { Route: 'GET /volumes/{id}/download/{key+}' });
    metrics.add('ApiRequests', { Route: 'POST /volumes/{id}/credentials' });
    metrics.flush();
    expect(docs().map((doc) => doc.Route)).toEqual(['GET /volumes/{id}/download/{key+}', 'POST /volumes/{id}/credentials']);
  });

  it('describes a metric recorded with no dimension by one empty dimension set, and adds no service dimension', () => {
    const lines: string[] = [];
    const metrics = new MetricsRecorder({ write: (line) => lines.push(line), now: () => at });
    metrics.add('Vends');
    metrics.flush();
    const [doc] = lines.map((line) => JSON.parse(line) as EmfDocument);
    expectValidEmf(doc!);
    expect(doc).toEqual({
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [{ Namespace: NAMESPACE, Dimensions: [[]], Metrics: [{ Name: 'Vends', Unit: 'Count' }] }],
      },
      Vends: 1,
    });
  });

  it('still writes a document whose timestamp CloudWatch would skip, after a warning written as a JSON log line', () => {
    const lines: string[] = [];
    const stale = new Date(Date.now() - 15 * 24 * 3600_000);
    const metrics = new MetricsRecorder({ base: { Stage: 'dev' }, write: (line) => lines.push(line), now: () => stale });
    metrics.add('Vends');
    metrics.flush();
    const [warning, doc] = lines.map((line) => JSON.parse(line));
    expect(warning).toMatchObject({ level: 'warn', component: 'metrics', message: expect.stringContaining('14 days in the past') });
    expect(doc).toMatchObject({ _aws: { Timestamp: stale.getTime() }, Stage: 'dev', Vends: 1 });
  });

  it('writes nothing when POWERTOOLS_METRICS_DISABLED is true', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    try {
      const { metrics, lines } = recorder();
      metrics.add('Vends');
      metrics.flush();
      expect(lines).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('ignores negative and non-finite values', () => {
    const { metrics, docs } = recorder();
    metrics.add('ProxyBytesIn', {}, -5);
    metrics.add('ProxyBytesIn', {}, Number.NaN);
    metrics.add('ProxyBytesIn', {}, 7);
    metrics.flush();
    expect(docs()).toHaveLength(1);
    expect(docs()[0]!.ProxyBytesIn).toBe(7);
  });
});

describe('metrics scope', () => {
  it('counts into the scope of the request that runs, and flushes when it settles, even on failure', async () => {
    const lines: string[] = [];
    const options = { base: { Stage: 'dev' }, write: (line: string) => lines.push(line), now: () => at };
    // The first scope stays open until the second has settled: the order is the test's, not the timers'.
    let secondSettled!: () => void;
    const second = new Promise<void>((resolve) => (secondSettled = resolve));
    await Promise.all([
      withMetrics(options, async () => {
        await second;
        countMetric('Vends');
      }),
      withMetrics(options, async () => {
        countMetric('StsCalls', { Operation: 'AssumeRole' });
        await new Promise((resolve) => setTimeout(resolve, 1));
        countMetric('StsCalls', { Operation: 'AssumeRole' });
      }).finally(secondSettled),
    ]);
    await expect(
      withMetrics(options, async () => {
        countMetric('Denials', { Reason: 'MfaRequired' });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const docs = lines.map((line) => JSON.parse(line) as EmfDocument);
    expect(docs.map((doc) => doc._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name))).toEqual([['StsCalls'], ['Vends'], ['Denials']]);
    expect(docs[0]!.StsCalls).toBe(2);
  });

  it('counting outside any scope does nothing', () => {
    expect(() => countMetric('Vends')).not.toThrow();
  });
});
