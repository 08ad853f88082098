/**
 * The local AWS is faithful where this project's security claims depend on it, shown with real
 * clients: /usr/bin/aws as a customer setting up a bucket and a role (the Tower document's steps),
 * the AWS SDK as our service assuming that role.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, type Credentials, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let customer: NodeJS.ProcessEnv;
let roleArn: string;
const EXTERNAL_ID = 'vg-ext-2f9c1d7e';
const bucket = 'lab-genomes';

function gatewaySts(): STSClient {
  const session = stack.accounts.mintRoleSession(stack.info.gatewayPrincipalArn, { sessionName: 'gateway-test', durationSeconds: 3600 });
  return new STSClient({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken },
  });
}

function s3With(credentials: Credentials, extra: { systemClockOffset?: number } = {}): S3Client {
  return new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: credentials.AccessKeyId!,
      secretAccessKey: credentials.SecretAccessKey!,
      sessionToken: credentials.SessionToken!,
    },
    ...extra,
  });
}

async function assume(input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) {
  return gatewaySts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'alice', ExternalId: EXTERNAL_ID, ...input }));
}

beforeAll(async () => {
  stack = await startTestStack();
  customer = stack.customerEnv(0);
  const dir = stack.dataDir;
  // The customer's side, as the Tower and Cavatica documents describe it, with the aws cli.
  // The bucket's steps and the role's run side by side (each /usr/bin/aws call is a second of Python start-up).
  writeFileSync(join(dir, 'sample.txt'), 'ACGT\n');
  const bucketReady = stack
    .aws(customer, 's3', 'mb', `s3://${bucket}`)
    .then(() =>
      Promise.all(
        ['project/sample.txt', 'private/other.txt'].map((key) =>
          stack.aws(customer, 's3', 'cp', join(dir, 'sample.txt'), `s3://${bucket}/${key}`),
        ),
      ),
    );
  writeFileSync(
    join(dir, 'trust.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: stack.info.gatewayPrincipalArn },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'permissions.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
      ],
    }),
  );
  const created = JSON.parse(
    await stack.aws(
      customer,
      'iam',
      'create-role',
      '--role-name',
      'VolumeGatewayAccess',
      '--assume-role-policy-document',
      `file://${join(dir, 'trust.json')}`,
    ),
  );
  roleArn = created.Role.Arn;
  await stack.aws(
    customer,
    'iam',
    'put-role-policy',
    '--role-name',
    'VolumeGatewayAccess',
    '--policy-name',
    'volume',
    '--policy-document',
    `file://${join(dir, 'permissions.json')}`,
  );
  await bucketReady;
}, 120_000);

afterAll(() => stack?.close());

describe('AssumeRole trust policy', () => {
  it('lets our service assume the customer role with the right external ID', async () => {
    const result = await assume();
    expect(result.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::111111111111:assumed-role/VolumeGatewayAccess/alice`);
    expect(result.Credentials?.SessionToken).toBeTruthy();
  });

  it('refuses a wrong external ID', async () => {
    await expect(assume({ ExternalId: 'someone-elses-id' })).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a missing external ID', async () => {
    await expect(assume({ ExternalId: undefined })).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses another account’s admin, whom the trust policy does not name', async () => {
    const other = stack.info.customers[1]!;
    const sts = new STSClient({
      endpoint: stack.info.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey },
    });
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mallory', ExternalId: EXTERNAL_ID })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses more than one hour when our own session assumes the role (role chaining)', async () => {
    await expect(assume({ DurationSeconds: 3601 })).rejects.toThrow(/chaining/i);
    const ok = await assume({ DurationSeconds: 3600 });
    const lifetime = ok.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
  });

  it('refuses a session policy over 2,048 characters', async () => {
    const padded = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'x'.repeat(2048), Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    await expect(assume({ Policy: padded })).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('role sessions against S3', () => {
  it('may do what the role allows and nothing in another account’s bucket', async () => {
    const { Credentials } = await assume();
    const s3 = s3With(Credentials!);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'project/sample.txt' }));
    expect(await object.Body!.transformToString()).toBe('ACGT\n');
    await stack.aws(stack.customerEnv(1), 's3', 'mb', 's3://other-lab-bucket');
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'other-lab-bucket' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('is narrowed by a session policy: only reads, only under the prefix', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/project/*` },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringLike: { 's3:prefix': ['project/*'] } },
        },
      ],
    });
    const { Credentials } = await assume({ Policy: policy });
    const s3 = s3With(Credentials!);
    expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'project/sample.txt' }))).ContentLength).toBe(5);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'project/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['project/sample.txt']);
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'private/other.txt' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'private/' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'project/new.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('answers ExpiredToken once temporary credentials have expired', async () => {
    const { Credentials } = await assume({ DurationSeconds: 900 });
    await s3With(Credentials!).send(new GetObjectCommand({ Bucket: bucket, Key: 'project/sample.txt' }));
    stack.advanceClock(901);
    try {
      const late = s3With(Credentials!, { systemClockOffset: stack.clockOffsetMs() });
      await expect(late.send(new GetObjectCommand({ Bucket: bucket, Key: 'project/sample.txt' }))).rejects.toMatchObject({
        name: 'ExpiredToken',
      });
    } finally {
      stack.advanceClock(-901);
    }
  });
});

describe('request signatures', () => {
  it('refuses the aws cli with a wrong secret key (SignatureDoesNotMatch)', async () => {
    await expect(
      stack.aws({ ...customer, AWS_SECRET_ACCESS_KEY: `wrong${customer.AWS_SECRET_ACCESS_KEY!.slice(5)}` }, 's3', 'ls', `s3://${bucket}`),
    ).rejects.toThrow(/SignatureDoesNotMatch/);
  });

  it('refuses an unknown access key id (InvalidAccessKeyId)', async () => {
    await expect(stack.aws({ ...customer, AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNUNKNOWN00' }, 's3', 'ls', `s3://${bucket}`)).rejects.toThrow(
      /InvalidAccessKeyId/,
    );
  });

  it('refuses IAM and STS calls signed with a wrong secret', async () => {
    await Promise.all([
      expect(
        stack.aws({ ...customer, AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) }, 'iam', 'get-role', '--role-name', 'VolumeGatewayAccess'),
      ).rejects.toThrow(/SignatureDoesNotMatch/),
      expect(stack.aws({ ...customer, AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) }, 'sts', 'get-caller-identity')).rejects.toThrow(
        /SignatureDoesNotMatch/,
      ),
    ]);
  });

  it('refuses a presigned URL whose signature was altered, and accepts the genuine one', async () => {
    const url = (await stack.aws(customer, 's3', 'presign', `s3://${bucket}/project/sample.txt`, '--expires-in', '300')).trim();
    expect(await (await fetch(url)).text()).toBe('ACGT\n');
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
