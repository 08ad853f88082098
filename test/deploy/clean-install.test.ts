/**
 * A newcomer's install is clean on the Node they already have. npm checks every package's `engines` against the
 * Node that runs npm itself (since npm 9 no setting changes that: `node-version` was removed, npm/cli#5691), so
 * every package in the lock must accept the oldest Node the project installs on: package.json's `engines` floor
 * (20.19, vitest's and rolldown's). Every script then runs on the project's own Node 22 (the `node`
 * devDependency, named in `.nvmrc`), and the Lambda runtime is nodejs22.x. That is why @middy/* is on 6.x, the
 * last major that accepts Node 20 and supports 22, and not 7.x, which refuses Node 20.
 *
 * Here the system's npm installs the copied manifest and lock (dry run, offline), run by the system's Node and by
 * the project's: no EBADENGINE either way. A dependency that needs a newer Node fails this test; so does the
 * control, a manifest asking for a Node nobody has.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
async function dryRunInstall(node: string, cwd: string): Promise<{ exitCode: number; output: string }> {
  const args = [systemNpmCli(), 'ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'];
  // An empty cache of its own: the answer comes from the lock alone, and the user's cache is not touched.
  const env = { ...process.env, npm_config_cache: join(workDir, '.npm-cache') };
  try {
    const { stdout, stderr } = await promisify(execFile)(node, args, { cwd, env, timeout: 60_000 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const systemNode = execFileSync('bash', ['-c', 'command -v -p node || true'], { encoding: 'utf8' }).trim();

describe("npm install, on the system Node and on the project's", () => {
  it('.nvmrc names the major of the node devDependency that runs the scripts', () => {
    const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(major(String(devDependencies.node).replace(/^[\^~]/, ''))).toBe(Number(pinned));
    expect(major(execFileSync(projectNode, ['-p', 'process.version'], { encoding: 'utf8' }))).toBe(Number(pinned));
  });

  it("installs the lock with no EBADENGINE warning when the project's Node runs npm", async () => {
    const { exitCode, output } = await dryRunInstall(projectNode, workDir);
    expect(output).not.toMatch(/EBADENGINE/);
    expect(exitCode, output).toBe(0);
  }, 60_000);

  it.skipIf(!systemNode)(
    "installs the lock with no EBADENGINE warning when the system's Node runs npm",
    async () => {
      const { exitCode, output } = await dryRunInstall(systemNode, workDir);
      expect(output).not.toMatch(/EBADENGINE/);
      expect(exitCode, output).toBe(0);
    },
    60_000,
  );

  it('warns EBADENGINE for a manifest that asks for a Node nobody has (the check can fail)', async () => {
    const control = join(workDir, 'control');
    mkdirSync(control);
    copyFileSync(join(workDir, 'package-lock.json'), join(control, 'package-lock.json'));
    const manifest = JSON.parse(readFileSync(join(workDir, 'package.json'), 'utf8'));
    writeFileSync(join(control, 'package.json'), JSON.stringify({ ...manifest, engines: { node: '>=99' } }));
    const { output } = await dryRunInstall(projectNode, control);
    expect(output).toMatch(/EBADENGINE/);
  }, 60_000);
});
