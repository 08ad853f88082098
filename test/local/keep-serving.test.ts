import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('an error that escapes a request is logged by name and message, without a stack, and the process carries on', async () => {
  const script = `
    import { keepServing } from './containers/node-proxy/keep-serving.ts';
    import { createLogger } from './shared/log.ts';
    keepServing(createLogger({ component: 'test' }));
    Promise.reject(new TypeError('a rejection nobody handled'));
    setTimeout(() => { throw new RangeError('an exception nobody caught'); }, 10);
    setTimeout(() => console.log('still serving'), 100);
  `;
  const { stdout } = await run('node_modules/.bin/tsx', ['--input-type=module', '-e', script], { timeout: 20_000 });
  const lines = stdout.trim().split('\n');
  expect(lines.at(-1)).toBe('still serving');
  const logged = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(logged).toMatchObject([
    { level: 'error', errorName: 'TypeError', errorMessage: 'a rejection nobody handled' },
    { level: 'error', errorName: 'RangeError', errorMessage: 'an exception nobody caught' },
  ]);
  expect(stdout).not.toMatch(/\n\s+at /);
});
