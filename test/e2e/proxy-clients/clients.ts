/**
 * The real S3 clients of the proxy's client matrix, each run as a user runs it: Debian's /usr/bin/aws with a
 * config file asking for path-style addressing, boto3 from /usr/bin/python3, and rclone with a remote configured
 * only through its environment. Each gets a gateway access key and the front's URL as its endpoint, and a
 * minimal environment of its own (nothing of the developer's AWS setup, no AWS_CA_BUNDLE for rclone).
 *
 * Retries are left as the clients have them (503s are retried). A run resolves whatever the exit code; `ok` turns
 * a failure into an error that shows the client's stderr.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface GatewayKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runClient(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ClientRun> {
  return new Promise((done, fail) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
      done({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** The run's stdout, or an error with what the client said when it failed. */
export function ok(run: ClientRun): string {
  if (run.code !== 0) throw new Error(`exit code ${run.code}\n${run.stderr.trim()}\n${run.stdout.trim()}`);
  return run.stdout;
}

/** The HTTP statuses botocore logged (`--debug`), in order, as `METHOD status`. */
export function statuses(run: ClientRun): string[] {
  return [...run.stderr.matchAll(/"(GET|HEAD|PUT|POST|DELETE) \S+ HTTP\/1\.1" (\d{3})/g)].map((m) => `${m[1]} ${m[2]}`);
}

/** Files under a test's scratch directory (`dir()` once it exists): `path` makes the parents, `write` writes one. */
export function scratchFiles(dir: () => string) {
  const path = (name: string) => {
    const full = join(dir(), name);
    mkdirSync(dirname(full), { recursive: true });
    return full;
  };
  const write = (name: string, data: Buffer | string) => {
    writeFileSync(path(name), data);
    return join(dir(), name);
  };
  return { path, write };
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
export const fileSha256 = (path: string): string => sha256(readFileSync(path));

const baseEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });

/** /usr/bin/aws (Debian's 2.9) with `s3 = addressing_style = path` in its config file. */
export function awsCli(home: string) {
  const config = join(home, 'aws-config');
  writeFileSync(config, '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
  return (key: GatewayKey, endpoint: string, ...args: string[]): Promise<ClientRun> =>
    runClient('/usr/bin/aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], awsCliEnv(home, config, key));
}

/**
 * `awsCli`'s commands, several in one Python process (aws-batch.py: the aws cli's own entry point, a fresh driver per
 * command), in order: for a test whose claims are about the commands, as each start costs a second of CPU.
 */
export function awsCliBatch(home: string) {
  const config = join(home, 'aws-config');
  const script = resolve(import.meta.dirname, 'aws-batch.py');
  return async (key: GatewayKey, endpoint: string, commands: string[][]): Promise<ClientRun[]> => {
    const input = JSON.stringify(commands.map((args) => ['--endpoint-url', endpoint, '--output', 'json', ...args]));
    return JSON.parse(ok(await runClient('/usr/bin/python3', [script, input], awsCliEnv(home, config, key))));
  };
}

function awsCliEnv(home: string, config: string, key: GatewayKey): NodeJS.ProcessEnv {
  return {
    ...baseEnv(home),
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // What the CLI does by default (standard mode, 3 attempts), spelled out: the proxy answers 503 when its
    // connection to S3 fails, and clients are expected to retry that.
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '3',
    AWS_PAGER: '',
  };
}

/** One step of boto3-client.py; `name` is where its result lands. */
export type Boto3Step = {
  name: string;
  do: 'putGet' | 'getRange' | 'list' | 'deleteThenGet' | 'uploadDownload' | 'putRefused' | 'head' | 'get' | 'put' | 'download';
} & Record<string, string>;

/** boto3 (Debian's 1.26) from /usr/bin/python3, path-style, running boto3-client.py's steps in order. */
export function boto3(home: string) {
  const script = resolve(import.meta.dirname, 'boto3-client.py');
  return async (key: GatewayKey, endpoint: string, bucket: string, prefix: string, steps: Boto3Step[]): Promise<Record<string, any>> => {
    const input = JSON.stringify({ endpoint, ...key, bucket, prefix, steps });
    return JSON.parse(
      ok(await runClient('/usr/bin/python3', [script, input], { ...baseEnv(home), AWS_CONFIG_FILE: join(home, 'no-config') })),
    );
  };
}

/** rclone (Debian's 1.60) with remote `vg:` from its environment only: type s3, provider Other, path-style. */
export function rclone(home: string) {
  return (key: GatewayKey, endpoint: string, ...args: string[]): Promise<ClientRun> =>
    runClient('/usr/bin/rclone', args, {
      ...baseEnv(home),
      RCLONE_CONFIG: join(home, 'rclone.conf'),
      RCLONE_CONFIG_VG_TYPE: 's3',
      RCLONE_CONFIG_VG_PROVIDER: 'Other',
      RCLONE_CONFIG_VG_ENDPOINT: endpoint,
      RCLONE_CONFIG_VG_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_VG_ACCESS_KEY_ID: key.accessKeyId,
      RCLONE_CONFIG_VG_SECRET_ACCESS_KEY: key.secretAccessKey,
      RCLONE_CONFIG_VG_REGION: 'us-east-1',
    });
}

/** Runs `task` over `items`, at most `lanes` at a time (client processes are CPU-bound at start-up). */
export async function inLanes<T, R>(items: readonly T[], lanes: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
