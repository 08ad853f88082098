/**
 * `npm run bench:cold`: what a cold start costs each Lambda function, as `serverless package` builds it. For each
 * function of serverless.yml: the size of its zip and of its bundle (the handler file, unzipped, with the chunks it
 * imports statically: all that Node reads and parses when it loads the handler; the target applies to it), the
 * chunks it reaches only through a dynamic `import()` (loaded at that import, if ever: not part of the cold start),
 * and the time to import its handler module in a fresh Node 22
 * process (the project's own `node`, the Lambda runtime's major), the median over RUNS processes. Not part of
 * `npm test`.
 *
 * - The package is built afresh into a temporary directory (about half a minute), under the packaging lock the
 *   deploy tests take, so the figures are those of the tree as it is, never of a stale `.serverless/`.
 *   `--package-dir DIR` measures an existing `serverless package --package DIR` output instead (one zip per
 *   function, or the one service zip of a build that is not packaged individually: then no zip is a function's
 *   own, and its column is empty).
 * - Each import runs with an empty environment: a handler module must load without reading any configuration
 *   (its wiring is built at its first call, `shared/wiring/lazy.ts`).
 * - Baseline, measured in the same run the same way: a fresh process importing an empty module. The ratio is a
 *   function's import time over the baseline process's whole start (`node` starting, importing nothing much and
 *   exiting), so a slower or busier machine moves both.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadServerlessModel } from '../local/serverless-model';
import { withPackagingLock } from '../test/support/packaging-lock';
import { machine, ms, ratio, table, writeJson } from './format';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/node/bin/node');
const RESULTS = resolve(import.meta.dirname, 'results/cold-start-latest.json');
const RUNS = 5;
const TARGET = { kb: 400, initMs: 100 };

/**
 * Run in the child: the import's own wall and CPU time (all the process's threads: V8 compiles and collects on
 * helpers), printed as JSON. CPU time moves less than wall time when other work shares the machine. Lambda's
 * runtime defines the `awslambda` global before it loads a handler (the proxy's streaming handler calls it at
 * load); a stand-in of its shape does here.
 */
const IMPORT_TIMER = [
  'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };',
  'const t = performance.now(); const c = process.cpuUsage();',
  'await import(process.argv[1]);',
  'const { user, system } = process.cpuUsage(c);',
  'console.log(JSON.stringify({ importMs: performance.now() - t, cpuMs: (user + system) / 1000 }));',
].join('\n');

/** A bundle's static imports of its own files (`import{…}from"./x.mjs"`, `export{…}from"./x.mjs"`; not `import("./x.mjs")`). */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[^;()"'`]*?\bfrom\s*)?["'](\.\.?\/[^"']+)["']/g;

/**
 * What Node loads with `moduleFile`: the file and, transitively, the files of the package it imports statically
 * (a split build's shared chunks). The dynamically imported chunks are loaded at their import, not here.
 */
export function staticClosure(moduleFile: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) visit(resolve(dirname(file), spec!));
  };
  visit(moduleFile);
  return [...seen];
}

/** The KB of `files` together. */
export const kbOf = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024;

/** Every `.mjs` file under `dir` (a function's unzipped package). */
function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => join(dir, f));
}

interface Sample {
  /** The import alone, measured inside the child. */
  importMs: number;
  /** The CPU time of the import, every thread of the child's. */
  cpuMs: number;
  /** The child process from spawn to exit, measured outside it. */
  processMs: number;
}

function timeImport(moduleFile: string): Sample {
  const start = performance.now();
  const out = execFileSync(NODE, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(moduleFile).href], {
    env: {},
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { importMs, cpuMs } = JSON.parse(out.trim().split('\n').pop()!) as Omit<Sample, 'processMs'>;
  return { importMs, cpuMs, processMs: performance.now() - start };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function medianSample(moduleFile: string): Sample {
  const samples = Array.from({ length: RUNS }, () => timeImport(moduleFile));
  const of = (key: keyof Sample) => median(samples.map((s) => s[key]));
  return { importMs: of('importMs'), cpuMs: of('cpuMs'), processMs: of('processMs') };
}

function packageAfresh(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'vg-cold-')), 'package');
  return withPackagingLock(() => {
    execFileSync(join(ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', 'ci', '--package', out], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      timeout: 240_000,
    });
    return out;
  });
}

export interface FunctionRow {
  name: string;
  handlerFile: string;
  /** The function's own zip; absent when all functions share one. */
  zipKb?: number;
  /** The handler file, unzipped, with the chunks it imports statically: what Node reads and parses at the cold start. */
  bundleKb: number;
  /** The package's other chunks, loaded only at a dynamic `import()` (if ever). */
  lazyKb: number;
  importMs: number;
  cpuMs: number;
  processMs: number;
}

export interface ColdStartRun {
  startedAt: string;
  packageDir: string;
  packagedIndividually: boolean;
  runs: number;
  target: typeof TARGET;
  baseline: Sample;
  functions: FunctionRow[];
}

export async function benchColdStart(packageDir?: string): Promise<ColdStartRun> {
  const startedAt = new Date().toISOString();
  const dir = packageDir ?? (await packageAfresh());
  const work = mkdtempSync(join(tmpdir(), 'vg-cold-unzip-'));
  try {
    const empty = join(work, 'empty.mjs');
    writeFileSync(empty, '');
    const baseline = medianSample(empty);
    const functions: FunctionRow[] = [];
    const zips = new Set(readdirSync(dir).filter((f) => f.endsWith('.zip')));
    for (const fn of loadServerlessModel(join(ROOT, 'serverless.yml')).functions) {
      const handlerFile = fn.sourceFile.replace(/\.ts$/, '.mjs');
      const own = zips.has(`${fn.name}.zip`);
      const zip = join(dir, own ? `${fn.name}.zip` : [...zips][0]!);
      const into = join(work, fn.name);
      mkdirSync(into);
      execFileSync('unzip', ['-q', zip, '-d', into]);
      const moduleFile = join(into, handlerFile);
      // A function serverless.yml has gained since an older package (given with --package-dir) was built.
      if (!existsSync(moduleFile)) continue;
      const zipKb = own ? statSync(zip).size / 1024 : undefined;
      const loaded = staticClosure(moduleFile);
      const lazy = moduleFiles(into).filter((f) => !loaded.includes(f));
      functions.push({ name: fn.name, handlerFile, zipKb, bundleKb: kbOf(loaded), lazyKb: kbOf(lazy), ...medianSample(moduleFile) });
      rmSync(into, { recursive: true, force: true });
    }
    const individually = functions.every((f) => zips.has(`${f.name}.zip`));
    return { startedAt, packageDir: dir, packagedIndividually: individually, runs: RUNS, target: TARGET, baseline, functions };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');
const kb = (n: number) => Math.round(n).toLocaleString('en-US');

export function renderColdStart(run: ColdStartRun): string {
  const b = run.baseline;
  const out = [
    `Cold start: each function's package and the import of its handler in a fresh Node 22 process (median of ${run.runs}), ${machine()}`,
    `baseline, same run: a fresh process importing an empty module: import ${ms(b.importMs)} ms, whole process ${ms(b.processMs)} ms ` +
      "(init / baseline = a function's import time over that whole process)",
    run.packagedIndividually ? `one zip per function (${run.packageDir})` : `one zip for all functions (${run.packageDir})`,
    '',
    table([
      [
        'function',
        'zip KB',
        'bundle KB',
        `≤ ${run.target.kb} KB`,
        'lazy KB',
        'init ms',
        `≤ ${run.target.initMs} ms`,
        'init / baseline',
        'init CPU ms',
        'process ms',
      ],
      ...run.functions.map((f) => [
        f.name,
        f.zipKb === undefined ? '' : kb(f.zipKb),
        kb(f.bundleKb),
        mark(f.bundleKb <= run.target.kb),
        kb(f.lazyKb ?? 0),
        ms(f.importMs),
        mark(f.importMs <= run.target.initMs),
        ratio(f.importMs / b.processMs),
        ms(f.cpuMs),
        ms(f.processMs),
      ]),
    ]),
  ];
  return out.join('\n');
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--package-dir');
  const packageDir = flag >= 0 ? resolve(process.argv[flag + 1]!) : undefined;
  if (!packageDir) process.stderr.write('packaging (serverless package, about half a minute)…\n');
  const run = await benchColdStart(packageDir);
  console.log(renderColdStart(run));
  writeJson(RESULTS, run);
  console.log(`\nwrote ${RESULTS}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
