import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS, PLATFORM_ACCOUNT_ID } from '../../../../local/aws/iam/seed';
import { checkPackedSize } from '../../../../local/aws/sts/packed-size';
import { doc, localAws, trustPolicy } from '../iam/fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const ROLE = `arn:aws:iam::${ACCT}:role/tagged`;
/** Deterministic, poorly compressible text (hex of hashes), as real ids and paths are. */
const noise = (seed: string, length: number) =>
  Array.from({ length: Math.ceil(length / 64) }, (_, i) => createHash('sha256').update(`${seed}${i}`).digest('hex'))
    .join('')
    .slice(0, length);

/** A session policy just under 2,048 characters, of distinct paths. */
function largePolicy(): string {
  const resources: string[] = [];
  for (let i = 0; ; i++) {
    const next = [...resources, `arn:aws:s3:::data/${noise(`p${i}`, 40)}/*`];
    if (doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: next }] }).length > 2040) break;
    resources.push(next.at(-1)!);
  }
  return doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] });
}

const manyTags = (n: number) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      [`Tags.member.${i + 1}.Key`, `tag${i}`],
      [`Tags.member.${i + 1}.Value`, noise(`v${i}`, 24)],
    ]).flat(),
  );

describe('packed policy size', () => {
  it('reports a percentage for a small policy and nothing without policy or tags', () => {
    const small = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] });
    const percent = checkPackedSize(small, {});
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(20);
    expect(checkPackedSize(undefined, {})).toBeUndefined();
  });

  it('a large policy under 2,048 characters fits alone', () => {
    const policy = largePolicy();
    expect(policy.length).toBeLessThanOrEqual(2048);
    expect(checkPackedSize(policy, {})).toBeLessThan(100);
  });

  it('AssumeRole with a large-but-valid policy and many tags: PackedPolicyTooLarge, saying how full', async () => {
    const aws = localAws();
    aws.store.roles.create(ACCT, {
      roleName: 'tagged',
      path: '/',
      trustBindings: {},
      maxSessionDuration: 3600,
      tags: [],
      assumeRolePolicyDocument: trustPolicy({ AWS: `arn:aws:iam::${PLATFORM_ACCOUNT_ID}:role/volume-gateway` }, {}, [
        'sts:AssumeRole',
        'sts:TagSession',
      ]),
    });
    const service = aws.seeded.mintRoleSession(aws.seeded.platform.roleArn, { sessionName: 'lambda' }).caller;
    const base = { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'alice', Policy: largePolicy() };
    const fits = await aws.callSts(service, { ...base, ...manyTags(3) });
    expect(fits.status).toBe(200);
    const res = await aws.callSts(service, { ...base, ...manyTags(40) });
    expect(res.status).toBe(400);
    expect(res.error?.Code).toBe('PackedPolicyTooLarge');
    const percent = Number(/consumes (\d+)% of allotted space/.exec(res.error!.Message)?.[1]);
    expect(percent).toBeGreaterThan(100);
    expect(res.error?.Message).toMatch(/^Packed policy consumes \d+% of allotted space, please use smaller policy\./);
  });

  it('tags alone over the limit are named as such', () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, noise(`t${i}`, 60)]));
    expect(() => checkPackedSize(undefined, tags)).toThrow(/^Packed size of session tags consumes \d+% of allotted space\.$/);
  });
});
