/**
 * The recorder of the request being served, without passing it through every signature: the API's middy
 * stack and the proxy's core each open a scope per invocation (or request) and flush it at the end; code
 * below them counts with `countMetric`. Outside a scope (unit tests of one module, scripts) counting does
 * nothing. Scopes follow async calls, so concurrent requests in one process (the proxy's Node front) keep
 * their own counts.
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
