/** Data under the data directory survives a restart of the whole stack, as `.local/` does for `npm start`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { customerClients } from '../support/sdk-volume';

const dataDir = mkdtempSync(join(tmpdir(), 'vg-restart-'));
let second: TestStack | undefined;
afterAll(() => second?.close());

it('keeps accounts, keys, buckets, objects, roles, role sessions and issuer keys across a restart', async () => {
  const first = await startTestStack({ dataDir });
  // The customer's side with their own keys and the SDK (the claim is what survives, not the aws cli).
  const before = customerClients(first);
  await before.s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
  await before.s3.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'a/kept.txt', Body: 'still here\n' }));
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: [first.info.gatewayPrincipalArn, 'arn:aws:iam::111111111111:root'] }, Action: 'sts:AssumeRole' },
    ],
  });
  await before.iam.send(new CreateRoleCommand({ RoleName: 'Kept', AssumeRolePolicyDocument: trust }));
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
  before.s3.destroy();
  before.iam.destroy();
  await first.close();

  second = await startTestStack({ dataDir });
  expect(second.info.customers).toEqual(keys);
  const after = customerClients(second);
  const kept = await after.s3.send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'a/kept.txt' }));
  expect(await kept.Body!.transformToString()).toBe('still here\n');
  expect((await after.iam.send(new GetRoleCommand({ RoleName: 'Kept' }))).Role!.Arn).toBe('arn:aws:iam::111111111111:role/Kept');
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
