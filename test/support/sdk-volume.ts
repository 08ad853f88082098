/**
 * A caller of the API and a volume registered the way a customer registers one, with the SDK instead of
 * /usr/bin/aws (seconds faster; the aws cli's own run of the returned commands is in volume-story and the guides):
 * the customer makes the bucket and a role, the API returns the trust and permissions policies, the customer puts
 * them on the role, and `verify` must answer `active`.
 */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { TestStack } from './local-stack';

export type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** The API as the holder of `token` calls it: JSON in and out, the parsed body (undefined when empty). */
export function apiAs(stack: TestStack, token: string): ApiCall {
  return async (method, path, body) => {
    const response = await fetch(`${stack.info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The customer's (`stack.info.customers[0]`) S3 and IAM clients on the local AWS endpoint. */
export function customerClients(stack: TestStack): { s3: S3Client; iam: IAMClient; accountId: string } {
  const customer = stack.info.customers[0]!;
  const common = {
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey },
    maxAttempts: 1,
  };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), iam: new IAMClient(common), accountId: customer.accountId };
}

export interface SdkVolume {
  name: string;
  bucket: string;
  prefix: string;
  roleName: string;
  /** The inline policy's name on the role. */
  policyName: string;
}

/** Makes the bucket and role, registers the read-write volume through `api`, applies the policies, verifies; its id. */
export async function registerSdkVolume(stack: TestStack, api: ApiCall, volume: SdkVolume): Promise<string> {
  const { s3, iam, accountId } = customerClients(stack);
  await s3.send(new CreateBucketCommand({ Bucket: volume.bucket }));
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
  });
  const role = await iam.send(new CreateRoleCommand({ RoleName: volume.roleName, AssumeRolePolicyDocument: placeholder }));
  const created = await api('POST', '/volumes', {
    name: volume.name,
    bucket: volume.bucket,
    prefix: volume.prefix,
    region: 'us-east-1',
    accessMode: 'read-write',
    auth: { type: 'role', roleArn: role.Role!.Arn },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { trustPolicy, permissionsPolicy } = created.body.setup;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: volume.roleName, PolicyDocument: JSON.stringify(trustPolicy) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: volume.roleName,
      PolicyName: volume.policyName,
      PolicyDocument: JSON.stringify(permissionsPolicy),
    }),
  );
  expect((await api('POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');
  return created.body.id;
}
