import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * One of the local CLIs (local/*.ts) bundled once with esbuild, the transform tsx runs on it, into a file plain node
 * starts in ~0.1 s of CPU instead of tsx's ~2 s (a tsx start runs two node processes and esbuild's service). Packages
 * stay external and the file lives under node_modules/.cache, so node resolves them from this repository as tsx
 * does. For the cases a test runs many times; the claim that `npm run <name>` runs the CLI keeps a real tsx start.
 */
export interface BundledCli {
  file: string;
  remove(): Promise<void>;
}

export async function bundleCli(entry: string): Promise<BundledCli> {
  const cache = resolve('node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'bundled-cli-'));
  const file = join(dir, 'cli.mjs');
  await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: file,
    logLevel: 'silent',
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
