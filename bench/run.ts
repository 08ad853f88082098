/**
 * `npm run bench`: the benchmarks against the real local stack, in one run, each against a baseline
 * measured in the same run; prints a table and writes bench/results/latest.json. Not part of `npm test`.
 *
 * Order matters: the STS-call count goes first, while every credential cache is cold for its keys; then
 * presigning and vending, with warm caches. The whole run takes about a minute and a quarter on a 2-CPU machine.
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchPresign } from './presign';
import { type Run, render, writeJson } from './report';
import { startBenchStack } from './stack';
import { benchStsCalls } from './sts-calls';
import { benchVend } from './vend';

const SETTINGS = {
  rounds: 7,
  presignBudgetMs: 300,
  vendSamples: 120,
  assumeRoleSamples: 25,
  stsVends: 1000,
  stsConcurrency: 10,
};
const RESULTS = resolve(import.meta.dirname, 'results/latest.json');

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  process.stderr.write('starting the local stack and setting up a volume…\n');
  const bench = await startBenchStack();
  try {
    process.stderr.write(`STS calls per ${SETTINGS.stsVends} vends…\n`);
    const stsCalls = await benchStsCalls(bench, { vends: SETTINGS.stsVends, concurrency: SETTINGS.stsConcurrency });
    process.stderr.write('presigns per second…\n');
    const presign = await benchPresign(bench, { rounds: SETTINGS.rounds, budgetMs: SETTINGS.presignBudgetMs });
    process.stderr.write('vend latency…\n');
    const vend = await benchVend(bench, {
      rounds: SETTINGS.rounds,
      samples: SETTINGS.vendSamples,
      baselineSamples: SETTINGS.assumeRoleSamples,
    });
    const run: Run = { startedAt, durationSeconds: (performance.now() - start) / 1000, settings: SETTINGS, presign, vend, stsCalls };
    console.log(render(run));
    writeJson(RESULTS, run);
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
