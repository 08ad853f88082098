/**
 * The real local stack with one volume, set up as a customer would but with the SDK instead of /usr/bin/aws
 * (seconds faster): alice's read-write volume `reads` (bucket `lab`, prefix `data`) holding `big.bin` (1 MiB),
 * her gateway key and her token. Every server of the stack can be asked a normal request (`everyServerAnswers`).
 */
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { expect } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

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
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const customer = stack.info.customers[0]!;
  const common = { region: 'us-east-1', endpoint: stack.info.awsEndpoint, credentials: customer, maxAttempts: 1 };
  const iam = new IAMClient(common);
  await new S3Client({ ...common, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'lab' }));
  const placeholder = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${customer.accountId}:root` }, Action: 'sts:AssumeRole' }] });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'role-reads', AssumeRolePolicyDocument: placeholder }));
  const created = await api('POST', '/volumes', { name: VOLUME, bucket: 'lab', prefix: 'data', region: 'us-east-1', accessMode: 'read-write', auth: { type: 'role', roleArn: role.Role!.Arn } });
  expect(created.status).toBe(201);
  const { trustPolicy, permissionsPolicy } = created.body.setup;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'role-reads', PolicyDocument: JSON.stringify(trustPolicy) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'role-reads', PolicyName: 'volume-reads', PolicyDocument: JSON.stringify(permissionsPolicy) }));
  expect((await api('POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');
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
  const identity = await new STSClient({ region: 'us-east-1', endpoint: info.awsEndpoint, credentials: customer, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
  expect(identity.Account).toBe(customer.accountId);
  expect((await fetch(`${info.issuer}/.well-known/openid-configuration`)).status).toBe(200);
}
