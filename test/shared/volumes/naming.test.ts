import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../shared/errors';
import {
  assertBucketName,
  assertRegion,
  assertRoleArn,
  bucketNameProblem,
  normalisePrefix,
  parseRoleArn,
  partitionOf,
  regionProblem,
} from '../../../shared/volumes/naming';

function thrown(fn: () => unknown): ValidationFailed {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationFailed) return error;
    throw error;
  }
  throw new Error('expected a ValidationFailed');
}

describe('bucket names', () => {
  it.each([
    'abc',
    'my-bucket',
    'my.bucket.example',
    'a'.repeat(63),
    '1bucket2',
    'bucket-with-xn--inside',
    'ends-with-s3alias-not',
    'mrap-is-not-a-suffix-here',
    '192.168.5.4x',
  ])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['ab', /3 to 63 characters/],
    ['a'.repeat(64), /3 to 63 characters/],
    ['', /3 to 63 characters/],
    ['My-Bucket', /uppercase letters/],
    ['my_bucket', /"_"/],
    ['my bucket', /" "/],
    ['my/bucket', /"\/"/],
    ['-bucket', /start and end with a lowercase letter or digit/],
    ['bucket-', /start and end with a lowercase letter or digit/],
    ['.bucket', /start and end/],
    ['bucket.', /start and end/],
    ['my..bucket', /two adjacent periods/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /start with "xn--"/],
    ['sthree-bucket', /start with "sthree-"/],
    ['sthree-configurator', /start with "sthree-"/],
    ['amzn-s3-demo-bucket', /start with "amzn-s3-demo-"/],
    ['bucket-s3alias', /end with "-s3alias"/],
    ['bucket--ol-s3', /end with "--ol-s3"/],
    ['bucket.mrap', /end with ".mrap"/],
    ['bucket--x-s3', /end with "--x-s3"/],
    ['bucket--table-s3', /end with "--table-s3"/],
  ])('refuses %j', (name, why) => {
    const problem = bucketNameProblem(name);
    expect(problem).toMatch(why);
    expect(problem).toMatch(/S3 bucket names are 3 to 63 characters/);
  });

  it('names the field in the error it throws', () => {
    const error = thrown(() => assertBucketName('Bad', 'name'));
    expect(error.status).toBe(400);
    expect(error.details).toEqual({ field: 'name' });
    expect(error.message).toMatch(/^name: must not contain uppercase letters/);
  });
});

describe('prefix normalisation', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['data', 'data'],
    ['data/', 'data'],
    ['projects/run-1', 'projects/run-1'],
    ['projects/run-1/', 'projects/run-1'],
    ['with space/and+plus=é', 'with space/and+plus=é'],
    ["it's/here", "it's/here"],
    ['a.b/..c/d..', 'a.b/..c/d..'],
  ])('%j becomes %j', (raw, normal) => {
    expect(normalisePrefix(raw)).toBe(normal);
  });

  it.each([
    ['/data', /must not start with "\/"/],
    ['/', /must not start with "\/"/],
    ['a//b', /empty segments/],
    ['a/b//', /empty segments/],
    ['./a', /"\." or "\.\." segments/],
    ['a/./b', /"\." or "\.\." segments/],
    ['a/../b', /"\." or "\.\." segments/],
    ['..', /"\." or "\.\." segments/],
    ['a/..', /"\." or "\.\." segments/],
    ['a\\b', /backslashes/],
    ['a\nb', /control characters/],
    ['a\u0000b', /control characters/],
    ['a\u007fb', /control characters/],
    ['a\uD800b', /lone surrogate/],
    ['data*', /"\*"/],
    ['data?', /"\?"/],
    ['home/${aws:username}', /"\$"/],
    ['é'.repeat(251), /500 bytes/],
    ['say "hi"', /double quotes/],
  ])('refuses %j', (raw, why) => {
    const error = thrown(() => normalisePrefix(raw));
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/^prefix: /);
    expect(error.details).toEqual({ field: 'prefix' });
  });

  it('accepts exactly 500 bytes, which always fits the 2,048-character session policy', () => {
    expect(normalisePrefix('é'.repeat(250))).toHaveLength(250);
  });
});

describe('regions', () => {
  it.each([
    'us-east-1',
    'us-west-2',
    'eu-central-2',
    'ap-southeast-5',
    'ap-northeast-3',
    'us-gov-west-1',
    'us-gov-east-1',
    'cn-north-1',
    'cn-northwest-1',
    'me-central-1',
    'il-central-1',
    'ca-west-1',
    'mx-central-1',
  ])('accepts %s', (region) => expect(regionProblem(region)).toBeUndefined());

  it.each([
    '',
    'us-east',
    'US-EAST-1',
    'us-east-0',
    'useast1',
    'us-middle-1',
    'us-iso-east-1',
    'eu-central-1a',
    ' us-east-1',
    'europe-west-1',
  ])('refuses %j', (region) => {
    const error = thrown(() => assertRegion(region));
    expect(error.message).toMatch(/^region: is not an AWS region code/);
    expect(error.message).toMatch(/us-east-1/);
  });

  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('%s is in the partition %s', (region, partition) => expect(partitionOf(region)).toBe(partition));
});

describe('role ARNs', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/volume-access', { partition: 'aws', accountId: '123456789012', path: '/', name: 'volume-access' }],
    [
      'arn:aws:iam::123456789012:role/team/data/Reader+=,.@_-1',
      { partition: 'aws', accountId: '123456789012', path: '/team/data/', name: 'Reader+=,.@_-1' },
    ],
    ['arn:aws-cn:iam::123456789012:role/r', { partition: 'aws-cn', accountId: '123456789012', path: '/', name: 'r' }],
    ['arn:aws-us-gov:iam::123456789012:role/r', { partition: 'aws-us-gov', accountId: '123456789012', path: '/', name: 'r' }],
  ])('parses %s', (arn, parts) => {
    expect(parseRoleArn(arn)).toEqual({ arn: parts });
  });

  it.each([
    ['role/volume-access', /is not an ARN/],
    ['arn:aws:iam::123456789012', /is not an ARN/],
    ['arn:aws-iso:iam::123456789012:role/r', /partition aws, aws-cn or aws-us-gov/],
    ['arn:aws:sts::123456789012:role/r', /must be an IAM ARN/],
    ['arn:aws:iam:us-east-1:123456789012:role/r', /must be an IAM ARN/],
    ['arn:aws:iam::12345678901:role/r', /12-digit account id/],
    ['arn:aws:iam::1234567890123:role/r', /12-digit account id/],
    ['arn:aws:iam::12345678901a:role/r', /12-digit account id/],
    ['arn:aws:iam::123456789012:user/r', /must name a role/],
    ['arn:aws:iam::123456789012:role/', /role name of 1 to 64/],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, /role name of 1 to 64/],
    ['arn:aws:iam::123456789012:role/bad name', /role name of 1 to 64/],
    ['arn:aws:iam::123456789012:role/team//r', /role path/],
    ['arn:aws:iam::123456789012:role/té/r', /role path/],
    [`arn:aws:iam::123456789012:role/${'p/'.repeat(256)}r`, /longer than 512/],
  ])('refuses %s', (arn, why) => {
    const error = thrown(() => assertRoleArn(arn, 'us-east-1'));
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/^auth\.roleArn: /);
    expect(error.details).toEqual({ field: 'auth.roleArn' });
  });

  it.each([
    ['arn:aws:iam::123456789012:role/r', 'cn-north-1', /partition aws, but the region cn-north-1 is in aws-cn/],
    ['arn:aws:iam::123456789012:role/r', 'us-gov-west-1', /partition aws, but the region us-gov-west-1 is in aws-us-gov/],
    ['arn:aws-cn:iam::123456789012:role/r', 'us-east-1', /partition aws-cn, but the region us-east-1 is in aws/],
    ['arn:aws-us-gov:iam::123456789012:role/r', 'cn-north-1', /partition aws-us-gov, but the region cn-north-1 is in aws-cn/],
  ])('refuses %s in %s (partition mismatch)', (arn, region, why) => {
    expect(thrown(() => assertRoleArn(arn, region)).message).toMatch(why);
  });

  it("accepts a role in its region's partition", () => {
    expect(assertRoleArn('arn:aws-cn:iam::123456789012:role/r', 'cn-northwest-1').partition).toBe('aws-cn');
    expect(assertRoleArn('arn:aws-us-gov:iam::123456789012:role/r', 'us-gov-east-1').partition).toBe('aws-us-gov');
  });
});
