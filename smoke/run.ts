/**
 * One smoke run against a deployed stack, as a user meets it: the caller's volume by name (it must be active),
 * a gateway access key for that volume alone, then every client through every endpoint given, then the clean-up
 * of everything written and the key's revocation, whatever happened before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, apiClient, type VolumeSummary } from './api';
import type { Endpoint, SmokeOptions } from './args';
import { checkClient, type Plan } from './checks';
import { awsCliRunner } from './clients/aws-cli';
import { boto3Runner } from './clients/boto3';
import { rcloneRunner } from './clients/rclone';
import { describe, sdkClient, sdkRunner } from './clients/sdk';
import type { ClientRunner, Target } from './clients/types';
import { cleanUp, existingFixtures, type Fixtures, runPrefix, writeFixtures } from './fixtures';
import type { CheckResult, Report } from './report';

const API = 'api';
/** Why only the JS SDK is run through a function URL: the README gives the other clients the Node front. */
const NODE_FRONT_CLIENTS =
  'S3 clients are given the Node front: through a function URL a HeadObject carries no size (README, "Which endpoint for which ' +
  'client"; docs/function-url.md)';
const LANES = 2;

/** Runs `task` for every item, at most `lanes` at a time (item i starts when item i - lanes is done); the promises in order. */
function inLanes<T, R>(items: T[], lanes: number, task: (item: T) => Promise<R>): Promise<R>[] {
  const done: Promise<unknown>[] = [];
  return items.map((item, i) => {
    const result = (done[i - lanes] ?? Promise.resolve()).then(() => task(item));
    done.push(result.catch(() => undefined));
    return result;
  });
}

export async function runSmoke(options: SmokeOptions, report: Report): Promise<void> {
  report.redact(options.token);
  const api = apiClient(options.api, options.token);
  const volume = await findActiveVolume(api, options.volume, report);
  if (!volume) return;

  let key;
  try {
    key = await api.createKey(volume.id);
  } catch (error) {
    report.fail(API, '-', 'access-key', (error as Error).message);
    return;
  }
  report.redact(key.secretAccessKey);
  report.pass(API, '-', 'access-key', `created ${key.accessKeyId} for ${volume.name} only, expires ${key.expiresAt}`);

  const workDir = mkdtempSync(join(tmpdir(), 'vg-smoke-'));
  const prefix = runPrefix();
  const target = (endpoint: Endpoint): Target => ({ endpoint: endpoint.url, bucket: volume.name, region: volume.region, ...key, workDir });
  // Set-up and clean-up go through the front that takes everything: the Node front when given.
  const home = target(options.endpoints.find((e) => e.name === 'node') ?? options.endpoints[0]!);
  try {
    const fixtures = await prepare(home, volume, prefix, report);
    if (fixtures) {
      const plan: Plan = { fixtures, writable: volume.data === 'write', outsideBucket: `smoke-not-a-volume-${prefix.slice(-7, -1)}` };
      const clients = [sdkRunner, awsCliRunner(), boto3Runner(), rcloneRunner()];
      const pairs = options.endpoints.flatMap((endpoint) => clients.map((client) => ({ endpoint, client })));
      // Two clients at a time (their start-up is most of their time); the lines come out in the pairs' order.
      const runs = inLanes(
        pairs,
        LANES,
        async ({ endpoint, client }): Promise<CheckResult[]> =>
          'absent' in client
            ? [{ outcome: 'SKIP', endpoint: endpoint.name, client: client.name, check: 'all', detail: `skipped: ${client.absent}` }]
            : endpoint.name === 'function-url' && client !== sdkRunner
              ? [{ outcome: 'SKIP', endpoint: endpoint.name, client: client.name, check: 'all', detail: `skipped: ${NODE_FRONT_CLIENTS}` }]
              : checkClient(endpoint, client as ClientRunner, target(endpoint), plan),
      );
      // Every run is awaited (a failure is its line) before the clean-up, so nothing writes after it.
      for (const [i, run] of runs.entries()) {
        try {
          report.addAll(await run);
        } catch (error) {
          report.fail(pairs[i]!.endpoint.name, pairs[i]!.client.name, 'all', `stopped: ${(error as Error).message}`);
        }
      }
    }
  } finally {
    if (volume.data === 'write') await cleanUpRun(home, prefix, report);
    try {
      await api.revokeKey(key.accessKeyId);
      report.pass(API, '-', 'revoke-key', `revoked ${key.accessKeyId}`);
    } catch (error) {
      report.fail(
        API,
        '-',
        'revoke-key',
        `${(error as Error).message}: revoke ${key.accessKeyId} yourself (DELETE /access-keys/{id}); it expires in 15 minutes anyway`,
      );
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function findActiveVolume(api: ReturnType<typeof apiClient>, name: string, report: Report): Promise<VolumeSummary | undefined> {
  let volume;
  try {
    volume = await api.findVolume(name);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    report.fail(API, '-', 'volume', error.message);
    return undefined;
  }
  if (!volume) {
    report.fail(API, '-', 'volume', `no volume named "${name}" among the volumes this token's user is a member of (GET /volumes)`);
    return undefined;
  }
  if (volume.status !== 'active') {
    report.fail(
      API,
      '-',
      'volume',
      `volume "${name}" is ${volume.status}, not active: verify it first (POST /volumes/${volume.id}/verify)`,
    );
    return undefined;
  }
  report.pass(
    API,
    '-',
    'volume',
    `${name} (${volume.id}) is active; this user may ${volume.data === 'write' ? 'read and write' : 'only read'}`,
  );
  return volume;
}

/** The objects to read: written under the run's prefix, or on a read-only volume one the volume already holds. */
async function prepare(home: Target, volume: VolumeSummary, prefix: string, report: Report): Promise<Fixtures | undefined> {
  const s3 = sdkClient(home);
  try {
    if (volume.data === 'write') {
      const fixtures = await writeFixtures(s3, volume.name, prefix, home.workDir);
      report.pass('setup', 'js-sdk', 'fixtures', `wrote ${fixtures.data.key} and ${fixtures.gzip!.key} (Content-Encoding: gzip)`);
      return fixtures;
    }
    const fixtures = await existingFixtures(s3, volume.name, prefix, home.workDir);
    if (!fixtures)
      report.fail('setup', 'js-sdk', 'fixtures', 'read-only volume with no object of 1 byte to 4 MiB in its first 1,000 keys to read');
    else
      report.pass(
        'setup',
        'js-sdk',
        'fixtures',
        `read-only volume: reading ${fixtures.data.key} (${fixtures.data.size} bytes), writing nothing`,
      );
    return fixtures;
  } catch (error) {
    report.fail('setup', 'js-sdk', 'fixtures', describe(error));
    return undefined;
  } finally {
    s3.destroy();
  }
}

async function cleanUpRun(home: Target, prefix: string, report: Report): Promise<void> {
  const s3 = sdkClient(home);
  try {
    const { deleted, left } = await cleanUp(s3, home.bucket, prefix);
    if (left === 0) report.pass('cleanup', 'js-sdk', 'delete', `deleted ${deleted} objects under ${prefix}`);
    else report.fail('cleanup', 'js-sdk', 'delete', `${left} objects left under ${prefix}`);
  } catch (error) {
    report.fail('cleanup', 'js-sdk', 'delete', `${describe(error)}: delete ${prefix} yourself`);
  } finally {
    s3.destroy();
  }
}
