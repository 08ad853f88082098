/**
 * Vend latency with a warm credential cache, against the bare STS call it saves, measured in the same rounds:
 * - baseline: `STSClient.send(AssumeRole)` to the local STS with exactly the parameters the STS adapter sends
 *   for this volume (role, external ID, session policy, source identity, session tags, one hour), on one reused
 *   client with the gateway's own credentials (the default chain, as the Lambda resolves them);
 * - `vendCredentials`, the domain function, on the real adapters as a warm Lambda has them: the volume and
 *   membership from the 5 s hot-path cache, the credential cache hit, the audit event as one log line; no STS call;
 * - `POST /volumes/{id}/credentials` through the local HTTP API, next to `GET /health` on the same server (the
 *   floor of one HTTP round trip: the target is a vend within 1 ms of it).
 *
 * Every baseline call mints a real session in the local IAM store (one line appended to its session log), so that
 * figure is the local stand-in's, not AWS's (a real AssumeRole is a network round trip to STS). Its first and last
 * rounds are the store's drift row: the AssumeRole cost must not grow with the sessions the run has minted.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sessionPolicy, vendCredentials } from '../shared/vending';
import { stsName, tagValue } from '../shared/volumes/sts-names';
import { inRounds, latencies, median, medianRatio, percentile } from './measure';
import type { BenchStack } from './stack';

type Contender = 'baseline' | 'domain' | 'http' | 'httpFloor';

export interface VendResult {
  /** Per round: the p50 and p99 of that round's samples, in ms. */
  rounds: Record<Contender, Array<{ p50: number; p99: number }>>;
  /** Medians over rounds of the per-round p50 and p99, in ms. */
  latencyMs: Record<Contender, { p50: number; p99: number }>;
  /** Median over rounds of (contender p50 ÷ baseline p50). */
  p50VsBaseline: Record<'domain' | 'http', number>;
  /** Median over rounds of (HTTP vend p50 − GET /health p50), in ms. */
  httpOverFloorMs: number;
  samplesPerRound: Record<Contender, number>;
  /** Sessions the local IAM store held after each round's AssumeRoles (each one mints a session; the probe's too). */
  sessionsHeld: number[];
  /**
   * Per round, after the baseline: AssumeRole and GetCallerIdentity (the same client, endpoint, signature check and
   * key lookup, without minting a session) called in alternation, their p50s. Paired so closely, the machine's load
   * at that moment divides out of their ratio; how that ratio moves from round 1 to the last is the store's drift.
   */
  storeProbe: Array<{ assumeRoleP50: number; callerIdentityP50: number }>;
}

export async function benchVend(b: BenchStack, options: { rounds: number; samples: number; baselineSamples: number }): Promise<VendResult> {
  const { volume, caller } = b;
  if (volume.auth.type !== 'role') throw new Error('the benchmark volume must be a role volume');
  const sts = new STSClient({ region: volume.region });
  const assumeRole = new AssumeRoleCommand({
    RoleArn: volume.auth.roleArn,
    // Another session name than the vends', so the STS-call count of the other benchmark is not disturbed.
    RoleSessionName: stsName(`${caller.subject}-baseline`),
    DurationSeconds: 3600,
    ExternalId: volume.externalId,
    SourceIdentity: stsName(caller.subject),
    Tags: [
      { Key: 'Owner', Value: tagValue(caller.subject) },
      { Key: 'VolumeId', Value: volume.id },
    ],
    Policy: sessionPolicy(volume, 'write'),
  });

  const ops: Record<Contender, () => Promise<unknown>> = {
    baseline: async () => {
      const answer = await sts.send(assumeRole);
      if (!answer.Credentials?.SessionToken) throw new Error('AssumeRole returned no credentials');
    },
    domain: () => vendCredentials(b.deps, caller, volume.id),
    http: () => b.api('POST', `/volumes/${volume.id}/credentials`, {}),
    httpFloor: async () => {
      const response = await fetch(`${b.stack.info.apiUrl}/health`);
      if (!response.ok) throw new Error(`GET /health: ${response.status}`);
      await response.text();
    },
  };
  const samplesPerRound: Record<Contender, number> = {
    baseline: options.baselineSamples,
    domain: options.samples,
    http: options.samples,
    httpFloor: options.samples,
  };
  const names = Object.keys(ops) as Contender[];
  for (const name of names) await ops[name](); // warm: clients, credentials, both caches

  const sessionsHeld: number[] = [];
  const storeProbe: VendResult['storeProbe'] = [];
  const probeStore = async () => {
    const assumeRoles: number[] = [];
    const callerIdentities: number[] = [];
    for (let i = 0; i < options.baselineSamples; i++) {
      assumeRoles.push(...(await latencies(ops.baseline, 1)));
      callerIdentities.push(...(await latencies(() => sts.send(new GetCallerIdentityCommand({})), 1)));
    }
    storeProbe.push({ assumeRoleP50: percentile(assumeRoles, 50), callerIdentityP50: percentile(callerIdentities, 50) });
  };
  const perRound = await inRounds(
    options.rounds,
    names.map((name) => async () => {
      const samples = await latencies(ops[name], samplesPerRound[name]);
      if (name === 'baseline') {
        await probeStore();
        sessionsHeld.push(b.stack.iam.sessions.size);
      }
      return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
    }),
  );
  sts.destroy();
  const rounds = Object.fromEntries(names.map((name, i) => [name, perRound[i]!])) as VendResult['rounds'];
  const summary = (name: Contender) => ({ p50: median(rounds[name].map((r) => r.p50)), p99: median(rounds[name].map((r) => r.p99)) });
  const p50s = (name: Contender) => rounds[name].map((r) => r.p50);
  return {
    rounds,
    latencyMs: { baseline: summary('baseline'), domain: summary('domain'), http: summary('http'), httpFloor: summary('httpFloor') },
    p50VsBaseline: { domain: medianRatio(p50s('domain'), p50s('baseline')), http: medianRatio(p50s('http'), p50s('baseline')) },
    httpOverFloorMs: median(p50s('http').map((p50, i) => p50 - p50s('httpFloor')[i]!)),
    samplesPerRound,
    sessionsHeld,
    storeProbe,
  };
}
