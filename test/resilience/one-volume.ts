/**
 * The real local stack with one volume, set up as a customer would but with the SDK instead of /usr/bin/aws
 * (seconds faster): alice's read-write volume `reads` (bucket `lab`, prefix `data`) holding `big.bin` (1 MiB),
 * her gateway key and her token. Every server of the stack can be asked a normal request (`everyServerAnswers`).
 */
import { ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expect } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { apiAs, registerSdkVolume } from '../support/sdk-volume';

export const VOLUME = 'reads';
export const BIG_KEY = 'big.bin';
export const BIG_BYTES = 1024 * 1024;

export interface OneVolume {
  stack: TestStack;
  token: string;
  key: { accessKeyId: string; secretAccessKey: string };
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** An S3 client of alice's on `endpoint` (a proxy front), with her gateway key. */
  s3(endpoint: string): S3Client;
}

export async function startOneVolume(): Promise<OneVolume> {
  const stack = await startTestStack();
  const token = stack.token({ sub: 'alice' });
  const api = apiAs(stack, token);
  await registerSdkVolume(stack, api, { name: VOLUME, bucket: 'lab', prefix: 'data', roleName: 'role-reads', policyName: 'volume-reads' });
  const key = await api('POST', '/access-keys', {});
  expect(key.status).toBe(201);
  const world: OneVolume = {
    stack,
    token,
    key: { accessKeyId: key.body.accessKeyId, secretAccessKey: key.body.secretAccessKey },
    api,
    s3: (endpoint) => new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, maxAttempts: 1, credentials: world.key }),
  };
  await world.s3(stack.info.nodeProxyUrl).send(new PutObjectCommand({ Bucket: VOLUME, Key: BIG_KEY, Body: Buffer.alloc(BIG_BYTES, 7) }));
  return world;
}

/** A normal request to every server of the stack answers as it should. */
export async function everyServerAnswers(world: OneVolume): Promise<void> {
  const { info } = world.stack;
  expect((await fetch(`${info.apiUrl}/health`)).status).toBe(200);
  expect((await world.api('GET', '/volumes')).status).toBe(200);
  for (const front of [info.proxyUrl, info.nodeProxyUrl]) {
    const listed = await world.s3(front).send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((bucket) => bucket.Name)).toContain(VOLUME);
  }
  const customer = info.customers[0]!;
  const identity = await new STSClient({ region: 'us-east-1', endpoint: info.awsEndpoint, credentials: customer, maxAttempts: 1 }).send(
    new GetCallerIdentityCommand({}),
  );
  expect(identity.Account).toBe(customer.accountId);
  expect((await fetch(`${info.issuer}/.well-known/openid-configuration`)).status).toBe(200);
}
