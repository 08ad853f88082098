/** Data under the data directory survives a restart of the whole stack, as `.local/` does for `npm start`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const dataDir = mkdtempSync(join(tmpdir(), 'vg-restart-'));
let second: TestStack | undefined;
afterAll(() => second?.close());

it('keeps accounts, keys, buckets, objects, roles, role sessions and issuer keys across a restart', async () => {
  const first = await startTestStack({ dataDir });
  const customer = first.customerEnv(0);
  await first.aws(customer, 's3', 'mb', 's3://kept-bucket');
  writeFileSync(join(dataDir, 'kept.txt'), 'still here\n');
  await first.aws(customer, 's3', 'cp', join(dataDir, 'kept.txt'), 's3://kept-bucket/a/kept.txt');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: [first.info.gatewayPrincipalArn, 'arn:aws:iam::111111111111:root'] }, Action: 'sts:AssumeRole' },
    ],
  });
  await first.aws(customer, 'iam', 'create-role', '--role-name', 'Kept', '--assume-role-policy-document', trust);
  const keys = first.info.customers;
  const sts = (stack: TestStack, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new STSClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials, systemClockOffset: stack.clockOffsetMs() });
  const assume = (durationSeconds: number) =>
    sts(first, { ...keys[0]! }).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/Kept',
        RoleSessionName: `kept-${durationSeconds}`,
        DurationSeconds: durationSeconds,
      }),
    );
  const [short, long] = await Promise.all([assume(900), assume(3600)]);
  await first.close();

  second = await startTestStack({ dataDir });
  expect(second.info.customers).toEqual(keys);
  const env = second.customerEnv(0);
  expect(await second.aws(env, 's3', 'cp', 's3://kept-bucket/a/kept.txt', '-')).toBe('still here\n');
  expect(JSON.parse(await second.aws(env, 'iam', 'get-role', '--role-name', 'Kept')).Role.Arn).toBe('arn:aws:iam::111111111111:role/Kept');
  // The issuer's signing key persisted (test/local/oidc checks a token from before a restart still verifies).
  expect(second.issuer.kid).toBe(first.issuer.kid);
  // Sessions minted before the restart: accepted while they last, then refused as expired, as AWS refuses them.
  second.advanceClock(901);
  const as = (c: typeof long) =>
    sts(second!, {
      accessKeyId: c.Credentials!.AccessKeyId!,
      secretAccessKey: c.Credentials!.SecretAccessKey!,
      sessionToken: c.Credentials!.SessionToken!,
    });
  expect((await as(long).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::111111111111:assumed-role/Kept/kept-3600');
  await expect(as(short).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
}, 120_000);
