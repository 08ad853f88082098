/**
 * `serverless package` once per vitest run: the first test file that asks builds into the run directory
 * (run-dir.ts) under the packaging lock; the others, waiting on the same lock, find the output there and read
 * it. A file run without the run directory packages into a directory of its own. When docs/deploying.md's
 * `npm run package` ran first in the run (guides.test.ts), its output is the run's package (`adoptGuidePackage`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { withPackagingLock } from './packaging-lock';

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
/** The stage `npm run package` packages (docs/deploying.md): the same build as the guide's, so either can serve. */
const STAGE = 'dev';

function runDir(): string | undefined {
  try {
    return inject('runDir');
  } catch {
    return undefined;
  }
}

/** Where the run's package is, under the run directory. */
const runPackage = (root: string) => join(root, 'package');

/** The directory `serverless package --stage dev` wrote: the CloudFormation templates and each function's zip. */
export async function packagedService(): Promise<string> {
  const root = runDir();
  const out = root ? runPackage(root) : join(mkdtempSync(join(tmpdir(), 'vg-package-')), 'out');
  await withPackagingLock(() => {
    // Written once the whole package is: a build that failed half-way is built again.
    if (existsSync(join(out, '.complete'))) return;
    rmSync(out, { recursive: true, force: true });
    execFileSync('node_modules/.bin/serverless', ['package', '--stage', STAGE, '--package', out], {
      stdio: 'pipe',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      timeout: 240_000,
    });
    writeFileSync(join(out, '.complete'), '');
  });
  return out;
}

/**
 * Makes the project's .serverless/, just written by docs/deploying.md's `npm run package` (`serverless package
 * --stage dev`: the same command on the same code as packagedService's), the run's package, so the run packages
 * once rather than twice. Call it under the packaging lock, right after that command succeeded. Does nothing
 * without a run directory, where the run has its package already, or where .serverless/ was not written since
 * `since` (a guide that no longer packages leaves an older one).
 */
export function adoptGuidePackage(since: number, from = '.serverless'): void {
  const root = runDir();
  if (!root || existsSync(join(runPackage(root), '.complete'))) return;
  const template = join(from, TEMPLATE_FILE);
  if (!existsSync(template) || statSync(template).mtimeMs < since) return;
  const out = runPackage(root);
  rmSync(out, { recursive: true, force: true });
  cpSync(from, out, { recursive: true });
  writeFileSync(join(out, '.complete'), '');
}
