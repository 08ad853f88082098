/**
 * Dependencies point one way (.dependency-cruiser.cjs, issue 12): shared/ never imports its users or the dev
 * tooling, handlers never import the AWS SDK or local/, and nothing that ships imports a devDependency.
 * dependency-cruiser's own CLI checks the tree; a failure prints its list of violations.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
// Everything but test/: the rules bind what ships; the other folders are cruised for cycles and unresolvable imports.
const CRUISED = ['functions', 'shared', 'containers', 'local', 'bin', 'bench', 'smoke', 'scripts'];
const CRUISER = resolve('node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = resolve('.dependency-cruiser.cjs');

/** dependency-cruiser's `err` report of `folders` under `cwd`, and its exit code (the number of violations). */
const cruise = (folders: string[], cwd = process.cwd()) =>
  run(process.execPath, [CRUISER, ...folders, '--config', CONFIG, '--output-type', 'err'], { cwd, timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );

it('no module breaks the dependency rules of .dependency-cruiser.cjs', async () => {
  const result = await cruise(CRUISED);
  expect(result.code, result.output).toBe(0);
  // The cruise saw the tree (a misspelt folder or a parser that cannot read TypeScript cruises nothing and passes).
  expect(result.output).toMatch(/no dependency violations found \(([2-9]\d\d|\d{4,}) modules/);
}, 60_000);

it('each rule catches the import it forbids', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vg-deps-'));
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'probe',
      type: 'module',
      dependencies: { zod: '*', '@smithy/protocol-http': '*' },
      devDependencies: { yaml: '*', '@types/aws-lambda': '*' },
    }),
    // The SDK's core is the SDK too: a handler that signs or builds requests itself belongs in shared/'s adapters.
    'functions/b/handler.ts': "import { HttpRequest } from '@smithy/protocol-http';\nexport const handler = () => new HttpRequest({});",
    'functions/a/handler.ts': [
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { parse } from 'yaml';",
      "import type { Context } from 'aws-lambda';",
      "import { z } from 'zod';",
      "import { stackOf } from '../../local/stack';",
      "import { helper } from '../../shared/helper';",
      'export const handler = (c: Context) => [S3Client, parse, z, stackOf, helper, c];',
    ].join('\n'),
    'shared/helper.ts': "import { handler } from '../functions/a/handler';\nexport const helper = () => handler;",
    'shared/ping.ts': "import { missing } from './nowhere';\nexport const ping = missing;",
    // The customer's CLI (bin/) is a tool of its own, not a library of the service.
    'containers/c/main.ts': "import { cli } from '../../bin/cli';\nexport const main = cli;",
    'bin/cli.ts': 'export const cli = 1;',
    'local/stack.ts': 'export const stackOf = 1;',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const { output } = await cruise(['functions', 'shared', 'local', 'containers', 'bin'], root);
  const broken = [...output.matchAll(/error ([\w-]+): (\S+)/g)].map(([, rule, from]) => `${rule} ${from}`);
  expect(new Set(broken), output).toEqual(
    new Set([
      'functions-not-to-aws-sdk functions/a/handler.ts',
      'functions-not-to-aws-sdk functions/b/handler.ts',
      'production-not-to-dev-dep functions/a/handler.ts',
      'production-not-to-dev-tooling functions/a/handler.ts',
      'production-not-to-dev-tooling containers/c/main.ts',
      'shared-not-to-its-users shared/helper.ts',
      'not-to-unresolvable shared/ping.ts',
      'no-circular functions/a/handler.ts',
      // @aws-sdk/client-s3 is in node_modules but not in this package.json.
      'production-not-to-undeclared functions/a/handler.ts',
    ]),
  );
  // The one devDependency caught is yaml: @types/* are types only, and zod is a dependency.
  expect(output).toMatch(/production-not-to-dev-dep: functions\/a\/handler\.ts → \S*node_modules\/yaml\//);
  expect(output).not.toMatch(/aws-lambda|zod/);
}, 60_000);
