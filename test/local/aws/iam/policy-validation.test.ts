import { describe, expect, it } from 'vitest';
import { type PolicyKind, parsePolicy } from '../../../../local/aws/iam/policy';
import { AwsError } from '../../../../local/aws/types';

const V = '2012-10-17';
const identity = (statement: unknown) => JSON.stringify({ Version: V, Statement: statement });

const rejected: Array<[string, string, PolicyKind, string]> = [
  ['not JSON', '{"Version":', 'identity', 'This policy contains invalid Json'],
  [
    'an unknown version',
    JSON.stringify({ Version: '2020-01-01', Statement: [] }),
    'identity',
    'The policy must contain a valid version string',
  ],
  ['no Statement', JSON.stringify({ Version: V }), 'identity', 'Missing required field Statement'],
  ['an unknown top-level field', JSON.stringify({ Version: V, Statement: [], Extra: 1 }), 'identity', 'Syntax errors in policy.'],
  [
    'an unknown statement field',
    identity([{ Effect: 'Allow', Action: '*', Resource: '*', Foo: 1 }]),
    'identity',
    'Syntax errors in policy.',
  ],
  ['a lower-case effect', identity([{ Effect: 'allow', Action: '*', Resource: '*' }]), 'identity', 'Invalid effect: allow'],
  ['no action', identity([{ Effect: 'Allow', Resource: '*' }]), 'identity', 'Policy statement must contain actions.'],
  [
    'an action without a vendor',
    identity([{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }]),
    'identity',
    'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  ],
  ['no resource', identity([{ Effect: 'Allow', Action: 's3:*' }]), 'identity', 'Policy statement must contain resources.'],
  [
    'a resource that is not an ARN',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: 'bucket/*' }]),
    'identity',
    'Resource bucket/* must be in ARN format or "*".',
  ],
  [
    'a principal in an identity policy',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: '*' }]),
    'identity',
    'Policy document should not specify a principal.',
  ],
  [
    'a principal in a session policy',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: { AWS: '*' } }]),
    'session',
    'Policy document should not specify a principal.',
  ],
  [
    'an unknown condition operator',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'a' } } }]),
    'identity',
    'Invalid Condition type : StringEqualz',
  ],
  [
    'Null with IfExists',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NullIfExists: { 'aws:username': 'true' } } }]),
    'identity',
    'Invalid Condition type : NullIfExists',
  ],
  [
    'a condition key without a vendor',
    identity([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { username: 'a' } } }]),
    'identity',
    'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  ],
  [
    'duplicate Sids',
    identity([
      { Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'A', Effect: 'Deny', Action: 's3:*', Resource: '*' },
    ]),
    'identity',
    'Statement IDs (SID) in a single policy must be unique.',
  ],
  [
    'a resource in a trust policy',
    identity([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '111111111111' }, Resource: '*' }]),
    'trust',
    'Has prohibited field Resource',
  ],
  [
    'no principal in a trust policy',
    identity([{ Effect: 'Allow', Action: 'sts:AssumeRole' }]),
    'trust',
    'Missing required field Principal',
  ],
  [
    'a non-STS action in a trust policy',
    identity([{ Effect: 'Allow', Action: 's3:GetObject', Principal: { AWS: '111111111111' } }]),
    'trust',
    'AssumeRole policy may only specify STS AssumeRole actions.',
  ],
  [
    'a wildcard principal ARN',
    identity([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111111111111:role/*' } }]),
    'trust',
    'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/*"',
  ],
];

describe('policy documents are validated on write', () => {
  it.each(rejected)('refuses %s', (_name, text, kind, message) => {
    let error: unknown;
    try {
      parsePolicy(text, kind);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ code: 'MalformedPolicyDocument', status: 400, message });
  });

  it('accepts a trust policy naming an account, a role, an OIDC provider (with its host/path: condition keys) and a service', () => {
    const text = identity([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { AWS: ['111111111111', 'arn:aws:iam::222222222222:role/x'] },
      },
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/id.example.org/realms/x' },
        Condition: { StringEquals: { 'id.example.org/realms/x:sub': 'alice' } },
      },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(parsePolicy(text, 'trust').statements).toHaveLength(3);
  });
});
