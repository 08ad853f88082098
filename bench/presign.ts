/**
 * Presigned URLs per second with a warm credential cache, one after another (a Lambda serves one request at a
 * time), against the bare SDK presigner with fixed credentials measured in the same rounds:
 * - baseline: `getSignedUrl` on one reused `S3Client` holding fixed credentials (the cost of signing alone);
 * - the URL signer adapter alone (`UrlSigner.presign`, its per-session client cache included);
 * - `presignObject`, the domain function the route calls, on the real adapters as a warm Lambda has them: the
 *   volume and membership from the 5 s hot-path cache, the credential cache hit, the signature, the audit event
 *   written as one log line (the audit stream; shipping it is another function's work);
 * - `POST /volumes/{id}/presign` through the local HTTP API (token check, middleware, the same domain
 *   call, JSON), next to `GET /health` on the same server as the floor of one HTTP round trip.
 * And where a warm `presignObject` spends its time: its parts timed alone (p50 of each round, median over rounds).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presignObject, vendCredentials } from '../shared/vending';
import { hotReads, loadVisible } from '../shared/volumes/access';
import { record } from '../shared/volumes/guard';
import { inRounds, latencies, median, medianRatio, percentile, throughput } from './measure';
import { type BenchStack, PREFIX } from './stack';

const KEY = 'bench/object.bin';

export interface PresignResult {
  /** Operations per second, per round. */
  rounds: Record<'baseline' | 'adapter' | 'domain' | 'http' | 'httpFloor', number[]>;
  /** Medians over rounds. */
  opsPerSecond: Record<'baseline' | 'adapter' | 'domain' | 'http' | 'httpFloor', number>;
  /** Median over rounds of (baseline ops/s ÷ contender ops/s): how many times one call costs the bare presign. */
  costVsBaseline: Record<'adapter' | 'domain' | 'http', number>;
  /** p50 ms of a warm presignObject and of its parts run alone (median over rounds). */
  breakdownMs: Record<'presignObject' | 'loadVisible' | 'sign' | 'audit', number>;
}

const BREAKDOWN_SAMPLES = 50;

/** Proves the URLs under test work (a PUT then a GET through them) before timing anything. */
async function checkUrls(b: BenchStack): Promise<void> {
  const body = 'benchmark object\n';
  const put = await presignObject(b.deps, b.caller, b.volume.id, { key: KEY, method: 'PUT', contentType: 'text/plain' });
  const stored = await fetch(put.url, { method: 'PUT', headers: put.headers, body });
  if (!stored.ok) throw new Error(`the presigned PUT failed: ${stored.status} ${await stored.text()}`);
  const get = await presignObject(b.deps, b.caller, b.volume.id, { key: KEY, method: 'GET' });
  const read = await fetch(get.url);
  if (!read.ok || (await read.text()) !== body) throw new Error(`the presigned GET failed: ${read.status}`);
}

export async function benchPresign(b: BenchStack, options: { rounds: number; budgetMs: number }): Promise<PresignResult> {
  await checkUrls(b);
  const { volume } = b;
  // Fixed credentials for the baseline and the adapter: a read session of the volume, as the cache holds one.
  const vended = await vendCredentials(b.deps, b.caller, volume.id, { access: 'read' });
  const credentials = {
    accessKeyId: vended.AccessKeyId,
    secretAccessKey: vended.SecretAccessKey,
    sessionToken: vended.SessionToken,
    expiration: new Date(vended.Expiration),
  };
  const client = new S3Client({ region: volume.region, forcePathStyle: true, credentials });
  const fullKey = `${PREFIX}/${KEY}`;
  const apiUrl = b.stack.info.apiUrl;

  const ops = {
    baseline: () => getSignedUrl(client, new GetObjectCommand({ Bucket: volume.bucket, Key: fullKey }), { expiresIn: 900 }),
    adapter: () =>
      b.deps.signer.presign({
        bucket: volume.bucket,
        key: fullKey,
        region: volume.region,
        credentials,
        method: 'GET',
        expiresInSeconds: 900,
        signingDate: new Date(),
      }),
    domain: () => presignObject(b.deps, b.caller, volume.id, { key: KEY, method: 'GET' }),
    http: () => b.api('POST', `/volumes/${volume.id}/presign`, { key: KEY, method: 'GET' }),
    httpFloor: async () => {
      const response = await fetch(`${apiUrl}/health`);
      if (!response.ok) throw new Error(`GET /health: ${response.status}`);
      await response.text();
    },
  };
  const names = Object.keys(ops) as Array<keyof typeof ops>;
  // Warm every path once (clients, the cache entry, the API's handler and its own cache) before timing.
  for (const name of names) await ops[name]();

  const perRound = await inRounds(
    options.rounds,
    names.map((name) => () => throughput(ops[name], options.budgetMs)),
  );
  client.destroy();

  const parts = {
    presignObject: ops.domain,
    // The volume and the caller's membership, as presignObject reads them: the warm container's 5 s cache.
    loadVisible: () => loadVisible(hotReads(b.deps), volume.id, b.caller.subject),
    sign: ops.adapter,
    // The audit event presignObject writes: one log line on the audit stream.
    audit: () =>
      record(b.deps, b.caller, volume.id, 'presign', 'allowed', {
        method: 'GET',
        key: KEY,
        expiresIn: 900,
        cached: true,
        expiresInSeconds: 900,
      }),
  };
  const partNames = Object.keys(parts) as Array<keyof typeof parts>;
  const partRounds = await inRounds(
    options.rounds,
    partNames.map((name) => async () => percentile(await latencies(parts[name], BREAKDOWN_SAMPLES), 50)),
  );
  const breakdownMs = Object.fromEntries(partNames.map((name, i) => [name, median(partRounds[i]!)])) as PresignResult['breakdownMs'];

  const rounds = Object.fromEntries(names.map((name, i) => [name, perRound[i]!])) as PresignResult['rounds'];
  const cost = (name: 'adapter' | 'domain' | 'http') => medianRatio(rounds.baseline, rounds[name]);
  return {
    rounds,
    opsPerSecond: Object.fromEntries(names.map((name) => [name, median(rounds[name])])) as PresignResult['opsPerSecond'],
    costVsBaseline: { adapter: cost('adapter'), domain: cost('domain'), http: cost('http') },
    breakdownMs,
  };
}
