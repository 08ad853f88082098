/**
 * Starts the real local stack (the same code as `npm start`) on free loopback ports in a fresh data
 * directory, and gives tests what a user has: the customers' keys, tokens from the dev issuer, and
 * /usr/bin/aws configured for a customer. Each test file gets its own stack (vitest runs files in
 * separate processes).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerCliEnv, runAwsCli } from '../../local/customer-cli';
import { type Stack, type StackOptions, startStack } from '../../local/stack';
import { createLogger, type Logger } from '../../shared/log';

export interface TestStack extends Stack {
  dataDir: string;
  /** Every log line the stack wrote, for assertions that nothing secret was logged. */
  logLines: string[];
  /** Moves the local AWS clock (credential expiry) by this many seconds. */
  advanceClock(seconds: number): void;
  clockOffsetMs(): number;
  token(
    claims: { sub: string; email?: string; groups?: string[]; amr?: string[] },
    options?: { ttlSeconds?: number; audience?: string },
  ): string;
  /** Environment for /usr/bin/aws as customer `index` (0 or 1). */
  customerEnv(index: number): NodeJS.ProcessEnv;
  /** Runs /usr/bin/aws against the local endpoint; resolves with stdout, or rejects with stderr in the message. */
  aws(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string>;
}

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vg-stack-'));
  const logLines: string[] = [];
  const log: Logger = createLogger({ component: 'local-stack' }, { level: 'debug', write: (line) => logLines.push(line) });
  let offsetMs = 0;
  const stack = await startStack({
    dataDir,
    ports: { api: 0, proxy: 0, aws: 0, oidc: 0, nodeProxy: 0, console: 0 },
    log,
    ttlSweepMs: 60_000,
    now: () => new Date(Date.now() + offsetMs),
    ...options,
  });
  const customerEnv = (index: number) => customerCliEnv(stack.info, index, dataDir);
  return {
    ...stack,
    dataDir,
    logLines,
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
    clockOffsetMs: () => offsetMs,
    token: (claims, tokenOptions = {}) => stack.issuer.sign(claims, tokenOptions),
    customerEnv,
    aws: (env, ...args) => runAwsCli(stack.info.awsEndpoint, env, args),
  };
}
