/**
 * The credentials story with real clients against the real local stack: alice registers and verifies a
 * read-write volume (through the API, as in volume-story.test.ts) and gives carol read access; each has a
 * profile in `~/.aws/config` whose `credential_process` is our CLI. Debian's aws cli and boto3 then work
 * inside the volume, and the vended credentials are refused everywhere else, even though the customer's
 * role itself may do much more: the session policy is what holds them in.
 *
 * Every aws cli call with a profile also starts our CLI (~2 s together), so the aws cli runs where it is the
 * subject: copying, listing, reading and deleting inside the volume (one test's commands in one Python process,
 * `awsAllOk`), one refusal per claim, the CLI's own refusal.
 * The remaining refusals use the JS SDK with the very credentials the profile's `credential_process` command
 * prints (run as the aws cli runs it); the customer's side (buckets, roles, the returned policies) uses the SDK
 * too. Applying the returned commands verbatim with the aws cli is volume-story.test.ts's and the guides'.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/volume-gateway.mjs');
const AWS_BATCH = join(ROOT, 'test/e2e/proxy-clients/aws-batch.py');
const BUCKET = 'alice-lab';
const PREFIX = 'project-x';
const ARCHIVE = 'alice-archive';
const VOLUME = 'alice-genomes';

let stack: TestStack;
let customerS3: S3Client;
let home: string;
const tokens: Record<string, string> = {};

async function api(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** What a user's shell has: their HOME with the profiles, their token, and no AWS keys of their own. */
function userEnv(who: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, VOLUME_GATEWAY_TOKEN: tokens[who], AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' };
}

interface Outcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** /usr/bin/aws as `who`, with `who`'s profile: credentials come from credential_process, i.e. our CLI. */
async function awsAs(who: string, ...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(
      '/usr/bin/aws',
      ['--endpoint-url', stack.info.awsEndpoint, '--profile', who, '--output', 'json', ...args],
      { env: userEnv(who), timeout: 60_000 },
    );
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function awsOk(who: string, ...args: string[]): Promise<string> {
  const outcome = await awsAs(who, ...args);
  if (!outcome.ok) throw new Error(`aws ${args.join(' ')} as ${who} failed: ${outcome.stderr}`);
  return outcome.stdout;
}

/**
 * Several aws cli commands as `who`, in order, in one Python process (proxy-clients/aws-batch.py: the cli's own entry
 * point, a fresh driver and session per command, so each still runs the profile's credential_process): each one's
 * stdout, or an error with what the first that failed said. A start of /usr/bin/aws costs about a second of CPU.
 */
async function awsAllOk(who: string, ...commands: string[][]): Promise<string[]> {
  const argv = commands.map((args) => ['--endpoint-url', stack.info.awsEndpoint, '--profile', who, '--output', 'json', ...args]);
  const { stdout } = await exec('/usr/bin/python3', [AWS_BATCH, JSON.stringify(argv)], { env: userEnv(who), timeout: 60_000 });
  return (JSON.parse(stdout) as Array<{ code: number; stdout: string; stderr: string }>).map((run, i) => {
    if (run.code !== 0) throw new Error(`aws ${commands[i]!.join(' ')} as ${who} failed: ${run.stderr}`);
    return run.stdout;
  });
}

async function expectAccessDenied(who: string, ...args: string[]): Promise<void> {
  const outcome = await awsAs(who, ...args);
  expect({ args: args.join(' '), ok: outcome.ok }).toEqual({ args: args.join(' '), ok: false });
  expect(outcome.stderr).toMatch(/\(AccessDenied\)/);
}

/** The profile's `credential_process` command line, for `who`'s profile. */
const credentialProcess = (extra: string[] = []) => [LAUNCHER, 'credentials', '--volume', VOLUME, ...extra, '--api', stack.info.apiUrl];

/**
 * What `who`'s profile yields: runs its credential_process command in `who`'s environment, as the aws cli does,
 * and hands its JSON to the JS SDK.
 */
async function profileClients(who: string, extra: string[] = []): Promise<{ s3: S3Client; sts: STSClient }> {
  const [command, ...args] = credentialProcess(extra);
  const { stdout } = await exec(command!, args, { env: userEnv(who), timeout: 60_000 });
  const printed = JSON.parse(stdout) as { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  expect(printed.Version).toBe(1);
  const credentials = { accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey, sessionToken: printed.SessionToken };
  const config = { endpoint: stack.info.awsEndpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { s3: new S3Client({ ...config, forcePathStyle: true }), sts: new STSClient(config) };
}

const denied = { name: 'AccessDenied' };

/** The keys the customer sees under a prefix of the bucket. */
async function customerKeys(prefix: string): Promise<string[]> {
  const listed = await customerS3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

beforeAll(async () => {
  stack = await startTestStack();
  const customer = stack.info.customers[0]!;
  const config = {
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey },
    maxAttempts: 1,
  };
  customerS3 = new S3Client({ ...config, forcePathStyle: true });
  const iam = new IAMClient(config);
  for (const who of ['alice', 'carol']) tokens[who] = stack.token({ sub: who });

  // The customer's side: the volume's bucket, data beside the volume's prefix, and a second bucket.
  for (const bucket of [BUCKET, ARCHIVE]) await customerS3.send(new CreateBucketCommand({ Bucket: bucket }));
  await customerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other-project/secret.txt', Body: 'not for the volume\n' }));
  await customerS3.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'old/secret.txt', Body: 'not for the volume\n' }));

  // Registered and verified through the API, the returned policies applied to the role.
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'AliceGenomes', AssumeRolePolicyDocument: placeholder }));
  const created = await api('alice', 'POST', '/volumes', {
    name: VOLUME,
    bucket: BUCKET,
    prefix: PREFIX,
    region: 'us-east-1',
    accessMode: 'read-write',
    auth: { type: 'role', roleArn: role.Role!.Arn },
  });
  expect(created.status).toBe(201);
  const { trustPolicy, permissionsPolicy } = created.body.setup;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'AliceGenomes', PolicyDocument: JSON.stringify(trustPolicy) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'AliceGenomes',
      PolicyName: `volume-gateway-${VOLUME}`,
      PolicyDocument: JSON.stringify(permissionsPolicy),
    }),
  );
  const verified = await api('alice', 'POST', `/volumes/${created.body.id}/verify`);
  expect(verified.body.status).toBe('active');
  expect((await api('alice', 'PUT', `/volumes/${created.body.id}/members/carol`, { access: 'read' })).status).toBe(200);

  // Afterwards the customer gives the role far more than the volume: both buckets, every action.
  const everything = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:*', Resource: [BUCKET, ARCHIVE].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]) },
    ],
  });
  await iam.send(new PutRolePolicyCommand({ RoleName: 'AliceGenomes', PolicyName: 'everything', PolicyDocument: everything }));

  // Each user's ~/.aws/config: one profile per volume, credentials from our CLI.
  home = mkdtempSync(join(tmpdir(), 'vg-home-'));
  mkdirSync(join(home, '.aws'));
  // A 5 MB multipart threshold, so a copy of 11 MiB goes in parts (the aws cli's default is 8 MB).
  const profile = (name: string, extra: string[]) =>
    `[profile ${name}]\nregion = us-east-1\ncredential_process = ${credentialProcess(extra).join(' ')}\ns3 =\n  addressing_style = ` +
    `path\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n`;
  writeFileSync(join(home, '.aws', 'config'), `${profile('alice', [])}\n${profile('carol', ['--access', 'read'])}`);
  writeFileSync(join(home, 'sample.txt'), 'boto3 reads this\n');
}, 120_000);

afterAll(() => stack?.close());

describe('alice’s profile (read-write)', () => {
  let alice: Awaited<ReturnType<typeof profileClients>>;
  beforeAll(async () => {
    alice = await profileClients('alice');
  });

  it('is a session of the volume’s role named for alice', async () => {
    // The aws cli's own `sts get-caller-identity` with such a profile: guides.test.ts (docs/using-volumes.md, cli-profile).
    const identity = await alice.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toMatch(/:assumed-role\/AliceGenomes\/alice$/);
  });

  it('copies a file in, lists it, and moves it back byte for byte (read, then removed) with aws s3', async () => {
    const original = Buffer.concat([Buffer.from('>read1\nACGT\n'), Buffer.from([0, 255, 128, 10])]);
    writeFileSync(join(home, 'reads.fa'), original);
    // `s3 mv` to a local file is GetObject then DeleteObject.
    const [, listed] = await awsAllOk(
      'alice',
      ['s3', 'cp', join(home, 'reads.fa'), `s3://${BUCKET}/${PREFIX}/run-1/reads.fa`],
      ['s3', 'ls', `s3://${BUCKET}/${PREFIX}/run-1/`],
      ['s3', 'mv', `s3://${BUCKET}/${PREFIX}/run-1/reads.fa`, join(home, 'back.fa')],
    );
    expect(listed).toMatch(/\s16 reads\.fa\n/);
    expect(readFileSync(join(home, 'back.fa')).equals(original)).toBe(true);
    expect(await customerKeys(`${PREFIX}/run-1/`)).toEqual([]);
  });

  it('copies in the volume above the multipart threshold with aws s3 cp, keeping tags and metadata (it reads tags first)', async () => {
    const big = randomBytes(11 * 1024 * 1024);
    await customerS3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${PREFIX}/big/source.bin`,
        Body: big,
        Tagging: 'stage=raw&owner=alice',
        Metadata: { sample: 's1' },
        ContentType: 'application/x-bam',
      }),
    );
    await awsOk('alice', 's3', 'cp', `s3://${BUCKET}/${PREFIX}/big/source.bin`, `s3://${BUCKET}/${PREFIX}/big/copy.bin`);
    const copy = await customerS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/big/copy.bin` }));
    expect(Buffer.from(await copy.Body!.transformToByteArray()).equals(big)).toBe(true);
    expect(copy.ETag).toMatch(/-3"$/);
    expect({ type: copy.ContentType, meta: copy.Metadata }).toEqual({ type: 'application/x-bam', meta: { sample: 's1' } });
    const tags = await customerS3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: `${PREFIX}/big/copy.bin` }));
    expect(Object.fromEntries(tags.TagSet!.map((t) => [t.Key, t.Value]))).toEqual({ stage: 'raw', owner: 'alice' });
  });

  it('lists and downloads with boto3, from the same profile', async () => {
    await customerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/boto/sample.txt`, Body: 'boto3 reads this\n' }));
    const script = [
      'import json, sys, boto3',
      'from botocore.config import Config',
      's3 = boto3.Session(profile_name=sys.argv[1]).client("s3", endpoint_url=sys.argv[2], config=Config(s3={"addressing_style": "path"}))',
      'listed = s3.list_objects_v2(Bucket=sys.argv[3], Prefix=sys.argv[4])',
      'body = s3.get_object(Bucket=sys.argv[3], Key=sys.argv[4] + "sample.txt")["Body"].read().decode()',
      'print(json.dumps({"keys": [o["Key"] for o in listed.get("Contents", [])], "body": body}))',
    ].join('\n');
    const { stdout } = await exec('/usr/bin/python3', ['-c', script, 'alice', stack.info.awsEndpoint, BUCKET, `${PREFIX}/boto/`], {
      env: userEnv('alice'),
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({ keys: [`${PREFIX}/boto/sample.txt`], body: 'boto3 reads this\n' });
  });

  it('is refused outside the prefix, in the same bucket, though the role itself may: AccessDenied', async () => {
    await Promise.all([
      expectAccessDenied('alice', 's3api', 'get-object', '--bucket', BUCKET, '--key', 'other-project/secret.txt', join(home, 'stolen.txt')),
      (async () => {
        await expect(
          alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other-project/planted.txt', Body: 'x' })),
        ).rejects.toMatchObject(denied);
        await expect(alice.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'other-project/' }))).rejects.toMatchObject(denied);
        await expect(alice.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject(denied);
        // A key that only starts like the prefix is another prefix.
        await expect(alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}-evil/x.txt`, Body: 'x' }))).rejects.toMatchObject(
          denied,
        );
      })(),
    ]);
    expect(await customerKeys('other-project/')).toEqual(['other-project/secret.txt']);
    expect(await customerKeys(`${PREFIX}-evil/`)).toEqual([]);
  });

  it('is refused in another bucket the role may use: AccessDenied', async () => {
    await Promise.all([
      expectAccessDenied('alice', 's3api', 'list-objects-v2', '--bucket', ARCHIVE),
      (async () => {
        await expect(alice.s3.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'old/secret.txt' }))).rejects.toMatchObject(denied);
        await expect(alice.s3.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: `${PREFIX}/x.txt`, Body: 'x' }))).rejects.toMatchObject(
          denied,
        );
      })(),
    ]);
  });
});

describe('carol’s profile (read member)', () => {
  let carol: Awaited<ReturnType<typeof profileClients>>;
  beforeAll(async () => {
    await customerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/shared.txt`, Body: 'for carol to read\n' }));
    writeFileSync(join(home, 'shared.txt'), 'for carol to read\n');
    carol = await profileClients('carol', ['--access', 'read']);
  });

  it('lists and reads inside the volume', async () => {
    // One `aws s3 cp --recursive` lists the prefix (ListObjectsV2) and reads what it found (GetObject).
    await awsOk('carol', 's3', 'cp', '--recursive', `s3://${BUCKET}/${PREFIX}/`, join(home, 'carol'));
    expect(readdirSync(join(home, 'carol'))).toContain('shared.txt');
    expect(readFileSync(join(home, 'carol', 'shared.txt'), 'utf8')).toBe('for carol to read\n');
  });

  it('is refused writes and deletes inside the volume: AccessDenied', async () => {
    await Promise.all([
      (async () => {
        const copied = await awsAs('carol', 's3', 'cp', join(home, 'shared.txt'), `s3://${BUCKET}/${PREFIX}/copy.txt`);
        expect(copied.ok).toBe(false);
        expect(copied.stderr).toMatch(/AccessDenied/);
      })(),
      (async () => {
        await expect(
          carol.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/carol-was-here.txt`, Body: 'x' })),
        ).rejects.toMatchObject(denied);
        await expect(carol.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/shared.txt` }))).rejects.toMatchObject(denied);
      })(),
    ]);
    const keys = await customerKeys(`${PREFIX}/`);
    expect(keys).toContain(`${PREFIX}/shared.txt`);
    expect(keys).not.toContain(`${PREFIX}/copy.txt`);
    expect(keys).not.toContain(`${PREFIX}/carol-was-here.txt`);
  });

  it('cannot get write credentials at all: the CLI’s refusal reaches the aws cli’s user', async () => {
    writeFileSync(
      join(home, '.aws', 'config'),
      `${readFileSync(join(home, '.aws', 'config'), 'utf8')}\n[profile carol-write]\nregion = us-east-1\ncredential_process = ` +
        `${credentialProcess(['--access', 'write']).join(' ')}\n`,
    );
    const outcome = await exec(
      '/usr/bin/aws',
      ['--endpoint-url', stack.info.awsEndpoint, '--profile', 'carol-write', 's3', 'ls', `s3://${BUCKET}/${PREFIX}/`],
      { env: userEnv('carol') },
    ).catch((e) => e);
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(
      /volume-gateway: not allowed to get write credentials for volume "alice-genomes" \(AccessExceedsMembership/,
    );
  });
});
