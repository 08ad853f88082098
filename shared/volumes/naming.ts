/**
 * The naming rules a volume's fields must follow: S3 bucket names (the volume's `name` and its `bucket`),
 * the prefix root, the AWS region and the IAM role ARN with its partition.
 *
 * Each rule comes in two forms: `…Problem(value)` says what is wrong in words (or `undefined`), for the
 * zod schemas; `assert…`/`normalise…` throw a {@link ValidationFailed} naming the field, for domain code.
 * Messages read as "<field>: <what is wrong>. <what is allowed>", the way the HTTP layer renders zod issues.
 */
import { ValidationFailed } from '../errors';

const fail = (field: string, problem: string) => new ValidationFailed(`${field}: ${problem}`, field);
const quoted = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

// ---------------------------------------------------------------------------------------------- buckets

const BUCKET_RULES =
  'S3 bucket names are 3 to 63 characters of lowercase letters, digits, "-" and ".", start and end with a letter or digit, and have ' +
  'no "..".';
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
/** `--table-s3` is reserved by S3 Tables, in addition to the access point, MRAP and directory bucket suffixes. */
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** What is wrong with `value` as an S3 general purpose bucket name, or `undefined`. */
export function bucketNameProblem(value: string): string | undefined {
  if (value.length < 3 || value.length > 63) return `must be 3 to 63 characters long (got ${value.length}). ${BUCKET_RULES}`;
  const bad = /[^a-z0-9.-]/.exec(value);
  if (bad) {
    const what = /[A-Z]/.test(bad[0]) ? 'uppercase letters' : quoted(bad[0]);
    return `must not contain ${what}. ${BUCKET_RULES}`;
  }
  if (!/^[a-z0-9]/.test(value) || !/[a-z0-9]$/.test(value)) return `must start and end with a lowercase letter or digit. ${BUCKET_RULES}`;
  if (value.includes('..')) return `must not contain two adjacent periods. ${BUCKET_RULES}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return `must not be formatted as an IP address. ${BUCKET_RULES}`;
  const prefix = RESERVED_PREFIXES.find((p) => value.startsWith(p));
  if (prefix) return `must not start with "${prefix}", which S3 reserves. ${BUCKET_RULES}`;
  const suffix = RESERVED_SUFFIXES.find((s) => value.endsWith(s));
  if (suffix) return `must not end with "${suffix}", which S3 reserves. ${BUCKET_RULES}`;
  return undefined;
}

export function assertBucketName(value: string, field: string): string {
  const problem = bucketNameProblem(value);
  if (problem) throw fail(field, problem);
  return value;
}

// ----------------------------------------------------------------------------------------------- prefix

const PREFIX_RULES =
  'A prefix is a path inside the bucket such as "projects/run-1": segments separated by single "/", no leading "/", at most 500 ' +
  'bytes; "" means the whole bucket.';
/**
 * The prefix appears three times in the session policy of every vend, which STS caps at 2,048 characters;
 * 500 bytes (with no `"`, which JSON doubles) always fits (see shared/vending/session-policy.ts).
 */
const MAX_PREFIX_BYTES = 500;

/**
 * What is wrong with `value` as a prefix root, or `undefined`. One trailing `/` is allowed (it is dropped by
 * {@link normalisePrefix}). `*`, `?` and `$` are refused too: in the IAM policies built from the prefix they
 * would be wildcards or policy variables and widen the grant beyond the prefix.
 */
export function prefixProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (Buffer.byteLength(value, 'utf8') > MAX_PREFIX_BYTES) return `is longer than ${MAX_PREFIX_BYTES} bytes. ${PREFIX_RULES}`;
  if (/\p{Cs}/u.test(value)) return `is not valid Unicode (it contains a lone surrogate). ${PREFIX_RULES}`;
  if (/\p{Cc}/u.test(value)) return `must not contain control characters. ${PREFIX_RULES}`;
  if (value.includes('\\')) return `must not contain backslashes; separate segments with "/". ${PREFIX_RULES}`;
  if (value.includes('"')) return `must not contain double quotes. ${PREFIX_RULES}`;
  const wildcard = /[*?$]/.exec(value);
  if (wildcard) return `must not contain "${wildcard[0]}": IAM policies would read it as a wildcard or a variable. ${PREFIX_RULES}`;
  if (value.startsWith('/')) return `must not start with "/". ${PREFIX_RULES}`;
  const segments = (value.endsWith('/') ? value.slice(0, -1) : value).split('/');
  if (segments.some((s) => s === '')) return `must not contain empty segments ("//"). ${PREFIX_RULES}`;
  if (segments.some((s) => s === '.' || s === '..')) return `must not contain "." or ".." segments. ${PREFIX_RULES}`;
  return undefined;
}

/** The stored form of a prefix: validated, one trailing `/` dropped; `''` (or absent) is the whole bucket. */
export function normalisePrefix(value: string | undefined, field = 'prefix'): string {
  const raw = value ?? '';
  const problem = prefixProblem(raw);
  if (problem) throw fail(field, problem);
  return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}

// ------------------------------------------------------------------------------------ region, partition

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

const REGION = /^(?:us-gov|[a-z]{2})-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9]\d?$/;
const REGION_RULES = 'Use an AWS region code such as us-east-1, eu-central-2, ap-southeast-5, us-gov-west-1 or cn-north-1.';

export function regionProblem(value: string): string | undefined {
  return REGION.test(value) ? undefined : `is not an AWS region code (got ${quoted(value)}). ${REGION_RULES}`;
}

export function assertRegion(value: string, field = 'region'): string {
  const problem = regionProblem(value);
  if (problem) throw fail(field, problem);
  return value;
}

/** The partition a region belongs to: `aws-cn` for cn-*, `aws-us-gov` for us-gov-*, else `aws`. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

// -------------------------------------------------------------------------------------------- role ARNs

export interface RoleArn {
  partition: Partition;
  accountId: string;
  /** `/` or `/a/b/`, as IAM spells role paths. */
  path: string;
  name: string;
}

const ARN_EXAMPLE = 'An IAM role ARN looks like arn:aws:iam::123456789012:role/volume-access (or role/path/volume-access).';
const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov'];

/** Parses an IAM role ARN; returns the parts or what is wrong with it. */
export function parseRoleArn(value: string): { arn: RoleArn } | { problem: string } {
  const problem = (what: string) => ({ problem: `${what} (got ${quoted(value)}). ${ARN_EXAMPLE}` });
  if (value.length > 2048) return problem('must be at most 2048 characters');
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return problem('is not an ARN');
  const [, partition = '', service, region, accountId = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (!PARTITIONS.includes(partition)) return problem('must be in the partition aws, aws-cn or aws-us-gov');
  if (service !== 'iam' || region !== '') return problem('must be an IAM ARN ("arn:<partition>:iam::<account>:role/<name>")');
  if (!/^\d{12}$/.test(accountId)) return problem('must name a 12-digit account id');
  if (!resource.startsWith('role/')) return problem('must name a role ("role/<name>")');
  const segments = resource.slice('role/'.length).split('/');
  const name = segments.pop() ?? '';
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) return problem('must end with a role name of 1 to 64 characters of letters, digits and +=,.@_-');
  if (segments.some((s) => !/^[\x21-\x2e\x30-\x7e]+$/.test(s)))
    return problem('has a role path with empty segments or characters outside printable ASCII');
  const path = segments.length === 0 ? '/' : `/${segments.join('/')}/`;
  if (path.length > 512) return problem('has a role path longer than 512 characters');
  return { arn: { partition: partition as Partition, accountId, path, name } };
}

export function roleArnProblem(value: string): string | undefined {
  const parsed = parseRoleArn(value);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** What is wrong with using a role of this ARN in this region (its partition), or `undefined`. */
export function rolePartitionProblem(roleArn: string, region: string): string | undefined {
  const parsed = parseRoleArn(roleArn);
  if ('problem' in parsed) return parsed.problem;
  const expected = partitionOf(region);
  if (parsed.arn.partition === expected) return undefined;
  return (
    `is in the partition ${parsed.arn.partition}, but the region ${region} is in ${expected}: the role must be an ` +
    `arn:${expected}:iam::… ARN, in the same partition as the bucket's region.`
  );
}

/** Parses a role ARN that must be usable in `region`; throws a ValidationFailed naming `field` otherwise. */
export function assertRoleArn(value: string, region: string, field = 'auth.roleArn'): RoleArn {
  const problem = rolePartitionProblem(value, region);
  if (problem) throw fail(field, problem);
  return (parseRoleArn(value) as { arn: RoleArn }).arn;
}
