/**
 * The Debian AWS CLI acting as one of the local stack's customers: the environment that makes
 * `/usr/bin/aws` that account's admin, and a runner pointed at the local AWS endpoint. Tests and
 * benchmarks use it to do what a customer does (buckets, roles, applying the setup commands).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { StackInfo } from './stack';

const run = promisify(execFile);

/** A minimal environment (nothing of the caller's own AWS setup) for customer `index` (from 0). */
export function customerCliEnv(info: StackInfo, index: number, home: string): NodeJS.ProcessEnv {
  const customer = info.customers[index];
  if (!customer) throw new Error(`the local stack has no customer ${index}`);
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: customer.accessKeyId,
    AWS_SECRET_ACCESS_KEY: customer.secretAccessKey,
    AWS_DEFAULT_REGION: info.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

/** Runs /usr/bin/aws against the local endpoint; resolves with stdout, or rejects with its stderr in the message. */
export async function runAwsCli(endpoint: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`aws ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}
