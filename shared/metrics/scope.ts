/**
 * The recorder of the request being served, without passing it through every signature: the API's middy
 * stack and the proxy's core each open a scope per invocation (or request) and flush it at the end; code
 * below them counts with `countMetric`. Outside a scope (unit tests of one module, scripts) counting does
 * nothing. Scopes follow async calls, so concurrent requests in one process keep their own counts.
 *
 * A long-running process (the proxy's Node front) does not need a document per request: `IntervalMetrics`
 * keeps one recorder for all its requests, whose values are summed per dimension set, and writes it every
 * interval (one second by default) and when the process stops (`flush`). A Lambda invocation may be frozen
 * as soon as it returns, so Lambda code keeps `withMetrics`: what it counted is written before it returns.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dimensions, MetricName } from './names';
import { type MetricsOptions, MetricsRecorder } from './recorder';

const current = new AsyncLocalStorage<MetricsRecorder>();

/** Runs `fn` with a fresh recorder, and writes its metrics when `fn` settles (either way). */
export async function withMetrics<T>(options: MetricsOptions, fn: () => Promise<T>): Promise<T> {
  const recorder = new MetricsRecorder(options);
  return current.run(recorder, async () => {
    try {
      return await fn();
    } finally {
      recorder.flush();
    }
  });
}

/** Counts into the current request's recorder, if any. */
export function countMetric(name: MetricName, dimensions?: Dimensions, value = 1): void {
  current.getStore()?.add(name, dimensions, value);
}

/** One recorder for many requests, written every `everyMs` while it holds anything, and on `flush()`. */
export class IntervalMetrics {
  private readonly recorder: MetricsRecorder;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    options: MetricsOptions,
    private readonly everyMs = 1_000,
  ) {
    this.recorder = new MetricsRecorder(options);
  }

  /** Runs `fn` counting into this recorder; the next interval (or `flush`) writes what it counted. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    // Started at the first request, and never keeping the process alive on its own.
    this.timer ??= setInterval(() => this.recorder.flush(), this.everyMs).unref();
    return current.run(this.recorder, fn);
  }

  /** Writes what is pending now (a process that stops calls this last). */
  flush(): void {
    this.recorder.flush();
  }
}
