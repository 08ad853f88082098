import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS, PLATFORM_ACCOUNT_ID } from '../../../../local/aws/iam/seed';
import type { Caller } from '../../../../local/aws/types';
import { doc, localAws, trustPolicy } from './fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const PLATFORM_ROLE = `arn:aws:iam::${PLATFORM_ACCOUNT_ID}:role/volume-gateway`;
const READ = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] });

async function withRole() {
  const aws = localAws();
  const created = await aws.callIam(aws.admin(), {
    Action: 'CreateRole',
    RoleName: 'reader',
    Path: '/vg/',
    Description: 'Reads data <& more>',
    AssumeRolePolicyDocument: trustPolicy({ AWS: PLATFORM_ROLE }),
    MaxSessionDuration: '7200',
    'Tags.member.1.Key': 'team',
    'Tags.member.1.Value': 'blue',
  });
  return { ...aws, created };
}

function limitedUser(aws: ReturnType<typeof localAws>, statements: unknown[]): Caller {
  aws.store.users.create(ACCT, 'limited');
  aws.store.users.putPolicy(ACCT, 'limited', 'p', doc({ Version: '2012-10-17', Statement: statements }));
  return aws.callerOf(aws.store.users.createAccessKey(ACCT, 'limited').accessKeyId);
}

describe('local IAM service', () => {
  it('CreateRole returns the role with its ARN (path included), AROA id and URL-encoded trust policy', async () => {
    const { created } = await withRole();
    expect(created.status).toBe(200);
    const role = created.result.Role;
    expect(role.Arn).toBe(`arn:aws:iam::${ACCT}:role/vg/reader`);
    expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(role.MaxSessionDuration).toBe('7200');
    expect(role.Description).toBe('Reads data <& more>');
    expect(decodeURIComponent(role.AssumeRolePolicyDocument)).toBe(trustPolicy({ AWS: PLATFORM_ROLE }));
    expect(role.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(role.Tags.member).toEqual([{ Key: 'team', Value: 'blue' }]);
    expect(created.raw).toContain('<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
  });

  it('CreateRole twice: EntityAlreadyExists, names compared case-insensitively', async () => {
    const aws = await withRole();
    const again = await aws.callIam(aws.admin(), {
      Action: 'CreateRole',
      RoleName: 'READER',
      AssumeRolePolicyDocument: trustPolicy({ AWS: ACCT }),
    });
    expect(again.status).toBe(409);
    expect(again.error).toEqual({ Type: 'Sender', Code: 'EntityAlreadyExists', Message: 'Role with name READER already exists.' });
  });

  it('GetRole of a missing role: NoSuchEntity 404', async () => {
    const aws = localAws();
    const res = await aws.callIam(aws.admin(), { Action: 'GetRole', RoleName: 'ghost' });
    expect(res.status).toBe(404);
    expect(res.error).toMatchObject({ Code: 'NoSuchEntity', Message: 'The role with name ghost cannot be found.' });
  });

  it('an unauthorized caller gets AccessDenied in AWS’s words', async () => {
    const aws = localAws();
    const caller = limitedUser(aws, [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }]);
    const res = await aws.callIam(caller, { Action: 'CreateRole', RoleName: 'x', AssumeRolePolicyDocument: trustPolicy({ AWS: ACCT }) });
    expect(res.status).toBe(403);
    expect(res.error?.Message).toBe(
      `User: arn:aws:iam::${ACCT}:user/limited is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/x ` +
        `because no identity-based policy allows the iam:CreateRole action`,
    );
  });

  it('CreateRole with tags also needs iam:TagRole', async () => {
    const aws = localAws();
    const caller = limitedUser(aws, [{ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' }]);
    const res = await aws.callIam(caller, {
      Action: 'CreateRole',
      RoleName: 'x',
      AssumeRolePolicyDocument: trustPolicy({ AWS: ACCT }),
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': 'b',
    });
    expect(res.error?.Message).toContain('iam:TagRole');
  });

  it('validates names, paths, durations and policies with AWS’s errors', async () => {
    const aws = localAws();
    const call = (params: Record<string, string>) =>
      aws.callIam(aws.admin(), { Action: 'CreateRole', RoleName: 'ok', AssumeRolePolicyDocument: trustPolicy({ AWS: ACCT }), ...params });
    expect((await call({ RoleName: 'bad name' })).error).toMatchObject({
      Code: 'ValidationError',
      Message: expect.stringContaining("at 'roleName' failed to satisfy constraint"),
    });
    expect((await call({ Path: 'noslash' })).error?.Code).toBe('ValidationError');
    expect((await call({ MaxSessionDuration: '43201' })).error?.Message).toContain('less than or equal to 43200');
    expect((await call({ MaxSessionDuration: '3599' })).error?.Message).toContain('greater than or equal to 3600');
    expect(
      (
        await call({
          AssumeRolePolicyDocument:
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",' +
            '"Principal":{"AWS":"arn:aws:iam::111111111111:role/nope"}}]}',
        })
      ).error,
    ).toMatchObject({
      Code: 'MalformedPolicyDocument',
      Message: 'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/nope"',
    });
    expect((await call({ PermissionsBoundary: 'arn:aws:iam::aws:policy/x' })).error?.Message).toContain(
      'PermissionsBoundary is not supported',
    );
  });

  it('a trust policy over 2,048 characters (white space aside) is LimitExceeded', async () => {
    const aws = localAws();
    const principals = Array.from({ length: 80 }, (_, i) => `arn:aws:iam::9999999999${String(i).padStart(2, '0')}:root`);
    const res = await aws.callIam(aws.admin(), {
      Action: 'CreateRole',
      RoleName: 'big',
      AssumeRolePolicyDocument: trustPolicy({ AWS: principals }),
    });
    expect(res.error).toMatchObject({ Code: 'LimitExceeded', Message: 'Cannot exceed quota for ACLSizePerRole: 2048' });
  });

  it('PutRolePolicy, GetRolePolicy (URL-encoded), ListRolePolicies, DeleteRolePolicy', async () => {
    const aws = await withRole();
    const admin = aws.admin();
    expect(
      (await aws.callIam(admin, { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'read', PolicyDocument: READ })).status,
    ).toBe(200);
    const got = await aws.callIam(admin, { Action: 'GetRolePolicy', RoleName: 'reader', PolicyName: 'read' });
    expect(got.result).toMatchObject({ RoleName: 'reader', PolicyName: 'read' });
    expect(decodeURIComponent(got.result.PolicyDocument)).toBe(READ);
    expect((await aws.callIam(admin, { Action: 'ListRolePolicies', RoleName: 'reader' })).result.PolicyNames.member).toEqual(['read']);
    expect((await aws.callIam(admin, { Action: 'DeleteRolePolicy', RoleName: 'reader', PolicyName: 'read' })).status).toBe(200);
    expect((await aws.callIam(admin, { Action: 'GetRolePolicy', RoleName: 'reader', PolicyName: 'read' })).error).toMatchObject({
      Code: 'NoSuchEntity',
      Message: 'The role policy with name read cannot be found.',
    });
  });

  it('PutRolePolicy with a malformed document: MalformedPolicyDocument naming the problem', async () => {
    const aws = await withRole();
    const res = await aws.callIam(aws.admin(), {
      Action: 'PutRolePolicy',
      RoleName: 'reader',
      PolicyName: 'p',
      PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}',
    });
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({ Code: 'MalformedPolicyDocument', Message: 'Policy statement must contain resources.' });
  });

  it('inline policies of a role may total 10,240 characters: LimitExceeded beyond', async () => {
    const aws = await withRole();
    const big = (n: number) =>
      doc({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${i}/some/long/prefix/*`),
          },
        ],
      });
    expect(
      (await aws.callIam(aws.admin(), { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'a', PolicyDocument: big(120) })).status,
    ).toBe(200);
    const res = await aws.callIam(aws.admin(), { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'b', PolicyDocument: big(120) });
    expect(res.error).toMatchObject({ Code: 'LimitExceeded', Message: 'Maximum policy size of 10240 bytes exceeded for role reader' });
  });

  it('DeleteRole is a DeleteConflict while inline policies remain', async () => {
    const aws = await withRole();
    await aws.callIam(aws.admin(), { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'read', PolicyDocument: READ });
    const conflict = await aws.callIam(aws.admin(), { Action: 'DeleteRole', RoleName: 'reader' });
    expect(conflict.status).toBe(409);
    expect(conflict.error).toMatchObject({ Code: 'DeleteConflict', Message: 'Cannot delete entity, must delete policies first.' });
    await aws.callIam(aws.admin(), { Action: 'DeleteRolePolicy', RoleName: 'reader', PolicyName: 'read' });
    expect((await aws.callIam(aws.admin(), { Action: 'DeleteRole', RoleName: 'reader' })).status).toBe(200);
    expect(aws.store.roles.get(ACCT, 'reader')).toBeUndefined();
  });

  it('UpdateRole, UpdateAssumeRolePolicy, TagRole, UntagRole, ListRoleTags', async () => {
    const aws = await withRole();
    const admin = aws.admin();
    await aws.callIam(admin, { Action: 'UpdateRole', RoleName: 'reader', MaxSessionDuration: '43200', Description: 'new' });
    await aws.callIam(admin, { Action: 'UpdateAssumeRolePolicy', RoleName: 'reader', PolicyDocument: trustPolicy({ AWS: ACCT }) });
    await aws.callIam(admin, {
      Action: 'TagRole',
      RoleName: 'reader',
      'Tags.member.1.Key': 'TEAM',
      'Tags.member.1.Value': 'red',
      'Tags.member.2.Key': 'env',
      'Tags.member.2.Value': 'dev',
    });
    await aws.callIam(admin, { Action: 'UntagRole', RoleName: 'reader', 'TagKeys.member.1': 'env' });
    const role = (await aws.callIam(admin, { Action: 'GetRole', RoleName: 'reader' })).result.Role;
    expect(role).toMatchObject({ MaxSessionDuration: '43200', Description: 'new' });
    expect(decodeURIComponent(role.AssumeRolePolicyDocument)).toBe(trustPolicy({ AWS: ACCT }));
    expect((await aws.callIam(admin, { Action: 'ListRoleTags', RoleName: 'reader' })).result.Tags.member).toEqual([
      { Key: 'TEAM', Value: 'red' },
    ]);
  });

  it('duplicate tag keys (differing in case) are InvalidInput', async () => {
    const aws = await withRole();
    const res = await aws.callIam(aws.admin(), {
      Action: 'TagRole',
      RoleName: 'reader',
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': '1',
      'Tags.member.2.Key': 'A',
      'Tags.member.2.Value': '2',
    });
    expect(res.error).toMatchObject({
      Code: 'InvalidInput',
      Message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    });
  });

  it('OIDC providers: create, get (Url without scheme), list, duplicate, delete', async () => {
    const aws = localAws();
    const admin = aws.admin();
    const created = await aws.callIam(admin, {
      Action: 'CreateOpenIDConnectProvider',
      Url: 'https://id.example.org/realms/x',
      'ClientIDList.member.1': 'volume-gateway',
      'ThumbprintList.member.1': 'a'.repeat(40),
    });
    const arn = `arn:aws:iam::${ACCT}:oidc-provider/id.example.org/realms/x`;
    expect(created.result.OpenIDConnectProviderArn).toBe(arn);
    const got = await aws.callIam(admin, { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn });
    expect(got.result).toMatchObject({
      Url: 'id.example.org/realms/x',
      ClientIDList: { member: ['volume-gateway'] },
      ThumbprintList: { member: ['a'.repeat(40)] },
    });
    expect((await aws.callIam(admin, { Action: 'ListOpenIDConnectProviders' })).result.OpenIDConnectProviderList.member).toEqual([
      { Arn: arn },
    ]);
    const dup = await aws.callIam(admin, { Action: 'CreateOpenIDConnectProvider', Url: 'https://id.example.org/realms/x' });
    expect(dup.error).toMatchObject({
      Code: 'EntityAlreadyExists',
      Message: 'Provider with url https://id.example.org/realms/x already exists.',
    });
    expect((await aws.callIam(admin, { Action: 'DeleteOpenIDConnectProvider', OpenIDConnectProviderArn: arn })).status).toBe(200);
    expect((await aws.callIam(admin, { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn })).error?.Code).toBe(
      'NoSuchEntity',
    );
  });

  it('OIDC providers: AddClientID lists a new client id once (idempotent), for an existing provider only', async () => {
    const aws = localAws();
    const admin = aws.admin();
    await aws.callIam(admin, { Action: 'CreateOpenIDConnectProvider', Url: 'https://id.example.org', 'ClientIDList.member.1': 'cli' });
    const arn = `arn:aws:iam::${ACCT}:oidc-provider/id.example.org`;
    const add = (ClientID: string, OpenIDConnectProviderArn = arn) =>
      aws.callIam(admin, { Action: 'AddClientIDToOpenIDConnectProvider', OpenIDConnectProviderArn, ClientID });
    expect((await add('console')).status).toBe(200);
    expect((await add('console')).status).toBe(200);
    expect((await add('cli')).status).toBe(200);
    const got = await aws.callIam(admin, { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn });
    expect(got.result.ClientIDList.member).toEqual(['cli', 'console']);
    expect((await add('console', `arn:aws:iam::${ACCT}:oidc-provider/other.example.org`)).error?.Code).toBe('NoSuchEntity');
    expect((await add('')).error?.Code).toBe('ValidationError');
  });

  it('OIDC provider URLs must be https, except on loopback', async () => {
    const aws = localAws();
    const create = (Url: string) => aws.callIam(aws.admin(), { Action: 'CreateOpenIDConnectProvider', Url });
    expect((await create('http://id.example.org')).error?.Code).toBe('ValidationError');
    expect((await create('http://127.0.0.1:9000/issuer')).result.OpenIDConnectProviderArn).toBe(
      `arn:aws:iam::${ACCT}:oidc-provider/127.0.0.1:9000/issuer`,
    );
  });

  it('another account’s provider is not visible', async () => {
    const aws = localAws();
    await aws.callIam(aws.admin(0), { Action: 'CreateOpenIDConnectProvider', Url: 'https://id.example.org' });
    const res = await aws.callIam(aws.admin(1), {
      Action: 'GetOpenIDConnectProvider',
      OpenIDConnectProviderArn: `arn:aws:iam::${ACCT}:oidc-provider/id.example.org`,
    });
    expect(res.error?.Code).toBe('NoSuchEntity');
  });

  it('GetUser for the caller, and ValidationError for a role session without UserName', async () => {
    const aws = localAws();
    const me = await aws.callIam(aws.admin(), { Action: 'GetUser' });
    expect(me.result.User).toMatchObject({ UserName: 'admin', Arn: `arn:aws:iam::${ACCT}:user/admin`, Path: '/' });
    expect(me.result.User.UserId).toMatch(/^AIDA/);
    const session = aws.seeded.mintRoleSession(aws.seeded.platform.roleArn, { sessionName: 'svc' });
    const res = await aws.callIam(session.caller, { Action: 'GetUser' });
    expect(res.error).toMatchObject({ Code: 'ValidationError', Message: 'Must specify userName when calling with non-User credentials' });
  });

  it('unknown actions are InvalidAction; anonymous requests are refused', async () => {
    const aws = localAws();
    const res = await aws.callIam(aws.admin(), { Action: 'CreateGroup' });
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({ Code: 'InvalidAction', Message: 'Could not find operation CreateGroup for version 2010-05-08' });
    expect((await aws.callIam(null, { Action: 'GetRole', RoleName: 'x' })).error?.Code).toBe('MissingAuthenticationToken');
  });
});
