/**
 * Dependencies point one way (.dependency-cruiser.cjs, issue 12): shared/ never imports its users or the dev
 * tooling, handlers never import the AWS SDK or local/, and nothing that ships imports a devDependency.
 * dependency-cruiser's own CLI checks the tree; a failure prints its list of violations.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const CRUISED = ['functions', 'shared', 'containers', 'local'];

it('no module breaks the dependency rules of .dependency-cruiser.cjs', async () => {
  const result = await run(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', ...CRUISED, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    timeout: 60_000,
  }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  expect(result.code, result.output).toBe(0);
  // The cruise saw the tree (a misspelt folder or a parser that cannot read TypeScript cruises nothing and passes).
  expect(result.output).toMatch(/no dependency violations found \(([2-9]\d\d|\d{4,}) modules/);
}, 60_000);
