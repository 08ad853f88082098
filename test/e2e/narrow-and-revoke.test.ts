/**
 * Narrower than the volume, and revoking what was handed out (issue 14, parts 3 and 4), with the JS SDK against
 * the local stack (the /usr/bin/aws story is docs/prefix-scopes-and-revoking.md's, run by prefix-scopes-guide.test.ts):
 * alice's read-write volume `project-x/` in the customer's bucket, its role also given far more than the volume (so
 * only the session policy holds credentials in).
 * - `POST …/credentials` with `prefix`: the vended credentials write and list inside the prefix, and the local S3
 *   refuses everything outside it (objects, a listing of a parent, a listing without a prefix); sessions per prefix.
 * - `POST /access-keys` with `scopes`: the proxy holds the key to them (AccessDenied outside, writes where it reads).
 * - `POST …/revoke-sessions`: the next vend is a new session; the returned `aws iam put-role-policy` command, run by
 *   the customer with /usr/bin/aws, ends the old session at the local S3 and leaves the new one working; the proxy's
 *   cached session for an access key is not used after the revocation (the old one is refused once the deny is on).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const exec = promisify(execFile);
const BUCKET = 'narrow-lab';
const ROOT = 'project-x';
const VOLUME = 'narrow-genomes';

let stack: TestStack;
let volumeId: string;
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

interface Vended {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  prefix: string;
}

async function vend(body: Record<string, unknown> = {}): Promise<Vended> {
  const answer = await api('alice', 'POST', `/volumes/${volumeId}/credentials`, body);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** An S3 client of the local AWS with vended credentials. */
const sessionS3 = (c: Vended) =>
  new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
  });

const put = (s3: S3Client, Bucket: string, Key: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body: 'inside the prefix\n' }));
const get = async (s3: S3Client, Bucket: string, Key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
const list = async (s3: S3Client, Bucket: string, Prefix?: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket, ...(Prefix === undefined ? {} : { Prefix }) }))).Contents ?? []).map((o) => o.Key);
const denied = { name: 'AccessDenied', $metadata: expect.objectContaining({ httpStatusCode: 403 }) };

beforeAll(async () => {
  stack = await startTestStack();
  const customer = stack.info.customers[0]!;
  const config = {
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey },
    maxAttempts: 1,
  };
  const customerS3 = new S3Client({ ...config, forcePathStyle: true });
  const iam = new IAMClient(config);
  for (const who of ['alice', 'carol', 'mallory']) tokens[who] = stack.token({ sub: who });
  await customerS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await customerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${ROOT}/shared/readme.txt`, Body: 'beside the prefix\n' }));
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'NarrowGenomes', AssumeRolePolicyDocument: placeholder }));
  const created = await api('alice', 'POST', '/volumes', {
    name: VOLUME,
    bucket: BUCKET,
    prefix: ROOT,
    region: 'us-east-1',
    accessMode: 'read-write',
    auth: { type: 'role', roleArn: role.Role!.Arn },
  });
  expect(created.status).toBe(201);
  volumeId = created.body.id;
  const { trustPolicy, permissionsPolicy } = created.body.setup;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'NarrowGenomes', PolicyDocument: JSON.stringify(trustPolicy) }));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'NarrowGenomes', PolicyName: 'volume', PolicyDocument: JSON.stringify(permissionsPolicy) }),
  );
  expect((await api('alice', 'POST', `/volumes/${volumeId}/verify`)).body.status).toBe('active');
  expect((await api('alice', 'PUT', `/volumes/${volumeId}/members/carol`, { access: 'read' })).status).toBe(200);
  // The customer gives the role the whole bucket afterwards: the session policy alone holds credentials in.
  const everything = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
  });
  await iam.send(new PutRolePolicyCommand({ RoleName: 'NarrowGenomes', PolicyName: 'everything', PolicyDocument: everything }));
}, 120_000);

afterAll(() => stack?.close());

describe('credentials narrowed to a prefix', () => {
  it('answer the full narrowed prefix and work inside it, AccessDenied outside it (objects, a parent listing, no prefix)', async () => {
    const narrowed = await vend({ prefix: 'runs/1/' });
    expect(narrowed.prefix).toBe(`${ROOT}/runs/1/`);
    const s3 = sessionS3(narrowed);
    await put(s3, BUCKET, `${ROOT}/runs/1/work/a.txt`);
    expect(await list(s3, BUCKET, `${ROOT}/runs/1/`)).toEqual([`${ROOT}/runs/1/work/a.txt`]);
    expect(await get(s3, BUCKET, `${ROOT}/runs/1/work/a.txt`)).toBe('inside the prefix\n');

    await expect(put(s3, BUCKET, `${ROOT}/runs/2/a.txt`)).rejects.toMatchObject(denied);
    await expect(get(s3, BUCKET, `${ROOT}/shared/readme.txt`)).rejects.toMatchObject(denied);
    await expect(list(s3, BUCKET, `${ROOT}/`)).rejects.toMatchObject(denied);
    await expect(list(s3, BUCKET, `${ROOT}/runs/1`)).rejects.toMatchObject(denied);
    await expect(list(s3, BUCKET)).rejects.toMatchObject(denied);
  });

  it('are cached per prefix: the same prefix is the same session, another prefix or none another', async () => {
    const a = await vend({ prefix: 'runs/7/' });
    expect((await vend({ prefix: 'runs/7/' })).AccessKeyId).toBe(a.AccessKeyId);
    const b = await vend({ prefix: 'runs/8/' });
    const whole = await vend();
    expect(new Set([a.AccessKeyId, b.AccessKeyId, whole.AccessKeyId]).size).toBe(3);
    expect(whole.prefix).toBe(ROOT);
    // The runs/7/ session cannot write into runs/8/.
    await expect(put(sessionS3(a), BUCKET, `${ROOT}/runs/8/x.txt`)).rejects.toMatchObject(denied);
  });

  it('refuse a prefix that does not end in "/" or breaks the key rule, naming the field prefix', async () => {
    for (const prefix of ['runs/1', '../runs/', 'runs/./x/', '', `${'x'.repeat(1020)}/`]) {
      const answer = await api('alice', 'POST', `/volumes/${volumeId}/credentials`, { prefix });
      expect({ prefix: prefix.slice(0, 20), status: answer.status, code: answer.body.code }).toEqual({
        prefix: prefix.slice(0, 20),
        status: 400,
        code: 'ValidationFailed',
      });
      expect(answer.body.field).toBe('prefix');
    }
  });
});

interface Key {
  accessKeyId: string;
  secretAccessKey: string;
  scopes?: unknown[];
}

async function createKey(scopes: unknown[]): Promise<Key> {
  const answer = await api('alice', 'POST', '/access-keys', { scopes });
  expect(answer.status).toBe(201);
  return answer.body;
}

/** An S3 client of the proxy's Node front with a gateway access key (volumes are buckets). */
const proxyS3 = (key: Key) =>
  new S3Client({
    endpoint: stack.info.nodeProxyUrl,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });

describe('access keys with scopes, through the proxy', () => {
  it('a Nextflow run’s key reads the whole volume but writes only its work directory', async () => {
    const key = await createKey([
      { volumeId, access: 'read' },
      { volumeId, prefix: 'runs/9/work/', access: 'write' },
    ]);
    expect(key.scopes).toEqual([
      { volumeId, access: 'read' },
      { volumeId, prefix: 'runs/9/work/', access: 'write' },
    ]);
    const listed = await api('alice', 'GET', '/access-keys');
    expect(listed.body.items.find((k: Key) => k.accessKeyId === key.accessKeyId).scopes).toEqual(key.scopes);

    const s3 = proxyS3(key);
    await put(s3, VOLUME, 'runs/9/work/ab/task.txt');
    expect(await get(s3, VOLUME, 'shared/readme.txt')).toBe('beside the prefix\n');
    expect(await list(s3, VOLUME)).toContain('runs/9/work/ab/task.txt');
    await expect(put(s3, VOLUME, 'runs/9/results.txt')).rejects.toMatchObject(denied);
    await expect(s3.send(new DeleteObjectCommand({ Bucket: VOLUME, Key: 'shared/readme.txt' }))).rejects.toMatchObject(denied);
  });

  it('a key scoped to a prefix is refused outside it: objects, a listing of a parent or of the whole volume', async () => {
    const key = await createKey([{ volumeId, prefix: 'runs/9/work/' }]);
    const s3 = proxyS3(key);
    expect(await list(s3, VOLUME, 'runs/9/work/')).toEqual(['runs/9/work/ab/task.txt']);
    expect(await get(s3, VOLUME, 'runs/9/work/ab/task.txt')).toBe('inside the prefix\n');
    await expect(list(s3, VOLUME, 'runs/')).rejects.toMatchObject(denied);
    await expect(list(s3, VOLUME)).rejects.toMatchObject(denied);
    await expect(get(s3, VOLUME, 'shared/readme.txt')).rejects.toMatchObject(denied);
  });

  it('a read scope refuses writes inside its prefix', async () => {
    const key = await createKey([{ volumeId, prefix: 'runs/9/', access: 'read' }]);
    expect(await get(proxyS3(key), VOLUME, 'runs/9/work/ab/task.txt')).toBe('inside the prefix\n');
    await expect(put(proxyS3(key), VOLUME, 'runs/9/work/ab/other.txt')).rejects.toMatchObject(denied);
  });

  it('refuses scopes it cannot honour: a bad prefix (400 naming the field), a volume one is not a member of', async () => {
    const bad = await api('alice', 'POST', '/access-keys', { scopes: [{ volumeId, prefix: 'runs/9' }] });
    expect(bad).toMatchObject({ status: 400, body: { code: 'ValidationFailed' } });
    expect(bad.body.message).toMatch(/scopes\.0\.prefix/);
    const foreign = await api('mallory', 'POST', '/access-keys', { scopes: [{ volumeId }] });
    expect(foreign).toMatchObject({ status: 400, body: { code: 'UnknownVolume' } });
    const tooMuch = await api('carol', 'POST', '/access-keys', { scopes: [{ volumeId, access: 'write' }] });
    expect(tooMuch).toMatchObject({ status: 403, body: { code: 'AccessExceedsMembership' } });
  });
});

describe('revoking the volume’s sessions', () => {
  it('is for admins only: a reader is refused (403), an outsider does not see the volume (404)', async () => {
    expect(await api('carol', 'POST', `/volumes/${volumeId}/revoke-sessions`)).toMatchObject({
      status: 403,
      body: { code: 'NotVolumeAdmin' },
    });
    expect(await api('mallory', 'POST', `/volumes/${volumeId}/revoke-sessions`)).toMatchObject({
      status: 404,
      body: { code: 'VolumeNotFound' },
    });
  });

  it('issues new sessions from then on, and its command ends the old ones at S3 while the new ones work', async () => {
    const before = await vend();
    // The proxy caches a session for this key's requests.
    const key = await createKey([{ volumeId }]);
    expect(await get(proxyS3(key), VOLUME, 'shared/readme.txt')).toBe('beside the prefix\n');
    await put(sessionS3(before), BUCKET, `${ROOT}/revoke/a.txt`);

    const revoked = await api('alice', 'POST', `/volumes/${volumeId}/revoke-sessions`);
    expect(revoked.status).toBe(200);
    const { sessionsRevokedAt, command, policyName, stalenessSeconds } = revoked.body;
    expect(sessionsRevokedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(policyName).toBe(`volume-gateway-revoke-${volumeId}`);
    expect(stalenessSeconds).toBe(5);
    expect(command).toMatch(
      /^aws iam put-role-policy --role-name NarrowGenomes --policy-name volume-gateway-revoke-vol-\S+ --policy-document '/,
    );
    expect(command).toContain(`"DateLessThan":{"aws:TokenIssueTime":"${sessionsRevokedAt}"}`);

    const after = await vend();
    expect(after.AccessKeyId).not.toBe(before.AccessKeyId);

    // The customer runs the command as given, with /usr/bin/aws.
    const customer = { ...stack.customerEnv(0), AWS_ENDPOINT_URL: stack.info.awsEndpoint };
    await exec('/bin/sh', ['-c', command], { env: customer, timeout: 60_000 });

    await expect(get(sessionS3(before), BUCKET, `${ROOT}/revoke/a.txt`)).rejects.toMatchObject(denied);
    expect(await get(sessionS3(after), BUCKET, `${ROOT}/revoke/a.txt`)).toBe('inside the prefix\n');
    // The proxy signs with a session issued after the revocation: the old one it cached would now be refused.
    expect(await get(proxyS3(key), VOLUME, 'shared/readme.txt')).toBe('beside the prefix\n');

    const audit = await api('alice', 'GET', `/volumes/${volumeId}/audit`);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'sessions.revoke', outcome: 'succeeded', subject: 'alice', detail: { sessionsRevokedAt } }),
    );
  });
});
