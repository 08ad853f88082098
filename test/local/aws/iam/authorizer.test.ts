import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS } from '../../../../local/aws/iam/seed';
import type { Caller } from '../../../../local/aws/types';
import { doc, localAws } from './fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const BUCKET = 'arn:aws:s3:::data';

function withRole(policy: unknown, tags: Array<{ Key: string; Value: string }> = []) {
  const aws = localAws();
  const role = aws.store.roles.create(ACCT, {
    roleName: 'worker',
    path: '/',
    assumeRolePolicyDocument: '{}',
    trustBindings: {},
    maxSessionDuration: 3600,
    tags,
  });
  aws.store.roles.putPolicy(ACCT, 'worker', 'main', doc(policy));
  const session = (options: { sessionPolicy?: string; tags?: Record<string, string>; sourceIdentity?: string } = {}) =>
    aws.store.sessions.create({ role, sessionName: 'job', durationSeconds: 900, ...options }).caller;
  return { ...aws, role, session };
}

const S3_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

describe('authorizer', () => {
  it('a session policy narrows the role: role allows s3:*, session allows GetObject on a prefix', () => {
    const { authorize, session } = withRole(S3_ALL);
    const caller = session({
      sessionPolicy: doc({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/shared/*` }],
      }),
    });
    expect(authorize(caller, 's3:GetObject', `${BUCKET}/shared/a.txt`).allowed).toBe(true);
    const put = authorize(caller, 's3:PutObject', `${BUCKET}/shared/a.txt`);
    expect(put).toMatchObject({ allowed: false, reason: 'no session policy allows the s3:PutObject action' });
    expect(authorize(caller, 's3:GetObject', `${BUCKET}/private/a.txt`).allowed).toBe(false);
  });

  it('without a session policy the role policy alone decides', () => {
    const { authorize, session } = withRole(S3_ALL);
    expect(authorize(session(), 's3:PutObject', `${BUCKET}/x`).allowed).toBe(true);
    expect(authorize(session(), 'iam:CreateRole', '*')).toMatchObject({
      allowed: false,
      reason: 'no identity-based policy allows the iam:CreateRole action',
    });
  });

  it('a session policy cannot grant what the role does not have', () => {
    const { authorize, session } = withRole(S3_ALL);
    const caller = session({ sessionPolicy: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) });
    expect(authorize(caller, 'iam:CreateRole', '*').allowed).toBe(false);
  });

  it('an explicit deny in the session policy is reported as such', () => {
    const { authorize, session } = withRole(S3_ALL);
    const caller = session({
      sessionPolicy: doc({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        ],
      }),
    });
    expect(authorize(caller, 's3:DeleteObject', `${BUCKET}/x`)).toMatchObject({ allowed: false, explicitDeny: true });
    expect(authorize(caller, 's3:DeleteObject', `${BUCKET}/x`).reason).toMatch(/explicit deny in a session policy/);
  });

  it('evaluates aws:TokenIssueTime as AWS does for "revoke active sessions": a Deny DateLessThan ends older sessions only', () => {
    const { authorize, session, store, time } = withRole(S3_ALL);
    const old = session();
    time.advance(0.5);
    // Issued in the same second as the old one: aws:TokenIssueTime is whole seconds, so the revocation rounds up.
    const sameSecond = session();
    time.advance(1);
    const revokedAt = '2025-03-01T12:00:01Z';
    store.roles.putPolicy(
      ACCT,
      'worker',
      'volume-gateway-revoke-vol-1',
      doc({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': revokedAt } } }],
      }),
    );
    const fresh = session();
    for (const caller of [old, sameSecond]) {
      expect(authorize(caller, 's3:GetObject', `${BUCKET}/x`)).toMatchObject({ allowed: false, explicitDeny: true });
    }
    expect(authorize(fresh, 's3:GetObject', `${BUCKET}/x`).allowed).toBe(true);
  });

  it('derives aws:PrincipalTag from role tags overridden by session tags, and aws:SourceIdentity', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `${BUCKET}/\${aws:PrincipalTag/team}/\${aws:SourceIdentity}/*`,
        },
      ],
    };
    const { authorize, session } = withRole(policy, [{ Key: 'team', Value: 'red' }]);
    expect(authorize(session({ sourceIdentity: 'alice' }), 's3:GetObject', `${BUCKET}/red/alice/f`).allowed).toBe(true);
    const blue = session({ sourceIdentity: 'alice', tags: { Team: 'blue' } });
    expect(authorize(blue, 's3:GetObject', `${BUCKET}/blue/alice/f`).allowed).toBe(true);
    expect(authorize(blue, 's3:GetObject', `${BUCKET}/red/alice/f`).allowed).toBe(false);
  });

  it('a service cannot pass a caller identity that is not the caller’s', () => {
    const { authorize, session } = withRole({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'admins' } } },
      ],
    });
    expect(authorize(session(), 's3:GetObject', BUCKET, { 'aws:PrincipalTag/team': 'admins' }).allowed).toBe(false);
  });

  it('sessions of a deleted role keep no permissions, even once a role of the same name is created again', () => {
    const aws = withRole(S3_ALL);
    const caller = aws.session();
    aws.store.roles.deletePolicy(ACCT, 'worker', 'main');
    aws.store.roles.delete(ACCT, 'worker');
    aws.store.roles.create(ACCT, {
      roleName: 'worker',
      path: '/',
      assumeRolePolicyDocument: '{}',
      trustBindings: {},
      maxSessionDuration: 3600,
      tags: [],
    });
    aws.store.roles.putPolicy(ACCT, 'worker', 'main', doc(S3_ALL));
    const d = aws.authorize(caller, 's3:GetObject', `${BUCKET}/x`);
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/was deleted/);
  });

  it('refuses expired session credentials', () => {
    const aws = withRole(S3_ALL);
    const caller = aws.session();
    aws.time.advance(901);
    expect(aws.authorize(caller, 's3:GetObject', BUCKET)).toMatchObject({ allowed: false, reason: expect.stringMatching(/expired/) });
  });

  it('an IAM user is governed by its inline policies; the root user may do anything', () => {
    const aws = localAws();
    const admin = aws.admin();
    expect(aws.authorize(admin, 'iam:CreateRole', `arn:aws:iam::${ACCT}:role/x`).allowed).toBe(true);
    aws.store.users.create(ACCT, 'nobody');
    const nobody: Caller = { ...admin, arn: `arn:aws:iam::${ACCT}:user/nobody`, userId: aws.store.users.get(ACCT, 'nobody')!.userId };
    expect(aws.authorize(nobody, 's3:GetObject', BUCKET).allowed).toBe(false);
    const root: Caller = { accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, userId: ACCT, kind: 'root', isRoleSession: false };
    expect(aws.authorize(root, 'iam:DeleteRole', '*').allowed).toBe(true);
  });

  it('aws:username is the user name, for ${aws:username} home prefixes', () => {
    const aws = localAws();
    aws.store.users.create(ACCT, 'alice');
    aws.store.users.putPolicy(
      ACCT,
      'alice',
      'home',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: `${BUCKET}/home/\${aws:username}/*` }] }),
    );
    const key = aws.store.users.createAccessKey(ACCT, 'alice');
    const alice = aws.callerOf(key.accessKeyId);
    expect(aws.authorize(alice, 's3:PutObject', `${BUCKET}/home/alice/f`).allowed).toBe(true);
    expect(aws.authorize(alice, 's3:PutObject', `${BUCKET}/home/bob/f`).allowed).toBe(false);
  });
});
