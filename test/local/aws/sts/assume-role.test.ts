import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS, PLATFORM_ACCOUNT_ID } from '../../../../local/aws/iam/seed';
import type { Caller } from '../../../../local/aws/types';
import { doc, localAws, trustPolicy } from '../iam/fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const OTHER = CUSTOMER_ACCOUNT_IDS[1];
const ROLE = `arn:aws:iam::${ACCT}:role/data-access`;
const GATEWAY_ROLE = `arn:aws:iam::${PLATFORM_ACCOUNT_ID}:role/volume-gateway`;
const EXTERNAL_ID = 'vg-7f3a9c1e';
const S3_ALL = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

/** A customer role the platform's service may assume with an external id, and the service's own session. */
function setup(options: { trust?: string; maxSessionDuration?: number } = {}) {
  const aws = localAws();
  const trust = options.trust ?? trustPolicy({ AWS: GATEWAY_ROLE }, { Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } });
  aws.store.roles.create(ACCT, {
    roleName: 'data-access',
    path: '/',
    assumeRolePolicyDocument: trust,
    trustBindings: {},
    maxSessionDuration: options.maxSessionDuration ?? 3600,
    tags: [],
  });
  aws.store.roles.putPolicy(ACCT, 'data-access', 's3', S3_ALL);
  const service = aws.seeded.mintRoleSession(GATEWAY_ROLE, { sessionName: 'lambda', durationSeconds: 3600 }).caller;
  const assume = (caller: Caller | null, params: Record<string, string> = {}) =>
    aws.callSts(caller, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'alice', ExternalId: EXTERNAL_ID, ...params });
  return { ...aws, service, assume };
}

const denied = (who: string, action = 'sts:AssumeRole') => `User: ${who} is not authorized to perform: ${action} on resource: ${ROLE}`;
const SERVICE_ARN = `arn:aws:sts::${PLATFORM_ACCOUNT_ID}:assumed-role/volume-gateway/lambda`;

describe('STS AssumeRole', () => {
  it('with the right external id: credentials, the assumed-role user and an expiry', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { DurationSeconds: '900' });
    expect(res.status).toBe(200);
    expect(res.result.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/data-access/alice`);
    expect(res.result.AssumedRoleUser.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
    const creds = res.result.Credentials;
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.SecretAccessKey).toHaveLength(40);
    expect(new Date(creds.Expiration).getTime()).toBe(aws.time.now().getTime() + 900_000);
    expect(res.raw).not.toContain('PackedPolicySize');
    const record = aws.store.lookup(creds.AccessKeyId);
    expect(record).toMatchObject({
      sessionToken: creds.SessionToken,
      caller: { kind: 'assumed-role', isRoleSession: true, roleArn: ROLE, accountId: ACCT },
    });
  });

  it.each([
    ['a wrong external id', { ExternalId: 'vg-wrong' }],
    ['no external id', { ExternalId: undefined }],
  ])('with %s: AccessDenied', async (_name, params) => {
    const aws = setup();
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const res = await aws.callSts(aws.service, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'alice',
      ...('ExternalId' in clean ? clean : {}),
    });
    expect(res.status).toBe(403);
    expect(res.error).toEqual({ Type: 'Sender', Code: 'AccessDenied', Message: denied(SERVICE_ARN) });
  });

  it('a role that does not exist is refused exactly like one that does not trust the caller', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { RoleArn: `arn:aws:iam::${ACCT}:role/ghost` });
    expect(res.error).toMatchObject({
      Code: 'AccessDenied',
      Message: `User: ${SERVICE_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCT}:role/ghost`,
    });
  });

  it('role chaining beyond one hour is refused, saying so', async () => {
    const aws = setup({ maxSessionDuration: 43200 });
    const res = await aws.assume(aws.service, { DurationSeconds: '3601' });
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      Code: 'ValidationError',
      Message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
  });

  it('a user (not chaining) may ask for up to the role’s MaxSessionDuration, and no more', async () => {
    const aws = setup({ maxSessionDuration: 7200, trust: trustPolicy({ AWS: `arn:aws:iam::${ACCT}:user/admin` }) });
    const ok = await aws.assume(aws.admin(), { DurationSeconds: '7200' });
    expect(ok.status).toBe(200);
    const over = await aws.assume(aws.admin(), { DurationSeconds: '7201' });
    expect(over.error).toMatchObject({
      Code: 'ValidationError',
      Message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    const under = await aws.assume(aws.admin(), { DurationSeconds: '899' });
    expect(under.error?.Message).toContain(
      "at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  it('validates RoleSessionName: 2–64 of [\\w+=,.@-]', async () => {
    const aws = setup();
    expect((await aws.assume(aws.service, { RoleSessionName: 'a' })).error?.Message).toContain('have length greater than or equal to 2');
    expect((await aws.assume(aws.service, { RoleSessionName: 'a b' })).error?.Message).toContain('satisfy regular expression pattern');
    expect((await aws.assume(aws.service, { RoleSessionName: 'x'.repeat(65) })).error?.Code).toBe('ValidationError');
    expect((await aws.assume(aws.service, { ExternalId: 'a' })).error?.Message).toContain("at 'externalId'");
  });

  it('SourceIdentity is refused when the trust policy lacks sts:SetSourceIdentity', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { SourceIdentity: 'alice' });
    expect(res.error).toMatchObject({ Code: 'AccessDenied', Message: denied(SERVICE_ARN, 'sts:SetSourceIdentity') });
  });

  it('SourceIdentity is set when allowed, kept through chaining, and may not change', async () => {
    const trust = trustPolicy({ AWS: [GATEWAY_ROLE, ROLE] }, {}, ['sts:AssumeRole', 'sts:SetSourceIdentity']);
    const aws = setup({ trust });
    aws.store.roles.putPolicy(
      ACCT,
      'data-access',
      'chain',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: ROLE }] }),
    );
    const first = await aws.assume(aws.service, { SourceIdentity: 'alice@example.org' });
    expect(first.result.SourceIdentity).toBe('alice@example.org');
    const session = aws.callerOf(first.result.Credentials.AccessKeyId);
    expect(session.sourceIdentity).toBe('alice@example.org');
    const chained = await aws.assume(session, { RoleSessionName: 'again' });
    expect(chained.result.SourceIdentity).toBe('alice@example.org');
    const changed = await aws.assume(session, { RoleSessionName: 'again', SourceIdentity: 'mallory' });
    expect(changed.error).toMatchObject({ Code: 'ValidationError', Message: expect.stringContaining('SourceIdentity cannot be changed') });
  });

  it('session tags are refused when the trust policy lacks sts:TagSession', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { 'Tags.member.1.Key': 'project', 'Tags.member.1.Value': 'p1' });
    expect(res.error).toMatchObject({ Code: 'AccessDenied', Message: denied(SERVICE_ARN, 'sts:TagSession') });
  });

  it('session tags with sts:TagSession: on the session, transitive ones carried on and not overridable', async () => {
    const trust = trustPolicy({ AWS: [GATEWAY_ROLE, ROLE] }, {}, ['sts:AssumeRole', 'sts:TagSession']);
    const aws = setup({ trust });
    aws.store.roles.putPolicy(
      ACCT,
      'data-access',
      'chain',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: ROLE }] }),
    );
    const first = await aws.assume(aws.service, {
      'Tags.member.1.Key': 'project',
      'Tags.member.1.Value': 'p1',
      'Tags.member.2.Key': 'volume',
      'Tags.member.2.Value': 'v9',
      'TransitiveTagKeys.member.1': 'project',
    });
    expect(first.status).toBe(200);
    expect(Number(first.result.PackedPolicySize)).toBeGreaterThan(0);
    const session = aws.callerOf(first.result.Credentials.AccessKeyId);
    expect(session.tags).toEqual({ project: 'p1', volume: 'v9' });
    const chained = aws.callerOf((await aws.assume(session, { RoleSessionName: 'next' })).result.Credentials.AccessKeyId);
    expect(chained.tags).toEqual({ project: 'p1' });
    const override = await aws.assume(session, { RoleSessionName: 'next', 'Tags.member.1.Key': 'PROJECT', 'Tags.member.1.Value': 'p2' });
    expect(override.error?.Message).toContain('transitive tag');
  });

  it('more than 50 session tags is a ValidationError', async () => {
    const aws = setup();
    const tags = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [
        [`Tags.member.${i + 1}.Key`, `k${i}`],
        [`Tags.member.${i + 1}.Value`, 'v'],
      ]).flat(),
    );
    expect((await aws.assume(aws.service, tags)).error?.Message).toContain('have length less than or equal to 50');
  });

  it('a session policy of 2,049 characters is refused; one of 2,048 is accepted', async () => {
    const aws = setup();
    const policyOf = (length: number) => {
      const base = doc({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Pad', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/' }],
      });
      const pad = 'x'.repeat(length - base.length);
      return base.replace('data/', `data/${pad}`);
    };
    expect(policyOf(2049)).toHaveLength(2049);
    const res = await aws.assume(aws.service, { Policy: policyOf(2049) });
    expect(res.error).toMatchObject({
      Code: 'ValidationError',
      Message: expect.stringContaining("at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"),
    });
    const ok = await aws.assume(aws.service, { Policy: policyOf(2048) });
    expect(ok.status).toBe(200);
    expect(Number(ok.result.PackedPolicySize)).toBeLessThan(100);
  });

  it('a malformed session policy is MalformedPolicyDocument', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}' });
    expect(res.error).toMatchObject({ Code: 'MalformedPolicyDocument', Message: 'Policy statement must contain resources.' });
  });

  it('managed session policies (PolicyArns) are refused, not ignored', async () => {
    const aws = setup();
    const res = await aws.assume(aws.service, { 'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    expect(res.error?.Message).toContain('PolicyArns (managed session policies) is not supported');
  });

  it('a session policy narrows the new session', async () => {
    const aws = setup();
    const policy = doc({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/alice/*' }],
    });
    const res = await aws.assume(aws.service, { Policy: policy });
    const session = aws.callerOf(res.result.Credentials.AccessKeyId);
    expect(session.sessionPolicy).toBe(policy);
    expect(aws.authorize(session, 's3:GetObject', 'arn:aws:s3:::data/alice/f').allowed).toBe(true);
    expect(aws.authorize(session, 's3:PutObject', 'arn:aws:s3:::data/alice/f').allowed).toBe(false);
    expect(aws.authorize(session, 's3:GetObject', 'arn:aws:s3:::data/bob/f').allowed).toBe(false);
  });

  it('cross-account: refused when the caller’s own policy lacks sts:AssumeRole, though the trust policy names its account', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: OTHER }) });
    aws.store.users.create(OTHER, 'dev');
    const dev = aws.callerOf(aws.store.users.createAccessKey(OTHER, 'dev').accessKeyId);
    const res = await aws.assume(dev);
    expect(res.error).toMatchObject({
      Code: 'AccessDenied',
      Message: `${denied(`arn:aws:iam::${OTHER}:user/dev`)} because no identity-based policy allows the sts:AssumeRole action`,
    });
    aws.store.users.putPolicy(
      OTHER,
      'dev',
      'assume',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE }] }),
    );
    expect((await aws.assume(dev)).status).toBe(200);
  });

  it('cross-account: refused even when the trust policy names the caller itself, without its own permission', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: `arn:aws:iam::${OTHER}:user/admin` }) });
    aws.store.users.create(OTHER, 'dev');
    const trust = trustPolicy({ AWS: `arn:aws:iam::${OTHER}:user/dev` });
    aws.store.roles.setTrustPolicy(ACCT, 'data-access', trust, {});
    const dev = aws.callerOf(aws.store.users.createAccessKey(OTHER, 'dev').accessKeyId);
    expect((await aws.assume(dev)).error?.Code).toBe('AccessDenied');
  });

  it('same account: a trust policy naming the user suffices; naming the account needs the user’s own permission', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: `arn:aws:iam::${ACCT}:user/dev` }) });
    aws.store.users.create(ACCT, 'dev');
    const dev = aws.callerOf(aws.store.users.createAccessKey(ACCT, 'dev').accessKeyId);
    expect((await aws.assume(dev)).status).toBe(200);
    aws.store.roles.setTrustPolicy(ACCT, 'data-access', trustPolicy({ AWS: `arn:aws:iam::${ACCT}:root` }), {});
    expect((await aws.assume(dev)).error?.Message).toContain('because no identity-based policy allows the sts:AssumeRole action');
  });

  it('same account: a trust policy naming the caller’s role still leaves the caller’s session policy in force', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: `arn:aws:iam::${ACCT}:role/data-access` }) });
    const role = aws.store.roles.get(ACCT, 'data-access')!;
    const narrow = (actions: string[]) =>
      aws.store.sessions.create({
        role,
        sessionName: 'narrow',
        durationSeconds: 900,
        sessionPolicy: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
      }).caller;
    const refused = await aws.assume(narrow(['s3:GetObject']), { RoleSessionName: 'again' });
    expect(refused.error?.Message).toContain('because no session policy allows the sts:AssumeRole action');
    expect((await aws.assume(narrow(['s3:GetObject', 'sts:AssumeRole']), { RoleSessionName: 'again' })).status).toBe(200);
  });

  it('an explicit deny in the caller’s own policy refuses, whatever the trust policy says', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: `arn:aws:iam::${ACCT}:user/admin` }) });
    aws.store.users.putPolicy(
      ACCT,
      'admin',
      'no-assume',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] }),
    );
    const res = await aws.assume(aws.admin());
    expect(res.error?.Message).toContain('with an explicit deny in an identity-based policy');
  });

  it('a trusted role deleted and created again under the same name is no longer trusted', async () => {
    const aws = localAws();
    const admin = aws.admin();
    const create = (name: string, trust: string) =>
      aws.callIam(admin, { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: trust });
    await create('first', trustPolicy({ AWS: ACCT }));
    await create('second', trustPolicy({ AWS: `arn:aws:iam::${ACCT}:role/first` }));
    const firstArn = `arn:aws:iam::${ACCT}:role/first`;
    const sessionOf = () =>
      aws.store.sessions.create({ role: aws.store.roles.findByArn(firstArn)!, sessionName: 's', durationSeconds: 900 }).caller;
    const assumeSecond = (caller: Caller) =>
      aws.callSts(caller, { Action: 'AssumeRole', RoleArn: `arn:aws:iam::${ACCT}:role/second`, RoleSessionName: 'xy' });
    expect((await assumeSecond(sessionOf())).status).toBe(200);
    await aws.callIam(admin, { Action: 'DeleteRole', RoleName: 'first' });
    await create('first', trustPolicy({ AWS: ACCT }));
    expect((await assumeSecond(sessionOf())).error?.Code).toBe('AccessDenied');
  });

  it('the root user cannot assume roles', async () => {
    const aws = setup({ trust: trustPolicy({ AWS: ACCT }) });
    const root: Caller = { accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, userId: ACCT, kind: 'root', isRoleSession: false };
    expect((await aws.assume(root)).error).toMatchObject({ Code: 'AccessDenied', Message: 'Roles may not be assumed by root accounts.' });
  });

  it('anonymous callers cannot AssumeRole', async () => {
    const aws = setup();
    expect((await aws.assume(null)).error).toMatchObject({ Code: 'MissingAuthenticationToken' });
  });
});

describe('STS GetCallerIdentity', () => {
  it('reports the user, or the role session', async () => {
    const aws = setup();
    const user = await aws.callSts(aws.admin(), { Action: 'GetCallerIdentity' });
    expect(user.result).toMatchObject({ Account: ACCT, Arn: `arn:aws:iam::${ACCT}:user/admin` });
    expect(user.result.UserId).toMatch(/^AIDA/);
    const session = await aws.callSts(aws.service, { Action: 'GetCallerIdentity' });
    expect(session.result).toMatchObject({ Account: PLATFORM_ACCOUNT_ID, Arn: SERVICE_ARN, UserId: aws.service.userId });
    expect(session.raw).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
  });
});
