/**
 * The real local stack for the benchmarks (the code `npm start` runs, in this process), with one active
 * read-write volume set up as a customer and its owner would: the customer makes the bucket and the role with
 * /usr/bin/aws, alice registers the volume through the API, the customer applies the returned commands
 * verbatim, alice verifies it. Then the vending ports, wired as `shared/wiring/vending.ts` wires them for a
 * Lambda, but with a credential cache of the benchmark's own so its counters see only the benchmark's calls.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { customerCliEnv, runAwsCli } from '../local/customer-cli';
import { type Stack, type StackInfo, startStack } from '../local/stack';
import { loadConfig } from '../shared/config';
import { createLogger, setLogSink } from '../shared/log';
import type { Caller, VendingDeps } from '../shared/vending/deps';
import type { Volume } from '../shared/volumes/model';
import { buildVendingDeps } from '../shared/wiring/vending';
import { buildVolumeDeps } from '../shared/wiring/volumes';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
export const BUCKET = 'bench-lab';
export const PREFIX = 'runs';
export const OWNER = 'alice';

export interface BenchStack {
  stack: Stack;
  dataDir: string;
  token: string;
  caller: Caller;
  volume: Volume;
  /** Vending ports with the real adapters and a cache of the benchmark's own. */
  deps: VendingDeps;
  /** Calls the API as alice; rejects unless the answer is 2xx. */
  api(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Role sessions of `roleArn` named `sessionName` the local STS has minted so far (read from the IAM store's file). */
  sessionsMinted(roleArn: string, sessionName: string): number;
  close(): Promise<void>;
}

/** A log sink for benchmarks: warnings and errors go to stderr; info lines and EMF metric lines are dropped. */
export function keepWarnings(line: string): void {
  if (/^\{"level":"(warn|error)"/.test(line)) process.stderr.write(`${line}\n`);
}

/** Calls the API at `apiUrl` with `token`; rejects unless the answer is 2xx. */
export function apiCaller(apiUrl: string, token: string): BenchStack['api'] {
  return async (method, path, body) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/**
 * One active read-write volume of the caller's (`api`), set up as a customer and its owner would: customer 0
 * makes the bucket and the role with /usr/bin/aws, the owner registers the volume, the customer applies the
 * returned commands verbatim, the owner verifies it. Resolves with the volume's id.
 */
export async function setUpVolume(info: StackInfo, dataDir: string, api: BenchStack['api']): Promise<string> {
  const customerEnv = customerCliEnv(info, 0, dataDir);
  const aws = (...args: string[]) => runAwsCli(info.awsEndpoint, customerEnv, args);
  await aws('s3', 'mb', `s3://${BUCKET}`);
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  const role = JSON.parse(await aws('iam', 'create-role', '--role-name', 'BenchVolume', '--assume-role-policy-document', placeholder));
  const created = (await api('POST', '/volumes', {
    name: 'bench-volume',
    bucket: BUCKET,
    prefix: PREFIX,
    region: info.region,
    accessMode: 'read-write',
    auth: { type: 'role', roleArn: role.Role.Arn },
  })) as { id: string; setup: { commands: string[] } };
  for (const command of created.setup.commands) {
    const script = `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`;
    await run('bash', ['-euo', 'pipefail', '-c', script], { env: { ...customerEnv, ENDPOINT: info.awsEndpoint }, timeout: 60_000 });
  }
  const verified = (await api('POST', `/volumes/${created.id}/verify`)) as { status: string };
  if (verified.status !== 'active') throw new Error(`the benchmark's volume did not verify: ${JSON.stringify(verified)}`);
  return created.id;
}

export async function startBenchStack(): Promise<BenchStack> {
  // The handlers log every request at info and write metric lines; what is measured is the work, not the lines.
  setLogSink(keepWarnings);
  const dataDir = mkdtempSync(join(tmpdir(), 'vg-bench-'));
  const stack = await startStack({
    root: ROOT,
    dataDir,
    ports: { api: 0, proxy: 0, aws: 0, oidc: 0, nodeProxy: 0 },
    log: createLogger({ component: 'bench-stack' }, { level: 'warn', write: (line) => process.stderr.write(`${line}\n`) }),
    ttlSweepMs: 600_000,
    // At AWS the audit stream is shipped by another function; here it would share the measured process's CPU.
    shipAudit: false,
  });

  const token = stack.issuer.sign({ sub: OWNER }, { ttlSeconds: 3600 });
  const api = apiCaller(stack.info.apiUrl, token);

  try {
    const volumeId = await setUpVolume(stack.info, dataDir, api);

    // As shared/wiring/vending.ts wires a Lambda, from the environment the stack set.
    const config = loadConfig();
    const base = buildVolumeDeps(config);
    // Its own credential cache and hot-path cache (not the API's), its audit events on the audit stream.
    const deps: VendingDeps = buildVendingDeps(config, base);
    const volume = (await base.repo.get(volumeId))!;

    return {
      stack,
      dataDir,
      token,
      caller: { subject: OWNER, token, authMethods: [], requestId: 'bench' },
      volume,
      deps,
      api,
      sessionsMinted: (roleArn, sessionName) =>
        [...stack.iam.sessions.records()].filter((s) => s.caller.roleArn === roleArn && s.caller.sessionName === sessionName).length,
      close: async () => {
        await stack.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
