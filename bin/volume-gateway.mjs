#!/usr/bin/env node
// Launcher for `npx volume-gateway` and for `credential_process`: loads bin/volume-gateway.ts through the
// repository's own tsx (a devDependency, already installed: no build step, no network), in this process.
import { tsImport } from 'tsx/esm/api';

const { run } = await tsImport('./volume-gateway.ts', import.meta.url);
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
