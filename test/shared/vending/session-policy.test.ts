import { describe, expect, it } from 'vitest';
import { globMatch, patternParts } from '../../../local/aws/iam/policy-match';
import { AppError } from '../../../shared/errors';
import { SESSION_POLICY_MAX_CHARS, sessionPolicy } from '../../../shared/vending/session-policy';
import { normalisePrefix } from '../../../shared/volumes/naming';
import { permissionsPolicy } from '../../../shared/volumes/policies';

const volume = { bucket: 'lab-genomes', prefix: 'runs/2025', region: 'eu-central-1' };

describe('session policy', () => {
  it('read with a prefix: list the prefix, get the objects and their tags under it, nothing else (compact JSON)', () => {
    expect(sessionPolicy(volume, 'read')).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ListVolumePrefix","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::lab-genomes"],' +
        '"Condition":{"StringLike":{"s3:prefix":["runs/2025/","runs/2025/*"]}}},' +
        '{"Sid":"VolumeObjects","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging"],' +
        '"Resource":["arn:aws:s3:::lab-genomes/runs/2025/*"]}]}',
    );
  });

  it('write with a prefix adds put, delete, the multipart cleanup and the tag-writing actions on the same objects', () => {
    expect(sessionPolicy(volume, 'write')).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ListVolumePrefix","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::lab-genomes"],' +
        '"Condition":{"StringLike":{"s3:prefix":["runs/2025/","runs/2025/*"]}}},' +
        '{"Sid":"VolumeObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload",' +
        '"s3:ListMultipartUploadParts","s3:GetObjectTagging","s3:PutObjectTagging","s3:DeleteObjectTagging"],' +
        '"Resource":["arn:aws:s3:::lab-genomes/runs/2025/*"]}]}',
    );
  });

  it('read of the whole bucket: listing without a prefix condition, every object', () => {
    expect(sessionPolicy({ ...volume, prefix: '' }, 'read')).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ListVolumePrefix","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::lab-genomes"]},' +
        '{"Sid":"VolumeObjects","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging"],' +
        '"Resource":["arn:aws:s3:::lab-genomes/*"]}]}',
    );
  });

  it('write of the whole bucket', () => {
    expect(JSON.parse(sessionPolicy({ ...volume, prefix: '' }, 'write'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListVolumePrefix', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::lab-genomes'] },
        {
          Sid: 'VolumeObjects',
          Effect: 'Allow',
          Action: [
            's3:GetObject',
            's3:PutObject',
            's3:DeleteObject',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
            's3:GetObjectTagging',
            's3:PutObjectTagging',
            's3:DeleteObjectTagging',
          ],
          Resource: ['arn:aws:s3:::lab-genomes/*'],
        },
      ],
    });
  });

  it('uses the partition of the region', () => {
    expect(sessionPolicy({ ...volume, region: 'cn-north-1' }, 'read')).toContain('"arn:aws-cn:s3:::lab-genomes/runs/2025/*"');
    expect(sessionPolicy({ ...volume, region: 'us-gov-west-1' }, 'read')).toContain('"arn:aws-us-gov:s3:::lab-genomes"');
  });

  it("never grants more than the role's permissions policy of a read-write volume", () => {
    const role = permissionsPolicy({ ...volume, accessMode: 'read-write' });
    const granted = (statements: Array<{ Action: string[]; Resource?: string[] }>) =>
      new Set(statements.flatMap((s) => s.Action.flatMap((a) => (s.Resource ?? []).map((r) => `${a} ${r}`))));
    const roleGrants = granted(role.Statement);
    for (const access of ['read', 'write'] as const) {
      for (const grant of granted(JSON.parse(sessionPolicy(volume, access)).Statement)) expect(roleGrants).toContain(grant);
    }
  });
});

describe('session policy size', () => {
  /** The worst case of the validated maximums: a 63-character bucket in the longest partition, write access. */
  const worst = (prefix: string) => ({ bucket: `b${'x'.repeat(61)}b`, prefix, region: 'us-gov-west-1' });

  it('every prefix registration accepts fits: the longest valid one, in the worst case', () => {
    const longest = normalisePrefix('p'.repeat(500));
    expect(() => normalisePrefix('p'.repeat(501))).toThrow(/500 bytes/);
    expect(sessionPolicy(worst(longest), 'write').length).toBeLessThanOrEqual(SESSION_POLICY_MAX_CHARS);
  });

  it('a prefix of 510 characters always fits, whatever the bucket, partition and access', () => {
    const text = sessionPolicy(worst('p'.repeat(510)), 'write');
    expect(text.length).toBeLessThanOrEqual(SESSION_POLICY_MAX_CHARS);
    expect(text.length).toBe(2048);
  });

  it('a prefix of up to 487 characters keeps the tag actions in the worst case; a longer one gets the policy without them', () => {
    const actions = (prefix: string) => JSON.parse(sessionPolicy(worst(prefix), 'write')).Statement[1].Action as string[];
    expect(sessionPolicy(worst('p'.repeat(487)), 'write').length).toBe(2048);
    expect(actions('p'.repeat(487))).toEqual(
      expect.arrayContaining(['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:DeleteObjectTagging']),
    );
    expect(actions('p'.repeat(488))).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ]);
  });

  it('one character more does not fit, and is refused before STS with SessionPolicyTooLarge (400)', () => {
    const refused = (() => {
      try {
        sessionPolicy(worst('p'.repeat(511)), 'write');
      } catch (error) {
        return error as AppError;
      }
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 400, code: 'SessionPolicyTooLarge' });
    expect(refused!.message).toMatch(/2051 characters, but STS accepts at most 2048/);
  });

  it('a prefix at the 1,024-byte maximum cannot fit (3,590 characters)', () => {
    expect(() => sessionPolicy(worst('p'.repeat(1024)), 'read')).toThrow(/would be \d+ characters/);
    expect(() => sessionPolicy({ ...volume, prefix: 'p'.repeat(1024) }, 'read')).toThrow(
      expect.objectContaining({ code: 'SessionPolicyTooLarge' }),
    );
  });

  it('counts what JSON escapes: a prefix of quotes takes twice the room', () => {
    expect(() => sessionPolicy(worst('"'.repeat(300)), 'write')).toThrow(expect.objectContaining({ code: 'SessionPolicyTooLarge' }));
    expect(sessionPolicy(worst('a'.repeat(300)), 'write').length).toBeLessThan(SESSION_POLICY_MAX_CHARS);
  });
});

describe('session policy with listUploads (the proxy’s sessions)', () => {
  const proxyPolicy = (v: typeof volume, access: 'read' | 'write') => sessionPolicy(v, access, { listUploads: true });

  it('write sessions may also list the bucket’s multipart uploads (the proxy confines that listing to the root itself)', () => {
    const policy = JSON.parse(proxyPolicy(volume, 'write'));
    expect(policy.Statement.at(-1)).toEqual({
      Sid: 'ProxyListUploads',
      Effect: 'Allow',
      Action: ['s3:ListBucketMultipartUploads'],
      Resource: ['arn:aws:s3:::lab-genomes'],
    });
    expect(policy.Statement.slice(0, -1)).toEqual(JSON.parse(sessionPolicy(volume, 'write')).Statement);
  });

  it('read sessions are vending’s, tag reading included (what the aws cli’s multipart copy asks first)', () => {
    expect(proxyPolicy(volume, 'read')).toBe(sessionPolicy(volume, 'read'));
    expect(JSON.parse(sessionPolicy(volume, 'read')).Statement[1]).toEqual({
      Sid: 'VolumeObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectTagging'],
      Resource: ['arn:aws:s3:::lab-genomes/runs/2025/*'],
    });
  });

  it('never grants more than the role’s permissions policy', () => {
    const role = permissionsPolicy({ ...volume, accessMode: 'read-write' });
    const grants = (statements: Array<{ Action: string[]; Resource?: string[] }>) =>
      statements.flatMap((s) => s.Action.flatMap((a) => (s.Resource ?? []).map((r) => `${a} ${r}`)));
    const roleGrants = new Set(grants(role.Statement));
    for (const access of ['read', 'write'] as const) {
      for (const grant of grants(JSON.parse(proxyPolicy(volume, access)).Statement)) expect(roleGrants).toContain(grant);
    }
  });

  it('a policy that would no longer fit STS’s 2,048 characters with it is left as it was', () => {
    const long = { ...volume, bucket: 'b'.repeat(63), prefix: 'p'.repeat(495) };
    const base = sessionPolicy(long, 'write');
    expect(base.length).toBeLessThanOrEqual(2048);
    expect(proxyPolicy(long, 'write')).toBe(base);
  });

  it('narrowed to a prefix: objects root/prefix* only, and the listing only with s3:prefix like root/prefix*', () => {
    expect(JSON.parse(sessionPolicy(volume, 'write', { prefix: 'work/' }))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListVolumePrefix',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: ['arn:aws:s3:::lab-genomes'],
          Condition: { StringLike: { 's3:prefix': ['runs/2025/work/*'] } },
        },
        {
          Sid: 'VolumeObjects',
          Effect: 'Allow',
          Action: expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
          Resource: ['arn:aws:s3:::lab-genomes/runs/2025/work/*'],
        },
      ],
    });
    // A whole-bucket volume: the prefix is the whole narrowed prefix.
    expect(sessionPolicy({ ...volume, prefix: '' }, 'read', { prefix: 'a b/' })).toContain('"arn:aws:s3:::lab-genomes/a b/*"');
  });

  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: ${*}, ${?}, ${$} and ${x} are IAM's text, not templates
  it('narrowed to a prefix with *, ? or $: IAM matches the prefix literally, never a sibling prefix or a policy variable', () => {
    // Evaluated as the local IAM (and AWS) reads a 2012-10-17 policy: * and ? as wildcards, ${…} as variables.
    const matches = (pattern: string, value: string) => globMatch(patternParts(pattern, () => undefined) ?? [], value);
    const narrowed = (prefix: string) => {
      const [list, objects] = JSON.parse(sessionPolicy(volume, 'read', { prefix })).Statement;
      return { objects: objects.Resource[0] as string, listing: list.Condition.StringLike['s3:prefix'][0] as string };
    };
    const wild = narrowed('a*b?/');
    expect(wild).toEqual({ objects: 'arn:aws:s3:::lab-genomes/runs/2025/a${*}b${?}/*', listing: 'runs/2025/a${*}b${?}/*' });
    expect(matches(wild.objects, 'arn:aws:s3:::lab-genomes/runs/2025/a*b?/data.txt')).toBe(true);
    expect(matches(wild.objects, 'arn:aws:s3:::lab-genomes/runs/2025/aXXbY/data.txt')).toBe(false);
    expect(matches(wild.listing, 'runs/2025/a*b?/')).toBe(true);
    expect(matches(wild.listing, 'runs/2025/aXXbY/')).toBe(false);
    const dollar = narrowed('${x}/');
    expect(matches(dollar.objects, 'arn:aws:s3:::lab-genomes/runs/2025/${x}/data.txt')).toBe(true);
    expect(matches(dollar.listing, 'runs/2025/${x}/')).toBe(true);
  });

  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: IAM's text ends here

  it('refuses a prefix too long for STS, naming the field prefix', () => {
    expect(() => sessionPolicy(volume, 'write', { prefix: `${'p'.repeat(900)}/` })).toThrow(
      expect.objectContaining({ code: 'SessionPolicyTooLarge', details: { field: 'prefix' } }),
    );
  });
});
