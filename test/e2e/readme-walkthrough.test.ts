/** The README's walk-through, run word for word against a fresh local stack, so it cannot rot. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const run = promisify(execFile);
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

function walkthrough(): string {
  const readme = readFileSync('README.md', 'utf8');
  const block = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no walk-through block between the walkthrough markers');
  return block[1]!;
}

it('runs the README walk-through as a customer would, ending with GET /me', async () => {
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', walkthrough()], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, HOME: stack.dataDir, LOCAL_DATA_DIR: stack.dataDir },
    timeout: 120_000,
  });
  const lines = stdout.trim().split('\n');
  const me = JSON.parse(lines.at(-2)!);
  expect(me).toMatchObject({ subject: 'alice', email: 'alice@lab.example', groups: ['lab'] });
  expect(JSON.parse(lines.at(-1)!)).toMatchObject({ code: 'MissingToken' });
  // What the walk-through made is really there, in the customer's account.
  const role = stack.iam.roles.get('111111111111', 'VolumeGatewayAccess');
  expect(role?.assumeRolePolicyDocument).toContain(stack.info.gatewayPrincipalArn);
  const listing = await stack.aws(stack.customerEnv(0), 's3', 'ls', 's3://my-lab-data/project-x/');
  expect(listing).toContain('sample.fa');
}, 180_000);
