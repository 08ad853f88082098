/**
 * A newcomer's install is clean. npm checks each package's `engines` against the Node that runs npm itself: since
 * npm 9 no setting makes it check against another (`node-version` was removed, npm/cli#5691; npm 11 calls it an
 * unknown config and still warns). So `.nvmrc` names the Node to run npm with: the major of the `node`
 * devDependency, which runs every script. Here the system's npm, run by that Node, installs the copied manifest
 * and lock (dry run, offline) without an EBADENGINE warning: a dependency that needs a newer Node, or an
 * `.nvmrc` that drifts from the devDependency, fails this test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pinned = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
const projectNode = join(root, 'node_modules/node/bin/node');
const major = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1]);

/** The npm a newcomer types: the first on PATH that is not the project's own `node_modules/.bin`. */
function systemNpmCli(): string {
  const found = execFileSync('which', ['-a', 'npm'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const npm = found.find((path) => !path.startsWith(join(root, 'node_modules')));
  if (!npm) throw new Error(`no npm on PATH outside ${root}/node_modules (found: ${found.join(', ')})`);
  return realpathSync(npm);
}

const workDir = mkdtempSync(join(tmpdir(), 'clean-install-'));
for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(workDir, file));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** `npm ci --dry-run` with the system's npm run by `node`: resolves from the lock alone, fetches nothing. */
async function dryRunInstall(node: string): Promise<{ exitCode: number; output: string }> {
  const args = [systemNpmCli(), 'ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'];
  // An empty cache of its own: the answer comes from the lock alone, and the user's cache is not touched.
  const env = { ...process.env, npm_config_cache: join(workDir, '.npm-cache') };
  try {
    const { stdout, stderr } = await promisify(execFile)(node, args, { cwd: workDir, env, timeout: 60_000 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('npm install on the Node the project pins', () => {
  it('.nvmrc names the major of the node devDependency that runs the scripts', () => {
    const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(major(String(devDependencies.node).replace(/^[\^~]/, ''))).toBe(Number(pinned));
    expect(major(execFileSync(projectNode, ['-p', 'process.version'], { encoding: 'utf8' }))).toBe(Number(pinned));
  });

  it('installs the lock with no EBADENGINE warning', async () => {
    const { exitCode, output } = await dryRunInstall(projectNode);
    expect(output).not.toMatch(/EBADENGINE/);
    expect(exitCode, output).toBe(0);
  }, 60_000);

  // The control: the same install run by an older system Node does warn, so the assertion above can fail.
  const systemNode = execFileSync('bash', ['-c', 'command -v -p node || true'], { encoding: 'utf8' }).trim();
  const systemMajor = systemNode ? major(execFileSync(systemNode, ['-p', 'process.version'], { encoding: 'utf8' })) : NaN;
  const olderSystemNode = systemMajor < Number(pinned);
  it.skipIf(!olderSystemNode)(`run by the system's older Node (${systemMajor}), the same install warns EBADENGINE`, async () => {
    const { output } = await dryRunInstall(systemNode);
    expect(output).toMatch(/EBADENGINE/);
  }, 60_000);
});
