/**
 * Timing for the benchmarks: plain `performance.now()`, no framework. The machine is noisy, so every figure is
 * taken in several rounds; within a round the contenders run back to back (in alternating order, so a slow
 * stretch of the machine does not always hit the same one), and what is reported is the median over rounds,
 * and the median of the per-round ratios to the baseline.
 */
import { performance } from 'node:perf_hooks';

export type Op = () => Promise<unknown>;

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The nearest-rank percentile (`p` in 0..100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Operations per second of `op` run one after another for at least `budgetMs` (and at least `minOps` times). */
export async function throughput(op: Op, budgetMs: number, minOps = 20): Promise<number> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (count < minOps || elapsed < budgetMs) {
    await op();
    count++;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

/** The latency in milliseconds of each of `count` calls of `op`, one after another. */
export async function latencies(op: Op, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await op();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Runs `measure` for every contender in each of `rounds` rounds, the order reversed every other round;
 * returns each contender's per-round results, in the order given.
 */
export async function inRounds<T>(rounds: number, contenders: ReadonlyArray<() => Promise<T>>): Promise<T[][]> {
  const results: T[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) results[i]!.push(await contenders[i]!());
  }
  return results;
}

/** The median over rounds of `ratio(a[r], b[r])`: a paired comparison, robust to rounds where the whole machine was slow. */
export const medianRatio = (
  a: readonly number[],
  b: readonly number[],
  ratio: (x: number, y: number) => number = (x, y) => x / y,
): number => median(a.map((x, r) => ratio(x, b[r]!)));
