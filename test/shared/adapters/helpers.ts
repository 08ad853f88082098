/**
 * What the adapter tests share: our service's own DynamoDB and STS clients on the local stack (a
 * session of the platform role, as a deployed Lambda has), a port nothing listens on, and a customer
 * role set up with /usr/bin/aws as a customer would, and the customer's own S3 client to look at their bucket.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
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

/** Creates a role in customer 0's account with /usr/bin/aws; returns its ARN. */
export async function createCustomerRole(
  stack: TestStack,
  roleName: string,
  trust: object,
  permissions?: object,
  maxSessionSeconds = 3600,
): Promise<string> {
  const customer = stack.customerEnv(0);
  const trustFile = join(stack.dataDir, `${roleName}-trust.json`);
  writeFileSync(trustFile, JSON.stringify(trust));
  const created = JSON.parse(
    await stack.aws(
      customer,
      'iam',
      'create-role',
      '--role-name',
      roleName,
      '--max-session-duration',
      String(maxSessionSeconds),
      '--assume-role-policy-document',
      `file://${trustFile}`,
    ),
  );
  if (permissions) {
    const permissionsFile = join(stack.dataDir, `${roleName}-permissions.json`);
    writeFileSync(permissionsFile, JSON.stringify(permissions));
    await stack.aws(
      customer,
      'iam',
      'put-role-policy',
      '--role-name',
      roleName,
      '--policy-name',
      'volume',
      '--policy-document',
      `file://${permissionsFile}`,
    );
  }
  return created.Role.Arn as string;
}

/** The first customer's S3 client with their own keys: what their bucket holds, seen as they see it. */
export function customerS3Client(stack: TestStack): S3Client {
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  return new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}
