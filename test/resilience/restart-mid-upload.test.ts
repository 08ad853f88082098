/**
 * The stack's process killed (SIGKILL) while an upload part and a PutObject are half-way through their
 * bodies, then started again on the same data directory, as `npm start` is: nothing corrupt or half-written
 * is visible through the Node proxy front, the multipart upload resumes to a byte-identical object, another
 * one can be aborted, and the bytes that were in flight leave no file behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../local/free-port';
import { loadOrCreateSigningKey, signToken } from '../../local/oidc/token';

const MiB = 1024 * 1024;
const VOLUME = 'survives';
const dataDir = mkdtempSync(join(tmpdir(), 'vg-restart-upload-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
});

interface Info {
  apiUrl: string;
  nodeProxyUrl: string;
  awsEndpoint: string;
  issuer: string;
  audience: string;
  customers: Array<{ accessKeyId: string; secretAccessKey: string; accountId: string }>;
}

/** `npm start` as one node process (no tsx wrapper, so SIGKILL reaches the stack itself), in its own process group. */
async function startStack(ports: Record<string, number>): Promise<Info> {
  rmSync(join(dataDir, 'stack.json'), { force: true });
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      LOCAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
    detached: true,
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(dataDir, 'stack.json'))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the stack did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as Info;
}

async function killStack(): Promise<void> {
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  process.kill(-child!.pid!, 'SIGKILL');
  await exited;
}

/** alice's read-write volume on customer 0's bucket, verified, and her gateway key, all over the HTTP API. */
async function setUpVolume(info: Info): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const key = await loadOrCreateSigningKey(dataDir);
  const token = signToken({
    privateKey: key.privateKey,
    kid: key.kid,
    issuer: info.issuer,
    audience: info.audience,
    ttlSeconds: 3600,
    now: new Date(),
    sub: 'alice',
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const customer = info.customers[0]!;
  const common = { region: 'us-east-1', endpoint: info.awsEndpoint, credentials: customer, maxAttempts: 1 };
  await new S3Client({ ...common, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'lab' }));
  const iam = new IAMClient(common);
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${customer.accountId}:root` }, Action: 'sts:AssumeRole' }],
  });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'role-survives', AssumeRolePolicyDocument: placeholder }));
  const created = await api('POST', '/volumes', {
    name: VOLUME,
    bucket: 'lab',
    prefix: 'data',
    region: 'us-east-1',
    accessMode: 'read-write',
    auth: { type: 'role', roleArn: role.Role!.Arn },
  });
  expect(created.status).toBe(201);
  await iam.send(
    new UpdateAssumeRolePolicyCommand({ RoleName: 'role-survives', PolicyDocument: JSON.stringify(created.body.setup.trustPolicy) }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'role-survives',
      PolicyName: 'volume',
      PolicyDocument: JSON.stringify(created.body.setup.permissionsPolicy),
    }),
  );
  expect((await api('POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');
  const accessKey = await api('POST', '/access-keys', {});
  expect(accessKey.status).toBe(201);
  return { accessKeyId: accessKey.body.accessKeyId, secretAccessKey: accessKey.body.secretAccessKey };
}

/** Sends `declared` bytes' worth of headers and only `sent` bytes of body to a presigned PUT, then waits for more. */
function stalledPut(url: string, declared: number, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(declared) } });
    request.on('error', () => undefined); // the server dies under it
    request.write(Buffer.alloc(sent, 9), () => resolve());
  });
}

const bytes = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

it('a SIGKILL mid-body leaves no object nor half part: the upload resumes byte-identical, another aborts, no temp file stays', async () => {
  const ports = {
    API_PORT: await freePort(),
    PROXY_PORT: await freePort(),
    AWS_PORT: await freePort(),
    OIDC_PORT: await freePort(),
    NODE_PROXY_PORT: await freePort(),
    CONSOLE_PORT: await freePort(),
  };
  let info = await startStack(ports);
  const key = await setUpVolume(info);
  const s3 = () =>
    new S3Client({ region: 'us-east-1', endpoint: info.nodeProxyUrl, forcePathStyle: true, maxAttempts: 1, credentials: key });

  const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(123_457, 3)];
  const resumed = await s3().send(new CreateMultipartUploadCommand({ Bucket: VOLUME, Key: 'genome.bam' }));
  const part1 = await s3().send(
    new UploadPartCommand({ Bucket: VOLUME, Key: 'genome.bam', UploadId: resumed.UploadId, PartNumber: 1, Body: parts[0] }),
  );
  const dropped = await s3().send(new CreateMultipartUploadCommand({ Bucket: VOLUME, Key: 'dropped.bin' }));
  await s3().send(
    new UploadPartCommand({ Bucket: VOLUME, Key: 'dropped.bin', UploadId: dropped.UploadId, PartNumber: 1, Body: bytes(5 * MiB, 4) }),
  );

  // Part 2 and a PutObject, each half-way through its body, when the process is killed.
  const partUrl = await getSignedUrl(
    s3(),
    new UploadPartCommand({ Bucket: VOLUME, Key: 'genome.bam', UploadId: resumed.UploadId, PartNumber: 2 }),
    { expiresIn: 600 },
  );
  const putUrl = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: VOLUME, Key: 'half-put.bin' }), { expiresIn: 600 });
  await Promise.all([stalledPut(partUrl, 5 * MiB, 2 * MiB), stalledPut(putUrl, 3 * MiB, MiB)]);
  // The bytes sent have reached the local S3's temp files (what a crash must not leave visible).
  await expect.poll(() => filesUnder(join(dataDir, 's3', 'tmp')).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  await killStack();

  info = await startStack(ports);
  expect(filesUnder(join(dataDir, 's3', 'tmp'))).toEqual([]);
  // Nothing half-written is visible: neither object exists, and the upload holds part 1 only, whole.
  for (const Key of ['genome.bam', 'half-put.bin']) {
    await expect(s3().send(new HeadObjectCommand({ Bucket: VOLUME, Key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  }
  expect((await s3().send(new ListObjectsV2Command({ Bucket: VOLUME }))).Contents ?? []).toEqual([]);
  const listed = await s3().send(new ListPartsCommand({ Bucket: VOLUME, Key: 'genome.bam', UploadId: resumed.UploadId }));
  expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, 5 * MiB, part1.ETag]]);
  const uploads = await s3().send(new ListMultipartUploadsCommand({ Bucket: VOLUME }));
  expect(uploads.Uploads?.map((u) => u.Key).sort()).toEqual(['dropped.bin', 'genome.bam']);

  // Resume: the remaining parts, then complete; the object is the three parts, byte for byte.
  const part2 = await s3().send(
    new UploadPartCommand({ Bucket: VOLUME, Key: 'genome.bam', UploadId: resumed.UploadId, PartNumber: 2, Body: parts[1] }),
  );
  const part3 = await s3().send(
    new UploadPartCommand({ Bucket: VOLUME, Key: 'genome.bam', UploadId: resumed.UploadId, PartNumber: 3, Body: parts[2] }),
  );
  await s3().send(
    new CompleteMultipartUploadCommand({
      Bucket: VOLUME,
      Key: 'genome.bam',
      UploadId: resumed.UploadId,
      MultipartUpload: { Parts: [part1, part2, part3].map((p, i) => ({ PartNumber: i + 1, ETag: p.ETag })) },
    }),
  );
  const object = await s3().send(new GetObjectCommand({ Bucket: VOLUME, Key: 'genome.bam' }));
  expect(sha(await object.Body!.transformToByteArray())).toBe(sha(Buffer.concat(parts)));

  // The other upload can be aborted, and is gone.
  await s3().send(new AbortMultipartUploadCommand({ Bucket: VOLUME, Key: 'dropped.bin', UploadId: dropped.UploadId }));
  await expect(s3().send(new ListPartsCommand({ Bucket: VOLUME, Key: 'dropped.bin', UploadId: dropped.UploadId }))).rejects.toMatchObject({
    name: 'NoSuchUpload',
  });
  expect((await s3().send(new ListMultipartUploadsCommand({ Bucket: VOLUME }))).Uploads ?? []).toEqual([]);
  expect((await s3().send(new ListObjectsV2Command({ Bucket: VOLUME }))).Contents?.map((o) => o.Key)).toEqual(['genome.bam']);
}, 90_000);
