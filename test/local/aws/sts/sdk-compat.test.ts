// The AWS SDK for JavaScript v3 must read what the local IAM and STS answer. The SDK's own request handler is
// replaced by one that hands the request to the service's handle(), resolving the caller from the access key
// in the Authorization header (a stand-in for the endpoint's SigV4 dispatcher, which is not under test here).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, PackedPolicyTooLargeException, STSClient } from '@aws-sdk/client-sts';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS } from '../../../../local/aws/iam/seed';
import type { AwsResponse } from '../../../../local/aws/types';
import { doc, localAws, request, trustPolicy } from '../iam/fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];

function clients() {
  const aws = localAws();
  const handlerFor = (service: { handle: (req: any, form: URLSearchParams) => Promise<AwsResponse> }) => ({
    async handle(req: HttpRequest) {
      const key = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
      const caller = key ? (aws.store.lookup(key)?.caller ?? null) : null;
      const { req: awsReq, form } = request(caller, Object.fromEntries(new URLSearchParams(String(req.body))));
      const res = await service.handle(awsReq, form);
      return {
        response: new HttpResponse({
          statusCode: res.status,
          headers: res.headers ?? {},
          body: Readable.from([Buffer.from(String(res.body))]),
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  });
  const seededKey = aws.seeded.customers[0]!;
  const credentials = { accessKeyId: seededKey.accessKeyId, secretAccessKey: seededKey.secretAccessKey };
  const common = { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', credentials, maxAttempts: 1 };
  return {
    aws,
    iam: new IAMClient({ ...common, requestHandler: handlerFor(aws.iam) as any }),
    sts: new STSClient({ ...common, requestHandler: handlerFor(aws.sts) as any }),
  };
}

describe('the AWS SDK reads the local IAM and STS', () => {
  it('GetCallerIdentity, CreateRole, PutRolePolicy, GetRole, GetRolePolicy and AssumeRole', async () => {
    const { iam, sts } = clients();
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: ACCT, Arn: `arn:aws:iam::${ACCT}:user/admin` });
    const trust = trustPolicy({ AWS: `arn:aws:iam::${ACCT}:user/admin` }, {}, ['sts:AssumeRole', 'sts:TagSession']);
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'sdk', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'a', Value: 'b' }] }),
    );
    expect(created.Role).toMatchObject({
      RoleName: 'sdk',
      Arn: `arn:aws:iam::${ACCT}:role/sdk`,
      Path: '/',
      Tags: [{ Key: 'a', Value: 'b' }],
    });
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);
    const policy = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'sdk', PolicyName: 'p', PolicyDocument: policy }));
    const role = await iam.send(new GetRoleCommand({ RoleName: 'sdk' }));
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toBe(trust);
    expect(role.Role?.MaxSessionDuration).toBe(3600);
    expect(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'sdk', PolicyName: 'p' }))).PolicyDocument!)).toBe(
      policy,
    );
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/sdk`, RoleSessionName: 'sdk-session', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/sdk/sdk-session`);
    expect(assumed.PackedPolicySize).toBeGreaterThan(0);
  });

  it('errors arrive as the SDK’s typed exceptions with AWS’s codes and messages', async () => {
    const { iam, sts } = clients();
    await expect(iam.send(new GetRoleCommand({ RoleName: 'ghost' }))).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'ghost' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name ghost cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/ghost`, RoleSessionName: 'xy' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const trust = trustPolicy({ AWS: ACCT }, {}, ['sts:AssumeRole', 'sts:TagSession']);
    await iam.send(new CreateRoleCommand({ RoleName: 'packed', AssumeRolePolicyDocument: trust }));
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `key-${i}`, Value: createHash('sha256').update(String(i)).digest('hex') }));
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/packed`, RoleSessionName: 'xy', Tags: tags })),
    ).rejects.toBeInstanceOf(PackedPolicyTooLargeException);
  });
});
