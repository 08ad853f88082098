/**
 * `serverless package` once per vitest run: the first test file that asks builds into the run directory
 * (run-dir.ts) under the packaging lock; the others, waiting on the same lock, find the output there and read
 * it. A file run without the run directory packages into a directory of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { withPackagingLock } from './packaging-lock';

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';

function runDir(): string | undefined {
  try {
    return inject('runDir');
  } catch {
    return undefined;
  }
}

/** The directory `serverless package --stage ci` wrote: the CloudFormation templates and `volume-gateway.zip`. */
export async function packagedService(): Promise<string> {
  const root = runDir();
  const out = root ? join(root, 'package') : join(mkdtempSync(join(tmpdir(), 'vg-package-')), 'out');
  await withPackagingLock(() => {
    // Written once the whole package is: a build that failed half-way is built again.
    if (existsSync(join(out, '.complete'))) return;
    rmSync(out, { recursive: true, force: true });
    execFileSync('node_modules/.bin/serverless', ['package', '--stage', 'ci', '--package', out], {
      stdio: 'pipe',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      timeout: 240_000,
    });
    writeFileSync(join(out, '.complete'), '');
  });
  return out;
}
