/**
 * The running local stack, as the local tools (`npm run token`, `npm run local-env`) find it: its data directory
 * (`LOCAL_DATA_DIR`, else `.local`, the same default as `npm start`), the `stack.json` that `npm start` writes
 * there while it runs (and removes when it stops), and a check that the stack answers (its issuer's JWKS). A tool
 * that cannot find one fails with a message saying what to start or set, never with output that would not work
 * (a token signed by a key the issuer does not publish is refused with 401 UnknownSigningKey).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { JWKS_PATH } from './oidc/well-known';
import type { StackInfo } from './stack';

/** No running stack where the tool looked; the message says where it looked and what to do. */
export class NoRunningStack extends Error {}

export interface RunningStack {
  dataDir: string;
  info: StackInfo;
  /** The key ids the stack's issuer publishes. */
  kids: string[];
}

const HOW_TO =
  'Start the stack with "npm start" (it writes stack.json in its data directory, .local by default), or set LOCAL_DATA_DIR to the ' +
  'data directory of the stack you started.';

/** Where the stack's data is: `LOCAL_DATA_DIR`, else `.local` (relative to the working directory, as for npm start). */
export const localDataDir = (env: NodeJS.ProcessEnv, cwd = process.cwd()): string => resolve(cwd, env.LOCAL_DATA_DIR?.trim() || '.local');

function where(env: NodeJS.ProcessEnv, dataDir: string): string {
  return env.LOCAL_DATA_DIR?.trim() ? `LOCAL_DATA_DIR (${dataDir})` : `${dataDir} (LOCAL_DATA_DIR is not set)`;
}

export async function findRunningStack(env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Promise<RunningStack> {
  const dataDir = localDataDir(env);
  const file = resolve(dataDir, 'stack.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new NoRunningStack(`no running local stack in ${where(env, dataDir)}: there is no stack.json. ${HOW_TO}`);
  }
  let info: Partial<StackInfo>;
  try {
    info = JSON.parse(text) as Partial<StackInfo>;
  } catch (error) {
    throw new NoRunningStack(`${file} is not valid JSON (${(error as Error).message}). ${HOW_TO}`);
  }
  const audienceOk =
    typeof info.audience === 'string' || (Array.isArray(info.audience) && (info.audience as unknown[]).every((a) => typeof a === 'string'));
  if (typeof info.issuer !== 'string' || !audienceOk) throw new NoRunningStack(`${file} has no string "issuer" and "audience". ${HOW_TO}`);
  let kids: string[];
  try {
    const answer = await fetch(`${info.issuer}${JWKS_PATH}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    const jwks = (await answer.json()) as { keys?: Array<{ kid?: unknown }> };
    kids = (jwks.keys ?? []).map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string');
  } catch (error) {
    throw new NoRunningStack(
      `the local stack of ${where(env, dataDir)} is not running: its issuer ${info.issuer} does not answer ` +
        `(${(error as Error).message}); stack.json is left from a stack that stopped. ${HOW_TO}`,
    );
  }
  return { dataDir, info: info as StackInfo, kids };
}
