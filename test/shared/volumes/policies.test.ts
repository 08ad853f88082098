import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../shared/errors';
import type { Volume } from '../../../shared/volumes/model';
import { permissionsPolicy, type SetupVolume, setupFor } from '../../../shared/volumes/policies';
import { GATEWAY, OIDC } from './fakes';

const roleVolume: SetupVolume = {
  name: 'shared-genomes',
  bucket: 'lab-genomes',
  prefix: 'runs/2025',
  region: 'eu-central-1',
  accessMode: 'read-only',
  auth: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/team/volume-access' },
  externalId: 'vg-0123456789abcdef',
  ownerSubject: 'alice',
};
const settings = { gatewayPrincipalArn: GATEWAY, oidc: OIDC };

/** The argv bash would give `aws` for a command: proves it is valid shell and shows what it quotes to. */
function argvOf(command: string): string[] {
  const out = execFileSync('bash', ['-c', `aws() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}
const flag = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];

describe('permissions policy', () => {
  it('read-only with a prefix: list the prefix, locate the bucket, get the objects under it', () => {
    expect(permissionsPolicy(roleVolume)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListVolumePrefix',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: ['arn:aws:s3:::lab-genomes'],
          Condition: { StringLike: { 's3:prefix': ['runs/2025/', 'runs/2025/*'] } },
        },
        { Sid: 'VolumeBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: ['arn:aws:s3:::lab-genomes'] },
        {
          Sid: 'ReadVolumeObjects',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectTagging'],
          Resource: ['arn:aws:s3:::lab-genomes/runs/2025/*'],
        },
      ],
    });
  });

  it('read-write of the whole bucket: no prefix condition, and the write actions on every object', () => {
    expect(permissionsPolicy({ ...roleVolume, prefix: '', accessMode: 'read-write' })).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListVolumePrefix', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::lab-genomes'] },
        {
          Sid: 'VolumeBucket',
          Effect: 'Allow',
          Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
          Resource: ['arn:aws:s3:::lab-genomes'],
        },
        {
          Sid: 'ReadVolumeObjects',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectTagging'],
          Resource: ['arn:aws:s3:::lab-genomes/*'],
        },
        {
          Sid: 'WriteVolumeObjects',
          Effect: 'Allow',
          Action: [
            's3:PutObject',
            's3:DeleteObject',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
            's3:PutObjectTagging',
            's3:DeleteObjectTagging',
          ],
          Resource: ['arn:aws:s3:::lab-genomes/*'],
        },
      ],
    });
  });

  it('read-only of the whole bucket has no condition on listing', () => {
    const policy = permissionsPolicy({ ...roleVolume, prefix: '' });
    expect(policy.Statement[0]).not.toHaveProperty('Condition');
    expect(policy.Statement[2]!.Resource).toEqual(['arn:aws:s3:::lab-genomes/*']);
  });

  it.each([
    ['cn-north-1', 'arn:aws-cn:s3:::lab-genomes'],
    ['us-gov-west-1', 'arn:aws-us-gov:s3:::lab-genomes'],
  ])('uses the partition of %s in every ARN', (region, bucketArn) => {
    const policy = permissionsPolicy({ ...roleVolume, region, accessMode: 'read-write' });
    const resources = policy.Statement.flatMap((s) => s.Resource ?? []);
    expect(resources.every((r) => r.startsWith(bucketArn))).toBe(true);
  });
});

describe('role volume setup', () => {
  const setup = setupFor(roleVolume, settings);

  it('trusts the gateway principal for AssumeRole, SetSourceIdentity and TagSession, with the external id', () => {
    expect(setup.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VolumeGateway',
          Effect: 'Allow',
          Principal: { AWS: GATEWAY },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Condition: { StringEquals: { 'sts:ExternalId': 'vg-0123456789abcdef' } },
        },
      ],
    });
    expect(setup.permissionsPolicy).toEqual(permissionsPolicy(roleVolume));
  });

  it('gives the two aws iam commands, naming the role by the last segment of its ARN', () => {
    expect(setup.commands).toEqual([
      `aws iam update-assume-role-policy --role-name volume-access --policy-document '${JSON.stringify(setup.trustPolicy)}'`,
      `aws iam put-role-policy --role-name volume-access --policy-name volume-gateway-shared-genomes --policy-document ` +
        `'${JSON.stringify(setup.permissionsPolicy)}'`,
    ]);
  });

  it('commands are valid shell whose policy documents parse back to the policies', () => {
    const [trust, permissions] = setup.commands.map(argvOf);
    expect(trust!.slice(0, 4)).toEqual(['iam', 'update-assume-role-policy', '--role-name', 'volume-access']);
    expect(JSON.parse(flag(trust!, '--policy-document')!)).toEqual(setup.trustPolicy);
    expect(permissions!.slice(0, 6)).toEqual([
      'iam',
      'put-role-policy',
      '--role-name',
      'volume-access',
      '--policy-name',
      'volume-gateway-shared-genomes',
    ]);
    expect(JSON.parse(flag(permissions!, '--policy-document')!)).toEqual(setup.permissionsPolicy);
  });

  it('quotes a prefix with quotes, spaces and shell syntax safely', () => {
    const awkward = setupFor({ ...roleVolume, prefix: `it's "here"; touch /tmp/pwned & \`x\` | y` }, settings);
    for (const command of awkward.commands) execFileSync('bash', ['-n', '-c', command]);
    const permissions = argvOf(awkward.commands[1]!);
    expect(permissions).toHaveLength(8);
    expect(JSON.parse(flag(permissions, '--policy-document')!)).toEqual(awkward.permissionsPolicy);
  });

  it('refuses to build a role volume setup without an external id', () => {
    expect(() => setupFor({ ...roleVolume, externalId: undefined }, settings)).toThrow(/without an external id/);
  });
});

describe('web-identity volume setup', () => {
  const volume: SetupVolume = {
    ...roleVolume,
    auth: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/galaxy-reader' },
    externalId: undefined,
  };

  it("trusts our OIDC provider in the role's account, for our audience and the owner's subject", () => {
    expect(setupFor(volume, settings).trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VolumeGatewayWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/id.example.org/realms/science' },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: { 'id.example.org/realms/science:aud': 'volume-gateway', 'id.example.org/realms/science:sub': 'alice' },
          },
        },
      ],
    });
  });

  it('trusts every audience the API accepts, as a list (IAM StringEquals matches any), when there are several', () => {
    const two = { ...settings, oidc: { ...OIDC, audiences: ['volume-gateway', 'volume-gateway-console'] } };
    expect(setupFor(volume, two).trustPolicy.Statement[0]!.Condition).toEqual({
      StringEquals: {
        'id.example.org/realms/science:aud': ['volume-gateway', 'volume-gateway-console'],
        'id.example.org/realms/science:sub': 'alice',
      },
    });
  });

  it("names a loopback issuer by host and port, and the provider in the role's partition", () => {
    const local = { ...settings, oidc: { ...OIDC, issuer: 'http://127.0.0.1:9555/' } };
    const cn = { ...volume, region: 'cn-north-1', auth: { type: 'web-identity' as const, roleArn: 'arn:aws-cn:iam::123456789012:role/r' } };
    const statement = setupFor(cn, local).trustPolicy.Statement[0]!;
    expect(statement.Principal).toEqual({ Federated: 'arn:aws-cn:iam::123456789012:oidc-provider/127.0.0.1:9555' });
    expect(Object.keys(statement.Condition!.StringEquals!)).toEqual(['127.0.0.1:9555:aud', '127.0.0.1:9555:sub']);
  });

  it('registers the provider with every client id unless it exists, adds each id to an existing one, then applies both policies', () => {
    const oidc = { ...OIDC, audiences: ['volume-gateway', 'volume-gateway-console'], thumbprints: ['a'.repeat(40), 'b'.repeat(40)] };
    const setup = setupFor(volume, { ...settings, oidc });
    const arn = 'arn:aws:iam::123456789012:oidc-provider/id.example.org/realms/science';
    expect(setup.commands).toHaveLength(5);
    expect(setup.commands[0]).toBe(
      `aws iam get-open-id-connect-provider --open-id-connect-provider-arn ${arn} >/dev/null 2>&1 || ` +
        'aws iam create-open-id-connect-provider --url https://id.example.org/realms/science ' +
        `--client-id-list volume-gateway volume-gateway-console --thumbprint-list ${'a'.repeat(40)} ${'b'.repeat(40)}`,
    );
    // The create half, as bash hands it to aws when the get fails (no such provider yet).
    const create = execFileSync(
      'bash',
      ['-c', `aws() { [ "$2" = get-open-id-connect-provider ] && return 254; printf '%s\\0' "$@"; }\n${setup.commands[0]}`],
      { encoding: 'utf8' },
    );
    expect(create.split('\0').slice(0, -1)).toEqual([
      'iam',
      'create-open-id-connect-provider',
      '--url',
      'https://id.example.org/realms/science',
      '--client-id-list',
      'volume-gateway',
      'volume-gateway-console',
      '--thumbprint-list',
      'a'.repeat(40),
      'b'.repeat(40),
    ]);
    for (const [i, id] of ['volume-gateway', 'volume-gateway-console'].entries()) {
      expect(argvOf(setup.commands[1 + i]!)).toEqual([
        'iam',
        'add-client-id-to-open-id-connect-provider',
        '--open-id-connect-provider-arn',
        arn,
        '--client-id',
        id,
      ]);
    }
    expect(JSON.parse(flag(argvOf(setup.commands[3]!), '--policy-document')!)).toEqual(setup.trustPolicy);
    expect(JSON.parse(flag(argvOf(setup.commands[4]!), '--policy-document')!)).toEqual(setup.permissionsPolicy);
  });

  it('leaves out --thumbprint-list when there are none', () => {
    expect(setupFor(volume, { ...settings, oidc: { ...OIDC, thumbprints: [] } }).commands[0]).not.toContain('--thumbprint-list');
  });

  it('is a ValidationFailed naming auth.type when the deployment has no OIDC issuer', () => {
    let error: unknown;
    try {
      setupFor(volume, { gatewayPrincipalArn: GATEWAY });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).details).toEqual({ field: 'auth.type' });
  });
});

// Keep the type honest: a full Volume is a SetupVolume.
const _check: SetupVolume = {} as Volume;
void _check;
