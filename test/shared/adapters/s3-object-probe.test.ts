/**
 * The S3 probe against the local S3, with credentials of a customer's role that our service assumed
 * (the role and bucket set up by the customer, with the SDK), as a verification does it. What the bucket holds
 * afterwards is listed as the customer with the JS SDK (these checks are about the probe, not the aws cli).
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectProbe } from '../../../shared/adapters/s3-object-probe';
import { createStsCredentialIssuer } from '../../../shared/adapters/sts-credential-issuer';
import { type ObjectProbe, S3AccessDenied, type TemporaryCredentials } from '../../../shared/volumes/ports';
import { startTestStack, type TestStack } from '../../support/local-stack';
import { closedPort, createCustomerRole, customerBucket, customerS3Client, gatewaySts, trustRequiringExternalId } from './helpers';

let stack: TestStack;
let credentials: TemporaryCredentials;
let probe: ObjectProbe;
let assume: (policy?: string) => Promise<TemporaryCredentials>;
/** The customer's own view of the bucket. */
let customerS3: S3Client;
const bucket = 'probe-lab';
const otherAccountBucket = 'someone-elses-lab';
const EXTERNAL_ID = 'vg-9d2c4b7e1f3a5068';

beforeAll(async () => {
  stack = await startTestStack();
  await Promise.all([
    customerBucket(stack, bucket, { 'project/sample.txt': 'ACGT\n', 'private/other.txt': 'ACGT\n' }),
    customerBucket(stack, otherAccountBucket, {}, 1),
  ]);
  const roleArn = await createCustomerRole(stack, 'ProbeAccess', trustRequiringExternalId(stack, EXTERNAL_ID), {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`arn:aws:s3:::${bucket}/project/*`] },
    ],
  });
  const issuer = createStsCredentialIssuer({ client: gatewaySts(stack) });
  assume = (policy) =>
    issuer.assumeRole({
      roleArn,
      sessionName: 'vg-probe',
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
      region: stack.info.region,
      policy,
    });
  credentials = await assume();
  // No endpoint given: the SDK finds the local one in AWS_ENDPOINT_URL, as a deployed handler would find AWS's.
  probe = createS3ObjectProbe({ forcePathStyle: true });
  customerS3 = customerS3Client(stack);
}, 120_000);

afterAll(() => {
  customerS3?.destroy();
  return stack?.close();
});

const target = (key: string) => ({ bucket, key, region: stack.info.region });

async function denial(promise: Promise<unknown>): Promise<S3AccessDenied> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(S3AccessDenied);
  return error as S3AccessDenied;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await customerS3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

describe('within the role’s permissions', () => {
  it('lists the prefix, writes a probe object and deletes it', async () => {
    await probe.listPrefix(credentials, { bucket, prefix: 'project', region: stack.info.region });
    await probe.putObject(credentials, target('project/.volume-gateway-probe-1a2b'), 'probe');
    expect(await keysUnder('project/')).toContain('project/.volume-gateway-probe-1a2b');
    await probe.deleteObject(credentials, target('project/.volume-gateway-probe-1a2b'));
    expect(await keysUnder('project/')).toEqual(['project/sample.txt']);
  });

  it('lists the whole bucket when the prefix is empty', async () => {
    await expect(probe.listPrefix(credentials, { bucket, prefix: '', region: stack.info.region })).resolves.toBeUndefined();
  });

  it('lists the prefix as a folder (with its trailing slash), which is what a prefix-scoped policy allows', async () => {
    const scoped = await assume(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: `arn:aws:s3:::${bucket}`,
            Condition: { StringLike: { 's3:prefix': ['project/*'] } },
          },
        ],
      }),
    );
    await expect(probe.listPrefix(scoped, { bucket, prefix: 'project', region: stack.info.region })).resolves.toBeUndefined();
    expect(await denial(probe.listPrefix(scoped, { bucket, prefix: 'private', region: stack.info.region }))).toMatchObject({
      code: 'AccessDenied',
    });
    expect(await denial(probe.listPrefix(scoped, { bucket, prefix: '', region: stack.info.region }))).toMatchObject({
      code: 'AccessDenied',
    });
  });
});

describe('outside the role’s permissions', () => {
  it('refuses a write or a delete outside the prefix: S3AccessDenied(AccessDenied), and changes nothing', async () => {
    expect(await denial(probe.putObject(credentials, target('private/.volume-gateway-probe'), 'probe'))).toMatchObject({
      code: 'AccessDenied',
    });
    expect(await denial(probe.deleteObject(credentials, target('private/other.txt')))).toMatchObject({ code: 'AccessDenied' });
    expect(await keysUnder('private/')).toEqual(['private/other.txt']);
  });

  it('refuses another account’s bucket: S3AccessDenied(AccessDenied)', async () => {
    expect(
      await denial(probe.listPrefix(credentials, { bucket: otherAccountBucket, prefix: '', region: stack.info.region })),
    ).toMatchObject({ code: 'AccessDenied' });
  });

  it('reports a bucket that does not exist as S3AccessDenied with code NoSuchBucket', async () => {
    const error = await denial(
      probe.listPrefix(credentials, { bucket: 'no-such-lab-bucket', prefix: 'project', region: stack.info.region }),
    );
    expect(error.code).toBe('NoSuchBucket');
  });
});

describe('when S3 does not answer', () => {
  it('rejects with DependencyUnavailable (S3Unavailable), not a denial', async () => {
    const port = await closedPort();
    const unreachable = createS3ObjectProbe({ forcePathStyle: true, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    await expect(unreachable.listPrefix(credentials, { bucket, prefix: 'project', region: stack.info.region })).rejects.toMatchObject({
      status: 503,
      code: 'S3Unavailable',
      message: 'S3 did not answer; try again shortly.',
    });
  });

  it('passes an abort through as the abort it is', async () => {
    const error = await probe
      .listPrefix(credentials, { bucket, prefix: 'project', region: stack.info.region }, AbortSignal.abort())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
  });
});
