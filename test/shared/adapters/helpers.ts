/**
 * What the adapter tests share: our service's own DynamoDB and STS clients on the local stack (a
 * session of the platform role, as a deployed Lambda has), a port nothing listens on, and a customer's role
 * and bucket set up with the SDK (the aws cli's own runs of such setup are volume-story's and the guides'), and the
 * customer's own S3 client to look at their bucket.
 */
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { loadServerlessModel } from '../../../local/serverless-model';
import type { TestStack } from '../../support/local-stack';

export function localTables(): { volumes: string; audit: string } {
  const model = loadServerlessModel('serverless.yml', { stage: 'local' });
  const name = (logicalId: string) => model.tables.find((t) => t.logicalId === logicalId)!.tableName;
  return { volumes: name('VolumesTable'), audit: name('AuditTable') };
}

function gatewayCredentials(stack: TestStack, sessionName: string) {
  const session = stack.accounts.mintRoleSession(stack.info.gatewayPrincipalArn, { sessionName, durationSeconds: 3600 });
  return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
}

export function gatewayDynamo(stack: TestStack): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    credentials: gatewayCredentials(stack, 'adapter-test'),
  });
}

/** An STS client factory as the issuer takes it: our service's session, the local endpoint. */
export function gatewaySts(stack: TestStack): (region: string) => STSClient {
  const credentials = gatewayCredentials(stack, 'adapter-test');
  return (region) => new STSClient({ endpoint: stack.info.awsEndpoint, region, credentials });
}

/** A loopback port that was free a moment ago and that nothing listens on: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function trustRequiringExternalId(
  stack: TestStack,
  externalId: string,
  actions = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: stack.info.gatewayPrincipalArn },
        Action: actions,
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/** Customer `index`'s IAM client on the local endpoint, with their own keys. */
export function customerIam(stack: TestStack, index = 0): IAMClient {
  const { accessKeyId, secretAccessKey } = stack.info.customers[index]!;
  return new IAMClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: { accessKeyId, secretAccessKey } });
}

/** Creates a role in customer 0's account (the SDK: these tests are about our adapters, not the aws cli); its ARN. */
export async function createCustomerRole(
  stack: TestStack,
  roleName: string,
  trust: object,
  permissions?: object,
  maxSessionSeconds = 3600,
): Promise<string> {
  const iam = customerIam(stack);
  const created = await iam.send(
    new CreateRoleCommand({ RoleName: roleName, MaxSessionDuration: maxSessionSeconds, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  if (permissions)
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'volume', PolicyDocument: JSON.stringify(permissions) }));
  iam.destroy();
  return created.Role!.Arn!;
}

/** Makes `bucket` in customer `index`'s account and puts `objects` (key to body) in it, as that customer. */
export async function customerBucket(stack: TestStack, bucket: string, objects: Record<string, string> = {}, index = 0): Promise<void> {
  const s3 = customerS3Client(stack, index);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await Promise.all(Object.entries(objects).map(([Key, Body]) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))));
  s3.destroy();
}

/** A customer's S3 client with their own keys (the first's by default): what their bucket holds, seen as they see it. */
export function customerS3Client(stack: TestStack, index = 0): S3Client {
  const { accessKeyId, secretAccessKey } = stack.info.customers[index]!;
  return new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}
