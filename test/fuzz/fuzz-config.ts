/**
 * One seed and one run count for every property of the campaign, so a failure in `npm test` replays exactly:
 * `FUZZ_SEED` (default below) and `FUZZ_RUNS` (default small, so the whole fuzz directory stays a few seconds;
 * `npm run fuzz` raises it). fast-check prints the seed and the shrunk counterexample of any failure.
 */
import { fc } from '@fast-check/vitest';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_250_901);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 60);

fc.configureGlobal({ seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: process.env.FUZZ_SHRINK === '0' });

/** Runs for properties that are expensive per run (a signed request through the whole proxy core). */
export const runs = (share: number): { numRuns: number } => ({ numRuns: Math.max(5, Math.round(FUZZ_RUNS * share)) });

export { fc };
