import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicy } from '../../../../local/aws/iam/policy';
import type { ConditionContext } from '../../../../local/aws/types';

const BUCKET = 'arn:aws:s3:::data';

interface Case {
  name: string;
  statements: unknown[];
  action: string;
  resource: string;
  context?: ConditionContext;
  version?: string;
  allowed: boolean;
  explicitDeny?: boolean;
}

const allowStmt = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 's3:*', Resource: '*', ...extra });

const cases: Case[] = [
  {
    name: 'nothing allows: implicit deny',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }],
    action: 's3:PutObject',
    resource: `${BUCKET}/a`,
    allowed: false,
  },
  {
    name: 'explicit deny wins over allow',
    statements: [allowStmt(), { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
    action: 's3:DeleteObject',
    resource: `${BUCKET}/a`,
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'action matches case-insensitively',
    statements: [{ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' }],
    action: 's3:GetObject',
    resource: `${BUCKET}/a`,
    allowed: true,
  },
  {
    name: 'action wildcard ?',
    statements: [{ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' }],
    action: 's3:GetObject',
    resource: `${BUCKET}/a`,
    allowed: true,
  },
  {
    name: 'action wildcard does not reach another service',
    statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    action: 'iam:CreateRole',
    resource: '*',
    allowed: false,
  },
  {
    name: 'NotAction allows everything else',
    statements: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    action: 's3:GetObject',
    resource: `${BUCKET}/a`,
    allowed: true,
  },
  {
    name: 'NotAction excludes the named actions',
    statements: [{ Effect: 'Allow', NotAction: ['iam:*', 's3:Delete*'], Resource: '*' }],
    action: 's3:DeleteObject',
    resource: `${BUCKET}/a`,
    allowed: false,
  },
  {
    name: 'resource matches case-sensitively',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/Data/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/data/x`,
    allowed: false,
  },
  {
    name: 'resource wildcard spans slashes',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/home/a/b/c`,
    allowed: true,
  },
  {
    name: 'NotResource denies everything but the named',
    statements: [allowStmt(), { Effect: 'Deny', Action: 's3:*', NotResource: [`${BUCKET}`, `${BUCKET}/*`] }],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::other/a',
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'NotResource leaves the named alone',
    statements: [allowStmt(), { Effect: 'Deny', Action: 's3:*', NotResource: [`${BUCKET}`, `${BUCKET}/*`] }],
    action: 's3:GetObject',
    resource: `${BUCKET}/a`,
    allowed: true,
  },
  {
    name: 's3:prefix StringLike inside the prefix',
    statements: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { StringLike: { 's3:prefix': ['home/alice/*', 'home/alice'] } },
      },
    ],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:prefix': 'home/alice/docs/' },
    allowed: true,
  },
  {
    name: 's3:prefix StringLike outside the prefix',
    statements: [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['home/alice/*'] } } },
    ],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:prefix': 'home/bob/' },
    allowed: false,
  },
  {
    name: 's3:prefix StringLike with no prefix in the request',
    statements: [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['home/alice/*'] } } },
    ],
    action: 's3:ListBucket',
    resource: BUCKET,
    allowed: false,
  },
  {
    name: 'condition keys compare case-insensitively',
    statements: [allowStmt({ Condition: { StringEquals: { 'S3:Prefix': 'x' } } })],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:prefix': 'x' },
    allowed: true,
  },
  {
    name: 'StringEquals is case-sensitive on values',
    statements: [allowStmt({ Condition: { StringEquals: { 'aws:PrincipalTag/team': 'Blue' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:PrincipalTag/team': 'blue' },
    allowed: false,
  },
  {
    name: 'StringEqualsIgnoreCase ignores case',
    statements: [allowStmt({ Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Blue' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:PrincipalTag/team': 'blue' },
    allowed: true,
  },
  {
    name: 'StringEquals does not treat * as a wildcard',
    statements: [allowStmt({ Condition: { StringEquals: { 's3:prefix': 'home/*' } } })],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:prefix': 'home/x' },
    allowed: false,
  },
  {
    name: 'values of one key are ORed',
    statements: [allowStmt({ Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:RequestedRegion': 'us-east-1' },
    allowed: true,
  },
  {
    name: 'keys of one block are ANDed',
    statements: [allowStmt({ Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1', 's3:prefix': 'a' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:RequestedRegion': 'us-east-1', 's3:prefix': 'b' },
    allowed: false,
  },
  {
    name: 'StringNotEquals with several values means none of them',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:RequestedRegion': 'us-east-1' },
    allowed: true,
  },
  {
    name: 'StringNotEquals denies another value',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:RequestedRegion': 'ap-south-1' },
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'negated operator is true for a missing key',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'IfExists is true for a missing key',
    statements: [allowStmt({ Condition: { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } } })],
    action: 's3:PutObject',
    resource: BUCKET,
    allowed: true,
  },
  {
    name: 'IfExists still checks a present key',
    statements: [allowStmt({ Condition: { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } } })],
    action: 's3:PutObject',
    resource: BUCKET,
    context: { 's3:x-amz-server-side-encryption': 'aws:kms' },
    allowed: false,
  },
  {
    name: 'Null true matches a missing key',
    statements: [allowStmt(), { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:SourceIdentity': 'true' } } }],
    action: 's3:GetObject',
    resource: BUCKET,
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'Null true does not match a present key',
    statements: [allowStmt(), { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:SourceIdentity': 'true' } } }],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:SourceIdentity': 'alice' },
    allowed: true,
  },
  {
    name: 'ForAnyValue matches when one request value matches',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner', 'admin'] } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:TagKeys': ['project', 'admin'] },
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'ForAnyValue is false for a missing key',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['admin'] } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    allowed: true,
  },
  {
    name: 'ForAllValues requires every request value listed',
    statements: [allowStmt({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['project', 'team'] } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:TagKeys': ['project', 'owner'] },
    allowed: false,
  },
  {
    name: 'ForAllValues is true for a missing key',
    statements: [allowStmt({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['project'] } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    allowed: true,
  },
  {
    name: 'ForAllValues:StringNotEquals: no request value may be listed',
    statements: [allowStmt({ Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['admin'] } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:TagKeys': ['project', 'admin'] },
    allowed: false,
  },
  {
    name: 'variable ${aws:username} in a resource',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/home/alice/f`,
    context: { 'aws:username': 'alice' },
    allowed: true,
  },
  {
    name: 'variable value is not a wildcard',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:PrincipalTag/team}/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/home/other/f`,
    context: { 'aws:PrincipalTag/team': '*' },
    allowed: false,
  },
  {
    name: 'missing variable matches nothing',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/home//f`,
    allowed: false,
  },
  {
    name: 'variable default value',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username, 'shared'}/*` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/home/shared/f`,
    allowed: true,
  },
  {
    name: '${*} is a literal star',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${*}/f` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/x/f`,
    allowed: false,
  },
  {
    name: '${*} matches a literal star',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${*}\${?}\${$}/f` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/*?$/f`,
    allowed: true,
  },
  {
    name: 'variables in a StringLike condition value',
    statements: [allowStmt({ Condition: { StringLike: { 's3:prefix': 'home/${aws:userid}/*' } } })],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:prefix': 'home/AIDAEXAMPLE/x', 'aws:userid': 'AIDAEXAMPLE' },
    allowed: true,
  },
  {
    name: 'no variables with Version 2008-10-17',
    version: '2008-10-17',
    statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:username}` }],
    action: 's3:GetObject',
    resource: `${BUCKET}/alice`,
    context: { 'aws:username': 'alice' },
    allowed: false,
  },
  {
    name: 'ArnLike wildcard stays inside one ARN field',
    statements: [allowStmt({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:x:role/app' },
    allowed: false,
  },
  {
    name: 'ArnLike matches',
    statements: [allowStmt({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-*' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/app-1' },
    allowed: true,
  },
  {
    name: 'ArnNotLike denies other ARNs',
    statements: [
      allowStmt(),
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-*' } } },
    ],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/bob' },
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'Bool',
    statements: [allowStmt(), { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } }],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:SecureTransport': 'false' },
    allowed: false,
    explicitDeny: true,
  },
  {
    name: 'NumericLessThanEquals',
    statements: [allowStmt({ Condition: { NumericLessThanEquals: { 's3:max-keys': '100' } } })],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:max-keys': '1000' },
    allowed: false,
  },
  {
    name: 'NumericGreaterThan',
    statements: [allowStmt({ Condition: { NumericGreaterThan: { 's3:max-keys': 10 } } })],
    action: 's3:ListBucket',
    resource: BUCKET,
    context: { 's3:max-keys': '11' },
    allowed: true,
  },
  {
    name: 'DateLessThan before the date',
    statements: [allowStmt({ Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:CurrentTime': '2025-03-01T12:00:00Z' },
    allowed: true,
  },
  {
    name: 'DateGreaterThan with epoch seconds',
    statements: [allowStmt({ Condition: { DateGreaterThan: { 'aws:EpochTime': '2030-01-01T00:00:00Z' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:EpochTime': '1740830400' },
    allowed: false,
  },
  {
    name: 'IpAddress in CIDR',
    statements: [allowStmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
    action: 's3:GetObject',
    resource: BUCKET,
    context: { 'aws:SourceIp': '10.1.2.3' },
    allowed: true,
  },
];

describe('IAM policy evaluation', () => {
  it.each(cases)('$name', (c) => {
    const policy = parsePolicy(JSON.stringify({ Version: c.version ?? '2012-10-17', Statement: c.statements }), 'identity');
    const decision = evaluate({
      identityPolicies: [{ name: 'test policy', policy }],
      action: c.action,
      resource: c.resource,
      context: c.context ?? {},
    });
    expect(decision.allowed).toBe(c.allowed);
    expect(decision.explicitDeny).toBe(c.explicitDeny ?? false);
  });

  it('a Statement object (not an array) is accepted', () => {
    const policy = parsePolicy(
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
      'identity',
    );
    expect(evaluate({ identityPolicies: [{ name: 'p', policy }], action: 's3:GetObject', resource: BUCKET, context: {} }).allowed).toBe(
      true,
    );
  });

  it('session policy must also allow: the session gets the intersection', () => {
    const role = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      'identity',
    );
    const session = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/shared/*` }] }),
      'session',
    );
    const run = (action: string, resource: string) =>
      evaluate({
        identityPolicies: [{ name: 'role', policy: role }],
        sessionPolicies: [{ name: 'session', policy: session }],
        action,
        resource,
        context: {},
      });
    expect(run('s3:GetObject', `${BUCKET}/shared/a`).allowed).toBe(true);
    const put = run('s3:PutObject', `${BUCKET}/shared/a`);
    expect(put).toMatchObject({ allowed: false, explicitDeny: false });
    expect(put.reason).toBe('no session policy allows the s3:PutObject action');
    expect(run('s3:GetObject', `${BUCKET}/private/a`).allowed).toBe(false);
  });

  it('an explicit deny reason names the policy and statement', () => {
    const policy = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] }),
      'identity',
    );
    const d = evaluate({
      identityPolicies: [{ name: 'role policy "guard"', policy }],
      action: 's3:DeleteObject',
      resource: BUCKET,
      context: {},
    });
    expect(d.reason).toBe('an explicit deny in an identity-based policy (role policy "guard", statement "NoDelete")');
  });
});
