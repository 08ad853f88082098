/** Data under the data directory survives a restart of the whole stack, as `.local/` does for `npm start`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const dataDir = mkdtempSync(join(tmpdir(), 'vg-restart-'));
let second: TestStack | undefined;
afterAll(() => second?.close());

it('keeps accounts, keys, buckets, objects, roles and issuer keys across a restart', async () => {
  const first = await startTestStack({ dataDir });
  const customer = first.customerEnv(0);
  await first.aws(customer, 's3', 'mb', 's3://kept-bucket');
  writeFileSync(join(dataDir, 'kept.txt'), 'still here\n');
  await first.aws(customer, 's3', 'cp', join(dataDir, 'kept.txt'), 's3://kept-bucket/a/kept.txt');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: first.info.gatewayPrincipalArn }, Action: 'sts:AssumeRole' }],
  });
  await first.aws(customer, 'iam', 'create-role', '--role-name', 'Kept', '--assume-role-policy-document', trust);
  const keys = first.info.customers;
  await first.close();

  second = await startTestStack({ dataDir });
  expect(second.info.customers).toEqual(keys);
  const env = second.customerEnv(0);
  expect(await second.aws(env, 's3', 'cp', 's3://kept-bucket/a/kept.txt', '-')).toBe('still here\n');
  expect(JSON.parse(await second.aws(env, 'iam', 'get-role', '--role-name', 'Kept')).Role.Arn).toBe('arn:aws:iam::111111111111:role/Kept');
  // The issuer's signing key persisted (test/local/oidc checks a token from before a restart still verifies).
  expect(second.issuer.kid).toBe(first.issuer.kid);
}, 120_000);
