/**
 * STS calls per 1,000 vends by one user for one volume, from a cold cache, counted twice and independently:
 * the cache's own counter (`stats().issuerCalls`) and the role sessions the local STS minted for that user
 * (read from the local IAM store before and after). Expected: 1.
 * - domain: `vendCredentials` on the real adapters with the benchmark's cache emptied, ten callers at a time
 *   (so the first ones find the STS call in flight and share it);
 * - HTTP API: `POST /volumes/{id}/credentials`, one after another, served by the API's own warm Lambda cache
 *   (cold for this key when this runs first); only the session count can see that cache.
 */
import { performance } from 'node:perf_hooks';
import type { CacheStats } from '../shared/vending';
import { vendCredentials } from '../shared/vending';
import { stsName } from '../shared/volumes/sts-names';
import type { BenchStack } from './stack';

export interface StsCallsResult {
  vends: number;
  domain: {
    concurrency: number;
    issuerCalls: number;
    sessionsMinted: number;
    stats: CacheStats;
    elapsedMs: number;
    distinctAccessKeys: number;
  };
  http: { sessionsMinted: number; elapsedMs: number; distinctAccessKeys: number };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; returns the results in order. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export async function benchStsCalls(b: BenchStack, options: { vends: number; concurrency: number }): Promise<StsCallsResult> {
  const { volume, caller } = b;
  if (volume.auth.type !== 'role') throw new Error('the benchmark volume must be a role volume');
  const roleArn = volume.auth.roleArn;
  const sessionName = stsName(caller.subject);

  b.deps.cache.reset();
  let before = b.sessionsMinted(roleArn, sessionName);
  let start = performance.now();
  const vended = await pool(options.vends, options.concurrency, () => vendCredentials(b.deps, caller, volume.id));
  const domainElapsed = performance.now() - start;
  const stats = b.deps.cache.stats();
  const domain = {
    concurrency: options.concurrency,
    issuerCalls: stats.issuerCalls,
    sessionsMinted: b.sessionsMinted(roleArn, sessionName) - before,
    stats,
    elapsedMs: domainElapsed,
    distinctAccessKeys: new Set(vended.map((v) => v.AccessKeyId)).size,
  };

  before = b.sessionsMinted(roleArn, sessionName);
  start = performance.now();
  const keys = new Set<string>();
  for (let i = 0; i < options.vends; i++) {
    const answer = (await b.api('POST', `/volumes/${volume.id}/credentials`, {})) as { AccessKeyId: string };
    keys.add(answer.AccessKeyId);
  }
  const http = {
    sessionsMinted: b.sessionsMinted(roleArn, sessionName) - before,
    elapsedMs: performance.now() - start,
    distinctAccessKeys: keys.size,
  };
  return { vends: options.vends, domain, http };
}
