/**
 * The credentials story with real clients against the real local stack: alice registers and verifies a
 * read-write volume (through the API, as in volume-story.test.ts) and gives carol read access; each has a
 * profile in `~/.aws/config` whose `credential_process` is our CLI. Debian's aws cli and boto3 then work
 * inside the volume, and the vended credentials are refused everywhere else, even though the customer's
 * role itself may do much more: the session policy is what holds them in.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/volume-gateway.mjs');
const BUCKET = 'alice-lab';
const PREFIX = 'project-x';
const ARCHIVE = 'alice-archive';
const VOLUME = 'alice-genomes';

let stack: TestStack;
let customer: NodeJS.ProcessEnv;
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
    const { stdout, stderr } = await exec('/usr/bin/aws', ['--endpoint-url', stack.info.awsEndpoint, '--profile', who, '--output', 'json', ...args], { env: userEnv(who), timeout: 60_000 });
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

async function expectAccessDenied(who: string, ...args: string[]): Promise<void> {
  const outcome = await awsAs(who, ...args);
  expect({ args: args.join(' '), ok: outcome.ok }).toEqual({ args: args.join(' '), ok: false });
  expect(outcome.stderr).toMatch(/\(AccessDenied\)/);
}

/** Runs the setup commands the API returned, verbatim, as the customer. */
async function applySetup(commands: string[]): Promise<void> {
  for (const command of commands) {
    const script = `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`;
    await exec('bash', ['-euo', 'pipefail', '-c', script], { env: { ...customer, ENDPOINT: stack.info.awsEndpoint }, timeout: 60_000 });
  }
}

beforeAll(async () => {
  stack = await startTestStack();
  customer = stack.customerEnv(0);
  for (const who of ['alice', 'carol']) tokens[who] = stack.token({ sub: who });

  // The customer's side: the volume's bucket, data beside the volume's prefix, and a second bucket.
  const seed = join(stack.dataDir, 'seed.txt');
  writeFileSync(seed, 'not for the volume\n');
  for (const bucket of [BUCKET, ARCHIVE]) await stack.aws(customer, 's3', 'mb', `s3://${bucket}`);
  await stack.aws(customer, 's3', 'cp', seed, `s3://${BUCKET}/other-project/secret.txt`);
  await stack.aws(customer, 's3', 'cp', seed, `s3://${ARCHIVE}/old/secret.txt`);

  // Registered and verified through the API, the returned commands applied verbatim.
  const placeholder = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }] });
  const role = JSON.parse(await stack.aws(customer, 'iam', 'create-role', '--role-name', 'AliceGenomes', '--assume-role-policy-document', placeholder));
  const created = await api('alice', 'POST', '/volumes', { name: VOLUME, bucket: BUCKET, prefix: PREFIX, region: 'us-east-1', accessMode: 'read-write', auth: { type: 'role', roleArn: role.Role.Arn } });
  expect(created.status).toBe(201);
  await applySetup(created.body.setup.commands);
  const verified = await api('alice', 'POST', `/volumes/${created.body.id}/verify`);
  expect(verified.body.status).toBe('active');
  expect((await api('alice', 'PUT', `/volumes/${created.body.id}/members/carol`, { access: 'read' })).status).toBe(200);

  // Afterwards the customer gives the role far more than the volume: both buckets, every action.
  const everything = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [BUCKET, ARCHIVE].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]) }],
  });
  await stack.aws(customer, 'iam', 'put-role-policy', '--role-name', 'AliceGenomes', '--policy-name', 'everything', '--policy-document', everything);

  // Each user's ~/.aws/config: one profile per volume, credentials from our CLI.
  home = mkdtempSync(join(tmpdir(), 'vg-home-'));
  mkdirSync(join(home, '.aws'));
  const profile = (name: string, extra: string) =>
    `[profile ${name}]\nregion = us-east-1\ncredential_process = ${LAUNCHER} credentials --volume ${VOLUME}${extra} --api ${stack.info.apiUrl}\ns3 =\n  addressing_style = path\n`;
  writeFileSync(join(home, '.aws', 'config'), `${profile('alice', '')}\n${profile('carol', ' --access read')}`);
}, 120_000);

afterAll(() => stack?.close());

describe('alice’s profile (read-write)', () => {
  it('is a session of the volume’s role named for alice', async () => {
    const identity = JSON.parse(await awsOk('alice', 'sts', 'get-caller-identity'));
    expect(identity.Arn).toMatch(/:assumed-role\/AliceGenomes\/alice$/);
  });

  it('copies a file in, lists it, copies it back byte for byte, and removes it with aws s3', async () => {
    const original = Buffer.concat([Buffer.from('>read1\nACGT\n'), Buffer.from([0, 255, 128, 10])]);
    writeFileSync(join(home, 'reads.fa'), original);
    await awsOk('alice', 's3', 'cp', join(home, 'reads.fa'), `s3://${BUCKET}/${PREFIX}/run-1/reads.fa`);
    expect(await awsOk('alice', 's3', 'ls', `s3://${BUCKET}/${PREFIX}/run-1/`)).toMatch(/\s16 reads\.fa\n/);
    await awsOk('alice', 's3', 'cp', `s3://${BUCKET}/${PREFIX}/run-1/reads.fa`, join(home, 'back.fa'));
    expect(readFileSync(join(home, 'back.fa')).equals(original)).toBe(true);
    await awsOk('alice', 's3', 'rm', `s3://${BUCKET}/${PREFIX}/run-1/reads.fa`);
    expect(await awsOk('alice', 's3', 'ls', `s3://${BUCKET}/${PREFIX}/run-1/`).catch(() => '')).toBe('');
  });

  it('lists and downloads with boto3, from the same profile', async () => {
    writeFileSync(join(home, 'sample.txt'), 'boto3 reads this\n');
    await awsOk('alice', 's3', 'cp', join(home, 'sample.txt'), `s3://${BUCKET}/${PREFIX}/boto/sample.txt`);
    const script = [
      'import json, sys, boto3',
      'from botocore.config import Config',
      's3 = boto3.Session(profile_name=sys.argv[1]).client("s3", endpoint_url=sys.argv[2], config=Config(s3={"addressing_style": "path"}))',
      'listed = s3.list_objects_v2(Bucket=sys.argv[3], Prefix=sys.argv[4])',
      'body = s3.get_object(Bucket=sys.argv[3], Key=sys.argv[4] + "sample.txt")["Body"].read().decode()',
      'print(json.dumps({"keys": [o["Key"] for o in listed.get("Contents", [])], "body": body}))',
    ].join('\n');
    const { stdout } = await exec('/usr/bin/python3', ['-c', script, 'alice', stack.info.awsEndpoint, BUCKET, `${PREFIX}/boto/`], { env: userEnv('alice'), timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ keys: [`${PREFIX}/boto/sample.txt`], body: 'boto3 reads this\n' });
  });

  it('is refused outside the prefix, in the same bucket, though the role itself may: AccessDenied', async () => {
    await expectAccessDenied('alice', 's3api', 'get-object', '--bucket', BUCKET, '--key', 'other-project/secret.txt', join(home, 'stolen.txt'));
    await expectAccessDenied('alice', 's3api', 'put-object', '--bucket', BUCKET, '--key', 'other-project/planted.txt', '--body', join(home, 'sample.txt'));
    await expectAccessDenied('alice', 's3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'other-project/');
    await expectAccessDenied('alice', 's3api', 'list-objects-v2', '--bucket', BUCKET);
    // A key that only starts like the prefix is another prefix.
    await expectAccessDenied('alice', 's3api', 'put-object', '--bucket', BUCKET, '--key', `${PREFIX}-evil/x.txt`, '--body', join(home, 'sample.txt'));
    expect(await stack.aws(customer, 's3', 'ls', `s3://${BUCKET}/other-project/`)).not.toMatch(/planted/);
  });

  it('is refused in another bucket the role may use: AccessDenied', async () => {
    await expectAccessDenied('alice', 's3api', 'list-objects-v2', '--bucket', ARCHIVE);
    await expectAccessDenied('alice', 's3api', 'get-object', '--bucket', ARCHIVE, '--key', 'old/secret.txt', join(home, 'stolen.txt'));
    await expectAccessDenied('alice', 's3api', 'put-object', '--bucket', ARCHIVE, '--key', `${PREFIX}/x.txt`, '--body', join(home, 'sample.txt'));
  });
});

describe('carol’s profile (read member)', () => {
  beforeAll(async () => {
    writeFileSync(join(home, 'shared.txt'), 'for carol to read\n');
    await awsOk('alice', 's3', 'cp', join(home, 'shared.txt'), `s3://${BUCKET}/${PREFIX}/shared.txt`);
  });

  it('lists and reads inside the volume', async () => {
    expect(await awsOk('carol', 's3', 'ls', `s3://${BUCKET}/${PREFIX}/`)).toMatch(/shared\.txt/);
    await awsOk('carol', 's3', 'cp', `s3://${BUCKET}/${PREFIX}/shared.txt`, join(home, 'carol.txt'));
    expect(readFileSync(join(home, 'carol.txt'), 'utf8')).toBe('for carol to read\n');
  });

  it('is refused writes and deletes inside the volume: AccessDenied', async () => {
    await expectAccessDenied('carol', 's3api', 'put-object', '--bucket', BUCKET, '--key', `${PREFIX}/carol-was-here.txt`, '--body', join(home, 'shared.txt'));
    await expectAccessDenied('carol', 's3api', 'delete-object', '--bucket', BUCKET, '--key', `${PREFIX}/shared.txt`);
    const copied = await awsAs('carol', 's3', 'cp', join(home, 'shared.txt'), `s3://${BUCKET}/${PREFIX}/copy.txt`);
    expect(copied.ok).toBe(false);
    expect(copied.stderr).toMatch(/AccessDenied/);
    expect(await stack.aws(customer, 's3', 'ls', `s3://${BUCKET}/${PREFIX}/`)).toMatch(/shared\.txt/);
  });

  it('cannot get write credentials at all: the CLI’s refusal reaches the aws cli’s user', async () => {
    writeFileSync(
      join(home, '.aws', 'config'),
      `${readFileSync(join(home, '.aws', 'config'), 'utf8')}\n[profile carol-write]\nregion = us-east-1\ncredential_process = ${LAUNCHER} credentials --volume ${VOLUME} --access write --api ${stack.info.apiUrl}\n`,
    );
    const outcome = await exec('/usr/bin/aws', ['--endpoint-url', stack.info.awsEndpoint, '--profile', 'carol-write', 's3', 'ls', `s3://${BUCKET}/${PREFIX}/`], { env: userEnv('carol') }).catch((e) => e);
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/volume-gateway: not allowed to get write credentials for volume "alice-genomes" \(AccessExceedsMembership/);
  });
});
