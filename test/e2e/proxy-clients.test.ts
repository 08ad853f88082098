/**
 * The proxy's client matrix (issue 5, "Done when"): real S3 clients against the real local stack, as a user runs
 * them, each with a gateway access key and the proxy as its endpoint, path-style:
 * - /usr/bin/aws 2.9 (Debian): `s3 ls/cp/sync/mv/rm` and `s3api` for every operation the proxy serves;
 * - boto3 1.26 from /usr/bin/python3 (proxy-clients/boto3-client.py);
 * - rclone 1.60, its remote configured through the environment only;
 * - `@aws-sdk/client-s3` with `@aws-sdk/lib-storage`.
 * Every client goes through the Node front, the S3 endpoint the README gives S3 clients: a function URL as AWS runs
 * it (modelled locally by default) gives a HeadObject no Content-Length, which the aws cli, boto3 and rclone size
 * their transfers from; what each client does there is function-url-clients.test.ts's matrix. Objects of 0 B, 1 KiB
 * and 4 MiB, and 20 MiB in three parts of the clients' default 8 MiB, the last one short (with the JS SDK's ranged
 * GETs of it through both fronts). Every transfer is checked byte for byte, every refusal by its S3 error code. alice is the
 * volume's read-write owner, carol a read member, bob a stranger. (Copies and moves above the multipart threshold,
 * UploadPartCopy of ranges through both fronts with tags kept: proxy-copy-move.test.ts.)
 *
 * Every operation the proxy serves is made at least once by the aws cli itself. Where a check's point is the
 * proxy's answer rather than the cli's (a listing after a move, the object behind an ETag, a source to copy from)
 * it is made with the JS SDK, in process: each aws cli start costs about a second of CPU, so a test's aws cli commands
 * run in order in one Python process (`awsAll`: the cli's own entry point, a fresh driver per command). One stack for
 * the file; the big file is generated once; independent runs of different clients or users go side by side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliBatch, boto3, fileSha256, type GatewayKey, ok, rclone, sha256, statuses } from './proxy-clients/clients';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const MiB = 1024 * 1024;
const SIZES = { '0B.bin': 0, '1KiB.bin': 1024, '4MiB.bin': 4 * MiB } as const;
/** Above every client's 8 MiB multipart threshold: three parts of 8 MiB, the last one 4 MiB. */
const BIG = 20 * MiB;
const TREE = ['readme.txt', 'data/a.csv', 'data/deep/b.bin', 'data/deep/empty'];
/**
 * The tree's text files hold UTF-8 text. The aws cli and rclone label .txt and .csv bodies text/*, and a function URL
 * hands a text/* body to the function as a string, not base64: bytes that are not UTF-8 do not survive that (today
 * such a PutObject fails with a 400 through the function URL; through the Node front it works).
 */
const treeFile = (name: string) =>
  name.endsWith('empty') ? '' : /\.(txt|csv)$/.test(name) ? `${name}: naïve café, ✓ 🧬\n`.repeat(20) : randomBytes(300);
/** Keys a local file can be named (uploaded by `s3 cp --recursive`), and one it cannot (by `s3api put-object`). */
const ODD_FILES = ['sp ace.txt', 'plus+sign', 'eq=uals', 'per%cent', 'ünïcødé ✓', `${V}/alice-lab/project-x/x`];
const ODD_KEYS = [...ODD_FILES, 'double//slash'];

let w: ProxyWorld;
let dir: string;
let fnUrl: string;
let nodeFront: string;
let alice: GatewayKey;
let carol: GatewayKey;
let aws: ReturnType<typeof awsCli>;
let awsBatch: ReturnType<typeof awsCliBatch>;
let py: ReturnType<typeof boto3>;
let rc: ReturnType<typeof rclone>;
/** The JS SDK as alice, through the Node front and the function URL, and as the customer straight at the bucket. */
let js: { fn: S3Client; node: S3Client; customer: S3Client };
const shas: Record<string, string> = {};

/** A fresh local path under the work directory (its parent made). */
const local = (name: string) => {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
};
const write = (name: string, data: Buffer | string) => {
  writeFileSync(local(name), data);
  shas[name] = sha256(data);
  return join(dir, name);
};
const s3 = (key = '') => `s3://${V}/${key}`;
/** The aws cli's commands, in order, in one process (aws-batch.py): each one's run. */
const awsAll = (key: GatewayKey, front: string, ...commands: string[][]) => awsBatch(key, front, commands);
/** The same, each one's stdout, or an error with what the first that failed said. */
const awsAllOk = async (key: GatewayKey, front: string, ...commands: string[][]) => (await awsAll(key, front, ...commands)).map(ok);
/** The SHA-256 of the volume's object `key`, read with the JS SDK. */
const objectSha = async (client: S3Client, key: string) =>
  sha256(Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: V, Key: key }))).Body!.transformToByteArray()));
/** The keys under `prefix` of the volume, listed with the JS SDK. */
const keysUnder = async (prefix: string) =>
  ((await js.node.send(new ListObjectsV2Command({ Bucket: V, Prefix: prefix }))).Contents ?? []).map((c) => c.Key!);
/** The S3 error a JS SDK request was refused with, as `status Name`. */
const refusal = (sent: Promise<unknown>) =>
  sent.then(
    () => 'ok',
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => `${error.$metadata?.httpStatusCode} ${error.name}`,
  );

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-clients-'));
  ({ proxyUrl: fnUrl, nodeProxyUrl: nodeFront } = w.stack.info);
  ({ alice, carol } = w.keys as { alice: GatewayKey; carol: GatewayKey });
  aws = awsCli(dir);
  awsBatch = awsCliBatch(dir);
  py = boto3(dir);
  rc = rclone(dir);
  const customer = w.stack.info.customers[0]!;
  js = {
    fn: w.s3('alice', fnUrl),
    node: w.s3('alice', nodeFront),
    customer: new S3Client({ endpoint: w.stack.info.awsEndpoint, region: 'us-east-1', forcePathStyle: true, credentials: customer }),
  };
  for (const [name, size] of Object.entries(SIZES)) write(`sizes/${name}`, randomBytes(size));
  write('big/big.bin', randomBytes(BIG));
  for (const name of TREE) write(`tree/${name}`, treeFile(name));
}, 120_000);
afterAll(async () => {
  js?.customer.destroy();
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('aws cli: s3 commands', () => {
  it('cp --recursive uploads and downloads 0 B, 1 KiB and 4 MiB byte for byte', async () => {
    await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'cp', '--recursive', join(dir, 'sizes'), s3('cli/cp/'), '--no-progress'],
      ['s3', 'cp', '--recursive', s3('cli/cp/'), local('cp-down/'), '--no-progress'],
    );
    for (const name of Object.keys(SIZES))
      expect({ name, sha: fileSha256(local(`cp-down/${name}`)) }).toEqual({ name, sha: shas[`sizes/${name}`] });
    // Where it landed in the customer's bucket: under the volume's prefix, as sent.
    const direct = await js.customer.send(new GetObjectCommand({ Bucket: 'alice-lab', Key: 'project-x/cli/cp/4MiB.bin' }));
    expect(sha256(Buffer.from(await direct.Body!.transformToByteArray()))).toBe(shas['sizes/4MiB.bin']);
  }, 60_000);

  it('cp of 20 MiB through the Node front goes in three parts and comes back identical', async () => {
    await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'cp', join(dir, 'big/big.bin'), s3('cli/big/big.bin'), '--no-progress'],
      ['s3', 'cp', s3('cli/big/big.bin'), local('big-down/big.bin'), '--no-progress'],
    );
    expect((await js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'cli/big/big.bin' }))).ETag).toMatch(/-3"$/);
    expect(fileSha256(local('big-down/big.bin'))).toBe(shas['big/big.bin']);
  }, 90_000);

  it('ls shows the caller’s volumes as buckets, then the volume root and a prefix, never the volume’s prefix', async () => {
    const names = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/).slice(2).join(' '));
    const [buckets, root, prefix] = await awsAllOk(alice, nodeFront, ['s3', 'ls'], ['s3', 'ls', s3()], ['s3', 'ls', s3('cli/cp/')]);
    expect(names(buckets!)).toEqual(['alice-archive', 'alice-genomes']);
    expect((await w.s3('carol', nodeFront).send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name)).toEqual(['alice-genomes']);
    expect(root).toMatch(/^\s+PRE cli\/$/m);
    expect(root).not.toMatch(/project-x|secret/);
    const files = prefix!
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).slice(2));
    expect(Object.fromEntries(files.map(([size, name]) => [name, Number(size)]))).toEqual(SIZES);
  });

  it('sync uploads a tree, brings it back identical, and finds nothing to do the second time', async () => {
    const [up, , again] = await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'sync', join(dir, 'tree'), s3('cli/sync/'), '--no-progress'],
      ['s3', 'sync', s3('cli/sync/'), local('sync-down/'), '--no-progress'],
      ['s3', 'sync', join(dir, 'tree'), s3('cli/sync/'), '--no-progress'],
    );
    expect(up!.match(/^upload: /gm)).toHaveLength(TREE.length);
    for (const name of TREE) expect({ name, sha: fileSha256(local(`sync-down/${name}`)) }).toEqual({ name, sha: shas[`tree/${name}`] });
    expect(again).toBe('');
  }, 60_000);

  it('mv moves an object within the volume: the source is gone, the target holds its bytes', async () => {
    await js.node.send(new PutObjectCommand({ Bucket: V, Key: 'cli/mv/src.bin', Body: readFileSync(join(dir, 'sizes/1KiB.bin')) }));
    // Then a single-object cp down: HeadObject, then GetObject.
    await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'mv', s3('cli/mv/src.bin'), s3('cli/mv/dst.bin'), '--no-progress'],
      ['s3', 'cp', s3('cli/mv/dst.bin'), local('mv-down.bin'), '--no-progress'],
    );
    expect(await keysUnder('cli/mv/')).toEqual(['cli/mv/dst.bin']);
    expect(fileSha256(local('mv-down.bin'))).toBe(shas['sizes/1KiB.bin']);
  });

  it('rm removes one object, and --recursive a whole prefix', async () => {
    const [one, removed] = await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'rm', s3('cli/mv/dst.bin')],
      ['s3', 'rm', '--recursive', s3('cli/sync/')],
    );
    expect(one).toMatch(/^delete: /);
    expect(removed!.match(/^delete: /gm)).toHaveLength(TREE.length);
    const left = await keysUnder('cli/');
    expect(left.filter((key) => /^cli\/(sync|mv)\//.test(key))).toEqual([]);
    expect(left.length).toBeGreaterThan(3);
  });
});

describe('aws cli: s3api, one command per operation', () => {
  const api = (key: GatewayKey, front: string, op: string, ...args: string[]) => aws(key, front, 's3api', op, '--bucket', V, ...args);
  const apiJson = async (key: GatewayKey, front: string, op: string, ...args: string[]) =>
    JSON.parse(ok(await api(key, front, op, ...args)) || '{}');
  /** s3api commands (`[op, ...args]`) on the volume, in order, in one process: each one's run. */
  const apis = (key: GatewayKey, front: string, ...commands: string[][]) =>
    awsAll(key, front, ...commands.map(([op, ...args]) => ['s3api', op!, '--bucket', V, ...args]));
  const json = (run: Parameters<typeof ok>[0]) => JSON.parse(ok(run) || '{}');

  it('put-object, then get-object of bytes=0-9 is a 206 with those 10 bytes, and head-object has the real ContentLength', async () => {
    const body = write('r20.txt', '0123456789abcdefghij');
    const [put, ranged, head] = await apis(
      alice,
      nodeFront,
      ['put-object', '--key', 'api/r20.txt', '--body', body],
      ['get-object', '--key', 'api/r20.txt', '--range', 'bytes=0-9', local('r10.txt'), '--debug'],
      ['head-object', '--key', 'api/r20.txt'],
    );
    expect(json(put!).ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(JSON.parse(ok(ranged!))).toMatchObject({ ContentLength: 10, ContentRange: 'bytes 0-9/20' });
    expect(statuses(ranged!).at(-1)).toBe('GET 206');
    expect(readFileSync(local('r10.txt'), 'utf8')).toBe('0123456789');
    expect(JSON.parse(ok(head!)).ContentLength).toBe(20);
    expect((await js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'cli/cp/0B.bin' }))).ContentLength).toBe(0);
  });

  it('copy-object copies within the volume; delete-object removes it, then get-object answers NoSuchKey with a 404', async () => {
    // What was copied is read back by the cli before it is deleted: one process for the four commands.
    const [copied, read, deleted, missing] = await apis(
      alice,
      nodeFront,
      ['copy-object', '--key', 'api/copy.bin', '--copy-source', `${V}/cli/cp/1KiB.bin`],
      ['get-object', '--key', 'api/copy.bin', local('copied.bin')],
      ['delete-object', '--key', 'api/copy.bin'],
      ['get-object', '--key', 'api/copy.bin', local('never.bin'), '--debug'],
    );
    for (const run of [copied!, read!, deleted!]) ok(run);
    expect(fileSha256(local('copied.bin'))).toBe(shas['sizes/1KiB.bin']);
    expect(await keysUnder('api/copy.bin')).toEqual([]);
    expect(missing!.code).not.toBe(0);
    expect(missing!.stderr).toMatch(/An error occurred \(NoSuchKey\) when calling the GetObject operation/);
    expect(statuses(missing!).at(-1)).toBe('GET 404');
  });

  it('delete-objects deletes each key it names', async () => {
    for (const key of ['api/many/1', 'api/many/2']) await js.node.send(new PutObjectCommand({ Bucket: V, Key: key, Body: key }));
    const deleted = await apiJson(
      alice,
      nodeFront,
      'delete-objects',
      '--delete',
      JSON.stringify({ Objects: [{ Key: 'api/many/1' }, { Key: 'api/many/2' }] }),
    );
    expect(deleted.Deleted.map((d: { Key: string }) => d.Key).sort()).toEqual(['api/many/1', 'api/many/2']);
    expect(await keysUnder('api/many/')).toEqual([]);
  });

  it('list-objects-v2 and list-objects (V1) with prefix and delimiter show keys relative to the volume root', async () => {
    for (const name of ['a/1', 'a/2', 'b', 'c/3'])
      await js.node.send(new PutObjectCommand({ Bucket: V, Key: `api/list/${name}`, Body: name }));
    const listings = (
      await apis(
        alice,
        nodeFront,
        ...['list-objects-v2', 'list-objects'].map((op) => [op, '--prefix', 'api/list/', '--delimiter', '/', '--no-paginate']),
      )
    ).map(json);
    for (const [i, op] of ['list-objects-v2', 'list-objects'].entries()) {
      const listed = listings[i];
      expect({
        op,
        name: listed.Name,
        prefix: listed.Prefix,
        keys: listed.Contents.map((c: { Key: string }) => c.Key),
        prefixes: listed.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix),
      }).toEqual({
        op,
        name: V,
        prefix: 'api/list/',
        keys: ['api/list/b'],
        prefixes: ['api/list/a/', 'api/list/c/'],
      });
    }
    const all = await keysUnder('');
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((key) => /^project-x|secret\.txt/.test(key))).toEqual([]);
  });

  it('head-bucket and get-bucket-location answer for the volume; another user’s volume is not found', async () => {
    const [head, location] = await apis(alice, nodeFront, ['head-bucket'], ['get-bucket-location']);
    expect(ok(head!)).toBe('');
    expect(JSON.parse(ok(location!))).toEqual({ LocationConstraint: null });
    expect(await refusal(js.node.send(new HeadBucketCommand({ Bucket: 'bob-data' })))).toBe('404 NotFound');
  });

  it('the multipart set through the Node front: create, upload-part, list-parts, list-multipart-uploads, complete', async () => {
    const big = readFileSync(join(dir, 'big/big.bin'));
    const parts = [write('parts/1', big.subarray(0, 5 * MiB)), write('parts/2', big.subarray(5 * MiB, 5 * MiB + 1024))];
    const key = 'api/mpu/assembled.bin';
    const { UploadId } = await apiJson(alice, nodeFront, 'create-multipart-upload', '--key', key);
    // A part's ETag is its MD5: known before upload-part answers, so the rest is one process (checked below).
    const etags = parts.map((part) => `"${createHash('md5').update(readFileSync(part)).digest('hex')}"`);
    const uploadPart = (part: string, i: number) => [
      'upload-part',
      '--key',
      key,
      '--upload-id',
      UploadId,
      '--part-number',
      String(i + 1),
      '--body',
      part,
    ];
    const layout = JSON.stringify({ Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) });
    const runs = await apis(
      alice,
      nodeFront,
      ...parts.map(uploadPart),
      ['list-parts', '--key', key, '--upload-id', UploadId],
      ['list-multipart-uploads', '--no-paginate'],
      ['complete-multipart-upload', '--key', key, '--upload-id', UploadId, '--multipart-upload', layout],
    );
    const [part1, part2, listed, uploads, done] = runs.map(json);
    expect([part1.ETag, part2.ETag]).toEqual(etags);
    expect(listed.Parts.map((p: { PartNumber: number; Size: number; ETag: string }) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, etags[0]],
      [2, 1024, etags[1]],
    ]);
    expect({ bucket: uploads.Bucket, uploads: uploads.Uploads.map((u: { Key: string; UploadId: string }) => [u.Key, u.UploadId]) }).toEqual(
      { bucket: V, uploads: [[key, UploadId]] },
    );
    expect(done).toMatchObject({ Bucket: V, Key: key, ETag: expect.stringMatching(/-2"$/) });
    expect(await objectSha(js.node, key)).toBe(sha256(big.subarray(0, 5 * MiB + 1024)));
  }, 60_000);

  it('abort-multipart-upload ends an upload: it is no longer listed and its parts are gone', async () => {
    const { UploadId } = await js.node.send(new CreateMultipartUploadCommand({ Bucket: V, Key: 'api/mpu/aborted.bin' }));
    const [aborted, parts] = await apis(
      alice,
      nodeFront,
      ['abort-multipart-upload', '--key', 'api/mpu/aborted.bin', '--upload-id', UploadId!],
      ['list-parts', '--key', 'api/mpu/aborted.bin', '--upload-id', UploadId!],
    );
    ok(aborted!);
    expect((await js.node.send(new ListMultipartUploadsCommand({ Bucket: V }))).Uploads ?? []).toEqual([]);
    expect(parts!.stderr).toMatch(/NoSuchUpload/);
  });

  it('a read member is refused put-object with AccessDenied, and nothing is written; reading works', async () => {
    const [refused, read] = await apis(
      carol,
      nodeFront,
      ['put-object', '--key', 'api/carol.txt', '--body', join(dir, 'r20.txt')],
      ['get-object', '--key', 'cli/cp/1KiB.bin', local('carol-read.bin')],
    );
    expect(refused!.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the PutObject operation/);
    expect(await refusal(js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'api/carol.txt' })))).toBe('404 NotFound');
    ok(read!);
    expect(fileSha256(local('carol-read.bin'))).toBe(shas['sizes/1KiB.bin']);
  });

  it('copies from a volume the caller cannot read are refused with AccessDenied, by copy-object and upload-part-copy', async () => {
    await w.s3('bob', nodeFront).send(new PutObjectCommand({ Bucket: 'bob-data', Key: 'private.txt', Body: 'bob’s own' }));
    const { UploadId } = await js.node.send(new CreateMultipartUploadCommand({ Bucket: V, Key: 'api/stolen.bin' }));
    const [copy, part] = await apis(
      alice,
      nodeFront,
      ['copy-object', '--key', 'api/stolen.txt', '--copy-source', 'bob-data/private.txt'],
      [
        'upload-part-copy',
        '--key',
        'api/stolen.bin',
        '--upload-id',
        UploadId!,
        '--part-number',
        '1',
        '--copy-source',
        'bob-data/private.txt',
      ],
    );
    expect(copy!.stderr).toMatch(
      /\(AccessDenied\) when calling the CopyObject operation.*: You may not read the copy source "bob-data\/private.txt"/,
    );
    expect(part!.stderr).toMatch(/\(AccessDenied\) when calling the UploadPartCopy operation/);
    await js.node.send(new AbortMultipartUploadCommand({ Bucket: V, Key: 'api/stolen.bin', UploadId }));
    expect(await refusal(js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'api/stolen.txt' })))).toBe('404 NotFound');
  });

  it('keys with spaces, +, =, %, unicode, // and the volume’s own names round-trip through s3 cp --recursive and s3api put-object and ' +
    'list-objects-v2', async () => {
    for (const name of ODD_FILES) write(`odd-up/${name}`, `body of ${name}`);
    const slash = write('odd-slash', 'body of double//slash');
    // Down again by the high-level command, which lists, then gets each key as listed (`a//b` lands in a/b locally).
    const [, , listed] = await awsAllOk(
      alice,
      nodeFront,
      ['s3', 'cp', '--recursive', join(dir, 'odd-up'), s3('odd/'), '--no-progress'],
      ['s3api', 'put-object', '--bucket', V, '--key', 'odd/double//slash', '--body', slash],
      ['s3api', 'list-objects-v2', '--bucket', V, '--prefix', 'odd/'],
      ['s3', 'cp', '--recursive', s3('odd/'), local('odd-down/'), '--no-progress'],
    );
    expect(
      JSON.parse(listed!)
        .Contents.map((c: { Key: string }) => c.Key)
        .sort(),
    ).toEqual(ODD_KEYS.map((k) => `odd/${k}`).sort());
    for (const key of ODD_KEYS)
      expect({ key, body: readFileSync(local(`odd-down/${key}`), 'utf8') }).toEqual({ key, body: `body of ${key}` });
  }, 60_000);
});

describe('boto3', () => {
  it('puts, gets a range, lists and deletes 0 B and 1 KiB, and upload_file/download_file 4 MiB', async () => {
    const file = (name: string) => join(dir, 'sizes', name);
    const [seen, carolSeen] = await Promise.all([
      py(alice, nodeFront, V, 'boto3/', [
        { name: 'empty', do: 'putGet', key: 'empty.bin', file: file('0B.bin') },
        { name: 'small', do: 'putGet', key: 'small.bin', file: file('1KiB.bin') },
        { name: 'range', do: 'getRange', key: 'small.bin', range: 'bytes=0-9' },
        { name: 'list', do: 'list', delimiter: '/' },
        { name: 'deleted', do: 'deleteThenGet', key: 'empty.bin' },
        { name: 'file', do: 'uploadDownload', key: '4MiB.bin', file: file('4MiB.bin') },
      ]),
      py(carol, nodeFront, V, 'boto3/', [{ name: 'put', do: 'putRefused', key: 'carol.txt' }]),
    ]);
    expect(seen).toEqual({
      empty: { sha256: shas['sizes/0B.bin'], contentLength: 0 },
      small: { sha256: shas['sizes/1KiB.bin'], contentLength: 1024 },
      range: { status: 206, contentRange: 'bytes 0-9/1024', body: readFileSync(file('1KiB.bin')).subarray(0, 10).toString('hex') },
      list: { name: V, keys: ['boto3/empty.bin', 'boto3/small.bin'], prefixes: [] },
      deleted: { code: 'NoSuchKey', status: 404 },
      file: { sha256: shas['sizes/4MiB.bin'], etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), contentLength: 4 * MiB },
    });
    expect(carolSeen).toEqual({ put: { code: 'AccessDenied', status: 403 } });
  }, 60_000);

  it('upload_file/download_file of 20 MiB through the Node front, in three parts', async () => {
    const seen = await py(alice, nodeFront, V, 'boto3/', [
      { name: 'big', do: 'uploadDownload', key: 'big.bin', file: join(dir, 'big/big.bin') },
    ]);
    expect(seen).toEqual({ big: { sha256: shas['big/big.bin'], etag: expect.stringMatching(/-3"$/), contentLength: BIG } });
  }, 90_000);
});

describe('rclone', () => {
  const lsf = async (front: string, path: string) =>
    ok(await rc(alice, front, 'lsf', '-R', '--files-only', `vg:${V}/${path}`))
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();

  it('copies a tree up and back; ls, lsf and check agree', async () => {
    for (const name of Object.keys(SIZES)) write(`rclone-up/${name}`, readFileSync(join(dir, 'sizes', name)));
    for (const name of TREE) write(`rclone-up/${name}`, readFileSync(join(dir, 'tree', name)));
    const names = [...Object.keys(SIZES), ...TREE].sort();
    ok(await rc(alice, nodeFront, 'copy', join(dir, 'rclone-up'), `vg:${V}/rclone`));
    expect(await lsf(nodeFront, 'rclone')).toEqual(names);
    const sizes = ok(await rc(alice, nodeFront, 'ls', `vg:${V}/rclone`))
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(Object.fromEntries(sizes.map(([size, name]) => [name, Number(size)]))).toEqual(
      Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, 'rclone-up', n)).length])),
    );
    ok(await rc(alice, nodeFront, 'copy', `vg:${V}/rclone`, local('rclone-down')));
    for (const name of names)
      expect({ name, sha: fileSha256(local(`rclone-down/${name}`)) }).toEqual({ name, sha: shas[`rclone-up/${name}`] });
    expect((await rc(alice, nodeFront, 'check', '--download', join(dir, 'rclone-up'), `vg:${V}/rclone`)).stderr).toMatch(
      new RegExp(`0 differences found[\\s\\S]*${names.length} matching files`),
    );
  }, 60_000);

  it('delete removes files, and a read member cannot copy in', async () => {
    const [, refused] = await Promise.all([
      rc(alice, nodeFront, 'delete', `vg:${V}/rclone/data`).then(ok),
      rc(carol, nodeFront, 'copy', join(dir, 'tree'), `vg:${V}/rclone-carol`),
    ]);
    expect(await lsf(nodeFront, 'rclone')).toEqual([...Object.keys(SIZES), 'readme.txt'].sort());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/AccessDenied/);
  });

  it('uploads 20 MiB in three 8 MiB parts through the Node front and reads it back identical', async () => {
    ok(
      await rc(
        alice,
        nodeFront,
        'copyto',
        '--s3-upload-cutoff',
        '8M',
        '--s3-chunk-size',
        '8M',
        join(dir, 'big/big.bin'),
        `vg:${V}/rclone-big/big.bin`,
      ),
    );
    expect((await js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'rclone-big/big.bin' }))).ETag).toMatch(/-3"$/);
    ok(await rc(alice, nodeFront, 'copyto', `vg:${V}/rclone-big/big.bin`, local('rclone-big.bin')));
    expect(fileSha256(local('rclone-big.bin'))).toBe(shas['big/big.bin']);
  }, 90_000);
});

describe('@aws-sdk/client-s3 with lib-storage', () => {
  it('uploads 20 MiB from a file stream through the Node front; ranged GETs through both fronts answer 206 with those bytes', async () => {
    await new Upload({
      client: js.node,
      params: { Bucket: V, Key: 'sdk/big.bin', Body: createReadStream(join(dir, 'big/big.bin')) },
      partSize: 8 * MiB,
      queueSize: 4,
    }).done();
    const big = readFileSync(join(dir, 'big/big.bin'));
    // Across the second part's end, and the last 4 MiB (what a function URL's answer carries).
    const ranges: Array<[S3Client, string, number, number]> = [
      [js.node, 'Node front', 16 * MiB - 5, 16 * MiB + 4],
      [js.fn, 'function URL', BIG - 4 * MiB, BIG - 1],
    ];
    for (const [client, front, first, last] of ranges) {
      const got = await client.send(new GetObjectCommand({ Bucket: V, Key: 'sdk/big.bin', Range: `bytes=${first}-${last}` }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect({ front, status: got.$metadata.httpStatusCode, range: got.ContentRange, sha: sha256(bytes) }).toEqual({
        front,
        status: 206,
        range: `bytes ${first}-${last}/${BIG}`,
        sha: sha256(big.subarray(first, last + 1)),
      });
    }
    expect((await js.node.send(new HeadObjectCommand({ Bucket: V, Key: 'sdk/big.bin' }))).ETag).toMatch(/-3"$/);
  }, 90_000);
});
