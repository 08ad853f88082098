/**
 * Builds the console: console/src (TypeScript + Preact) bundled by esbuild into `app.js` and `app.css`, with
 * index.html beside them. Nothing is fetched at run time from anywhere but the console's own origin, the API and
 * the issuer. `npm start` builds into the data dir and serves it; `npm run build:console` writes dist/console for
 * the deploy (scripts/deploy-console.ts adds config.json and uploads).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const CONSOLE_DIR = import.meta.dirname;

export interface ConsoleBuild {
  outdir: string;
  files: string[];
}

export async function buildConsole(options: { outdir: string; minify?: boolean }): Promise<ConsoleBuild> {
  const outdir = resolve(options.outdir);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(CONSOLE_DIR, 'src/main.tsx') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: options.minify === false ? 'linked' : false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  copyFileSync(join(CONSOLE_DIR, 'index.html'), join(outdir, 'index.html'));
  return { outdir, files: ['index.html', ...Object.keys(result.metafile.outputs).map((file) => resolve(file).slice(outdir.length + 1))] };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const outdir = process.argv[2] ?? 'dist/console';
  const built = await buildConsole({ outdir });
  process.stdout.write(`console built into ${built.outdir}: ${built.files.join(', ')}\n`);
}
