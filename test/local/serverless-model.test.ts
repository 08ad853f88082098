/**
 * The local stack gives the functions' role the IAM statements of serverless.yml, with CloudFormation's
 * intrinsics resolved as the local AWS has them: a statement it cannot resolve is an error, never a resource
 * that silently matches nothing (the role's AssumeRole on `arn:${AWS::Partition}:iam::*:role/*` did, and every
 * customer role was refused).
 */
import { describe, expect, it } from 'vitest';
import { loadServerlessModel, localRolePolicy, type ServerlessModel } from '../../local/serverless-model';

const base = (statements: unknown[]): ServerlessModel => ({
  ...loadServerlessModel(),
  iamStatements: statements as ServerlessModel['iamStatements'],
});

describe("the local role policy from serverless.yml's statements", () => {
  it('resolves the pseudo parameters AWS::Partition, AWS::Region and AWS::AccountId inside Fn::Join', () => {
    const policy = JSON.parse(
      localRolePolicy(
        base([
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']],
            },
          },
        ]),
        '111122223333',
      ),
    );
    expect(policy.Statement[0].Resource).toMatch(/^arn:aws:logs:[a-z0-9-]+:111122223333:\*$/);
  });

  it("gives serverless.yml's own AssumeRole statement a resource in the aws partition", () => {
    const policy = JSON.parse(localRolePolicy(loadServerlessModel(), '111122223333'));
    const assume = policy.Statement.find((s: { Action: string | string[] }) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assume.Resource).toBe('arn:aws:iam::*:role/*');
  });

  it('refuses a Ref it cannot resolve, naming it', () => {
    expect(() =>
      localRolePolicy(base([{ Effect: 'Allow', Action: 's3:GetObject', Resource: { Ref: 'SomeBucket' } }]), '111122223333'),
    ).toThrow(/cannot resolve Ref SomeBucket/);
  });
});
