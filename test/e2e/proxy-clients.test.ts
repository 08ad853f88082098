/**
 * The proxy's client matrix (issue 5, "Done when"): real S3 clients against the real local stack, as a user runs
 * them, each with a gateway access key and the proxy as its endpoint, path-style:
 * - /usr/bin/aws 2.9 (Debian): `s3 ls/cp/sync/mv/rm` and `s3api` for every operation the proxy serves;
 * - boto3 1.26 from /usr/bin/python3 (proxy-clients/boto3-client.py);
 * - rclone 1.60, its remote configured through the environment only;
 * - `@aws-sdk/client-s3` with `@aws-sdk/lib-storage`.
 * Small objects (0 B, 1 KiB, 4 MiB) go through the function URL, which carries at most a 6 MB request; multipart
 * uploads (parts of 5 MiB and more) through the Node front. Every transfer is checked byte for byte, every
 * refusal by its S3 error code. alice is the volume's read-write owner, carol a read member, bob a stranger.
 *
 * One stack for the file; big files are generated once; clients run one after another (a few independent aws cli
 * calls two at a time: each costs about a second of Python start-up).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, boto3, fileSha256, inLanes, ok, rclone, sha256, statuses, type GatewayKey } from './proxy-clients/clients';
import { startProxyWorld, type ProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const MiB = 1024 * 1024;
const SIZES = { '0B.bin': 0, '1KiB.bin': 1024, '4MiB.bin': 4 * MiB } as const;
const TREE = ['readme.txt', 'data/a.csv', 'data/deep/b.bin', 'data/deep/empty'];
/**
 * The tree's text files hold UTF-8 text. The aws cli and rclone label .txt and .csv bodies text/*, and a function URL
 * hands a text/* body to the function as a string, not base64: bytes that are not UTF-8 do not survive that (today
 * such a PutObject fails with a 400 through the function URL; through the Node front it works).
 */
const treeFile = (name: string) => (name.endsWith('empty') ? '' : /\.(txt|csv)$/.test(name) ? `${name}: naïve café, ✓ 🧬\n`.repeat(20) : randomBytes(300));
const ODD_KEYS = ['sp ace.txt', 'plus+sign', 'eq=uals', 'per%cent', 'ünïcødé ✓', 'double//slash', `${V}/alice-lab/project-x/x`];

let w: ProxyWorld;
let dir: string;
let fnUrl: string;
let nodeFront: string;
let alice: GatewayKey;
let carol: GatewayKey;
let aws: ReturnType<typeof awsCli>;
let py: ReturnType<typeof boto3>;
let rc: ReturnType<typeof rclone>;
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
const awsOk = async (key: GatewayKey, front: string, ...args: string[]) => ok(await aws(key, front, ...args));
const awsJson = async (key: GatewayKey, front: string, ...args: string[]) => JSON.parse((await awsOk(key, front, ...args)) || '{}');

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-clients-'));
  ({ proxyUrl: fnUrl, nodeProxyUrl: nodeFront } = w.stack.info);
  ({ alice, carol } = w.keys as { alice: GatewayKey; carol: GatewayKey });
  aws = awsCli(dir);
  py = boto3(dir);
  rc = rclone(dir);
  for (const [name, size] of Object.entries(SIZES)) write(`sizes/${name}`, randomBytes(size));
  write('big/64MiB.bin', randomBytes(64 * MiB));
  for (const name of TREE) write(`tree/${name}`, treeFile(name));
}, 120_000);
afterAll(async () => {
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('aws cli: s3 commands', () => {
  it('cp uploads and downloads 0 B, 1 KiB and 4 MiB byte for byte through the function URL', async () => {
    await inLanes(Object.keys(SIZES), 2, async (name) => {
      await awsOk(alice, fnUrl, 's3', 'cp', join(dir, 'sizes', name), s3(`cli/cp/${name}`), '--no-progress');
      await awsOk(alice, fnUrl, 's3', 'cp', s3(`cli/cp/${name}`), local(`cp-down/${name}`), '--no-progress');
    });
    for (const name of Object.keys(SIZES)) expect({ name, sha: fileSha256(local(`cp-down/${name}`)) }).toEqual({ name, sha: shas[`sizes/${name}`] });
    // Where it landed in the customer's bucket: under the volume's prefix, as sent.
    await w.stack.aws(w.stack.customerEnv(0), 's3', 'cp', 's3://alice-lab/project-x/cli/cp/4MiB.bin', local('direct-4MiB.bin'));
    expect(fileSha256(local('direct-4MiB.bin'))).toBe(shas['sizes/4MiB.bin']);
  }, 60_000);

  it('cp --recursive moves the same files through the Node front', async () => {
    await awsOk(alice, nodeFront, 's3', 'cp', '--recursive', join(dir, 'sizes'), s3('cli/node/'), '--no-progress');
    await awsOk(alice, nodeFront, 's3', 'cp', '--recursive', s3('cli/node/'), local('node-down/'), '--no-progress');
    for (const name of Object.keys(SIZES)) expect({ name, sha: fileSha256(local(`node-down/${name}`)) }).toEqual({ name, sha: shas[`sizes/${name}`] });
  }, 60_000);

  it('cp of 64 MiB through the Node front goes in parts and comes back identical', async () => {
    await awsOk(alice, nodeFront, 's3', 'cp', join(dir, 'big/64MiB.bin'), s3('cli/big/64MiB.bin'), '--no-progress');
    expect((await awsJson(alice, nodeFront, 's3api', 'head-object', '--bucket', V, '--key', 'cli/big/64MiB.bin')).ETag).toMatch(/-8"$/);
    await awsOk(alice, nodeFront, 's3', 'cp', s3('cli/big/64MiB.bin'), local('big-down/64MiB.bin'), '--no-progress');
    expect(fileSha256(local('big-down/64MiB.bin'))).toBe(shas['big/64MiB.bin']);
  }, 90_000);

  it('ls shows the caller’s volumes as buckets, then the volume root and a prefix, never the volume’s prefix', async () => {
    const names = (out: string) => out.trim().split('\n').map((line) => line.trim().split(/\s+/).slice(2).join(' '));
    expect(names(await awsOk(alice, fnUrl, 's3', 'ls'))).toEqual(['alice-archive', 'alice-genomes']);
    expect(names(await awsOk(carol, fnUrl, 's3', 'ls'))).toEqual(['alice-genomes']);
    const root = await awsOk(alice, fnUrl, 's3', 'ls', s3());
    expect(root).toMatch(/^\s+PRE cli\/$/m);
    expect(root).not.toMatch(/project-x|secret/);
    const files = (await awsOk(alice, fnUrl, 's3', 'ls', s3('cli/cp/'))).trim().split('\n').map((line) => line.trim().split(/\s+/).slice(2));
    expect(Object.fromEntries(files.map(([size, name]) => [name, Number(size)]))).toEqual(SIZES);
  });

  it('sync uploads a tree, brings it back identical, and finds nothing to do the second time', async () => {
    const up = await awsOk(alice, fnUrl, 's3', 'sync', join(dir, 'tree'), s3('cli/sync/'), '--no-progress');
    expect(up.match(/^upload: /gm)).toHaveLength(TREE.length);
    await awsOk(alice, fnUrl, 's3', 'sync', s3('cli/sync/'), local('sync-down/'), '--no-progress');
    for (const name of TREE) expect({ name, sha: fileSha256(local(`sync-down/${name}`)) }).toEqual({ name, sha: shas[`tree/${name}`] });
    expect(await awsOk(alice, fnUrl, 's3', 'sync', join(dir, 'tree'), s3('cli/sync/'), '--no-progress')).toBe('');
  }, 60_000);

  it('mv moves an object within the volume: the source is gone, the target holds its bytes', async () => {
    await awsOk(alice, fnUrl, 's3', 'cp', join(dir, 'sizes/1KiB.bin'), s3('cli/mv/src.bin'), '--no-progress');
    await awsOk(alice, fnUrl, 's3', 'mv', s3('cli/mv/src.bin'), s3('cli/mv/dst.bin'), '--no-progress');
    const listed = await awsJson(alice, fnUrl, 's3api', 'list-objects-v2', '--bucket', V, '--prefix', 'cli/mv/');
    expect(listed.Contents.map((c: { Key: string }) => c.Key)).toEqual(['cli/mv/dst.bin']);
    await awsOk(alice, fnUrl, 's3', 'cp', s3('cli/mv/dst.bin'), local('mv-down.bin'), '--no-progress');
    expect(fileSha256(local('mv-down.bin'))).toBe(shas['sizes/1KiB.bin']);
  });

  it('above the multipart threshold mv moves with its default --copy-props (it reads the source’s tags, proxy-copy-move.test.ts has the rest)', async () => {
    await awsOk(alice, nodeFront, 's3', 'mv', s3('cli/big/64MiB.bin'), s3('cli/big/moved.bin'), '--no-progress');
    await awsOk(alice, nodeFront, 's3', 'cp', s3('cli/big/moved.bin'), local('moved.bin'), '--no-progress');
    expect(fileSha256(local('moved.bin'))).toBe(shas['big/64MiB.bin']);
    expect((await aws(alice, nodeFront, 's3api', 'head-object', '--bucket', V, '--key', 'cli/big/64MiB.bin')).stderr).toMatch(/\(404\)/);
  }, 90_000);

  it('rm removes one object, and --recursive a whole prefix', async () => {
    expect(await awsOk(alice, fnUrl, 's3', 'rm', s3('cli/mv/dst.bin'))).toMatch(/^delete: /);
    const removed = await awsOk(alice, fnUrl, 's3', 'rm', '--recursive', s3('cli/sync/'));
    expect(removed.match(/^delete: /gm)).toHaveLength(TREE.length);
    const left = await awsJson(alice, fnUrl, 's3api', 'list-objects-v2', '--bucket', V, '--prefix', 'cli/');
    expect(left.Contents.map((c: { Key: string }) => c.Key).filter((key: string) => /^cli\/(sync|mv)\//.test(key))).toEqual([]);
    expect(left.Contents.length).toBeGreaterThan(3);
  });
});

describe('aws cli: s3api, one command per operation', () => {
  const api = (key: GatewayKey, front: string, op: string, ...args: string[]) => aws(key, front, 's3api', op, '--bucket', V, ...args);
  const apiJson = async (key: GatewayKey, front: string, op: string, ...args: string[]) => JSON.parse(ok(await api(key, front, op, ...args)) || '{}');

  it('put-object, then get-object of bytes=0-9 is a 206 with those 10 bytes, and head-object has the real ContentLength', async () => {
    const body = write('r20.txt', '0123456789abcdefghij');
    expect((await apiJson(alice, fnUrl, 'put-object', '--key', 'api/r20.txt', '--body', body)).ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const ranged = await api(alice, fnUrl, 'get-object', '--key', 'api/r20.txt', '--range', 'bytes=0-9', local('r10.txt'), '--debug');
    expect(JSON.parse(ok(ranged))).toMatchObject({ ContentLength: 10, ContentRange: 'bytes 0-9/20' });
    expect(statuses(ranged).at(-1)).toBe('GET 206');
    expect(readFileSync(local('r10.txt'), 'utf8')).toBe('0123456789');
    expect((await apiJson(alice, fnUrl, 'head-object', '--key', 'api/r20.txt')).ContentLength).toBe(20);
    expect((await apiJson(alice, fnUrl, 'head-object', '--key', 'cli/cp/0B.bin')).ContentLength).toBe(0);
  });

  it('copy-object copies within the volume', async () => {
    await apiJson(alice, fnUrl, 'copy-object', '--key', 'api/copy.bin', '--copy-source', `${V}/cli/cp/1KiB.bin`);
    await apiJson(alice, fnUrl, 'get-object', '--key', 'api/copy.bin', local('copy.bin'));
    expect(fileSha256(local('copy.bin'))).toBe(shas['sizes/1KiB.bin']);
  });

  it('delete-object, then get-object answers NoSuchKey with a 404', async () => {
    await apiJson(alice, fnUrl, 'delete-object', '--key', 'api/copy.bin');
    const missing = await api(alice, fnUrl, 'get-object', '--key', 'api/copy.bin', local('never.bin'), '--debug');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/An error occurred \(NoSuchKey\) when calling the GetObject operation/);
    expect(statuses(missing).at(-1)).toBe('GET 404');
  });

  it('delete-objects deletes each key it names', async () => {
    await inLanes(['api/many/1', 'api/many/2'], 2, (key) => apiJson(alice, fnUrl, 'put-object', '--key', key, '--body', join(dir, 'r20.txt')));
    const deleted = await apiJson(alice, fnUrl, 'delete-objects', '--delete', JSON.stringify({ Objects: [{ Key: 'api/many/1' }, { Key: 'api/many/2' }] }));
    expect(deleted.Deleted.map((d: { Key: string }) => d.Key).sort()).toEqual(['api/many/1', 'api/many/2']);
    expect((await apiJson(alice, fnUrl, 'list-objects-v2', '--prefix', 'api/many/', '--no-paginate')).KeyCount).toBe(0);
  });

  it('list-objects-v2 and list-objects (V1) with prefix and delimiter show keys relative to the volume root', async () => {
    for (const name of ['a/1', 'a/2', 'b', 'c/3']) write(`listing/${name}`, name);
    await awsOk(alice, fnUrl, 's3', 'cp', '--recursive', join(dir, 'listing'), s3('api/list/'), '--no-progress');
    for (const op of ['list-objects-v2', 'list-objects']) {
      const listed = await apiJson(alice, fnUrl, op, '--prefix', 'api/list/', '--delimiter', '/', '--no-paginate');
      expect({ op, name: listed.Name, prefix: listed.Prefix, keys: listed.Contents.map((c: { Key: string }) => c.Key), prefixes: listed.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix) }).toEqual({
        op,
        name: V,
        prefix: 'api/list/',
        keys: ['api/list/b'],
        prefixes: ['api/list/a/', 'api/list/c/'],
      });
    }
    const all = await apiJson(alice, fnUrl, 'list-objects-v2');
    expect(all.Contents.length).toBeGreaterThan(5);
    expect(all.Contents.filter((c: { Key: string }) => /^project-x|secret\.txt/.test(c.Key))).toEqual([]);
  });

  it('head-bucket and get-bucket-location answer for the volume; another user’s volume is not found', async () => {
    expect(ok(await api(alice, fnUrl, 'head-bucket'))).toBe('');
    expect((await aws(alice, fnUrl, 's3api', 'head-bucket', '--bucket', 'bob-data')).stderr).toMatch(/\(404\) when calling the HeadBucket operation/);
    expect(await apiJson(alice, fnUrl, 'get-bucket-location')).toEqual({ LocationConstraint: null });
  });

  it('the multipart set through the Node front: create, upload-part, list-parts, list-multipart-uploads, complete', async () => {
    const big = readFileSync(join(dir, 'big/64MiB.bin'));
    const parts = [write('parts/1', big.subarray(0, 5 * MiB)), write('parts/2', big.subarray(5 * MiB, 5 * MiB + 1024))];
    const key = 'api/mpu/assembled.bin';
    const { UploadId } = await apiJson(alice, nodeFront, 'create-multipart-upload', '--key', key);
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) etags.push((await apiJson(alice, nodeFront, 'upload-part', '--key', key, '--upload-id', UploadId, '--part-number', String(i + 1), '--body', part)).ETag);
    const listed = await apiJson(alice, nodeFront, 'list-parts', '--key', key, '--upload-id', UploadId);
    expect(listed.Parts.map((p: { PartNumber: number; Size: number; ETag: string }) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, etags[0]],
      [2, 1024, etags[1]],
    ]);
    const uploads = await apiJson(alice, nodeFront, 'list-multipart-uploads', '--no-paginate');
    expect({ bucket: uploads.Bucket, uploads: uploads.Uploads.map((u: { Key: string; UploadId: string }) => [u.Key, u.UploadId]) }).toEqual({ bucket: V, uploads: [[key, UploadId]] });
    const layout = JSON.stringify({ Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) });
    const done = await apiJson(alice, nodeFront, 'complete-multipart-upload', '--key', key, '--upload-id', UploadId, '--multipart-upload', layout);
    expect(done).toMatchObject({ Bucket: V, Key: key, ETag: expect.stringMatching(/-2"$/) });
    await apiJson(alice, nodeFront, 'get-object', '--key', key, local('assembled.bin'));
    expect(fileSha256(local('assembled.bin'))).toBe(sha256(big.subarray(0, 5 * MiB + 1024)));
  }, 60_000);

  it('abort-multipart-upload ends an upload: it is no longer listed and its parts are gone', async () => {
    const { UploadId } = await apiJson(alice, nodeFront, 'create-multipart-upload', '--key', 'api/mpu/aborted.bin');
    await apiJson(alice, nodeFront, 'abort-multipart-upload', '--key', 'api/mpu/aborted.bin', '--upload-id', UploadId);
    expect((await apiJson(alice, nodeFront, 'list-multipart-uploads', '--no-paginate')).Uploads ?? []).toEqual([]);
    expect((await api(alice, nodeFront, 'list-parts', '--key', 'api/mpu/aborted.bin', '--upload-id', UploadId)).stderr).toMatch(/NoSuchUpload/);
  });

  it('upload-part-copy assembles an object from ranges of another, through the function URL (no body to carry)', async () => {
    const key = 'api/mpu/copied.bin';
    const { UploadId } = await apiJson(alice, fnUrl, 'create-multipart-upload', '--key', key);
    const ranges = [`bytes=0-${5 * MiB - 1}`, `bytes=${5 * MiB}-${5 * MiB + 1023}`];
    const etags: string[] = [];
    for (const [i, range] of ranges.entries()) {
      const copied = await apiJson(alice, fnUrl, 'upload-part-copy', '--key', key, '--upload-id', UploadId, '--part-number', String(i + 1), '--copy-source', `${V}/api/mpu/assembled.bin`, '--copy-source-range', range);
      etags.push(copied.CopyPartResult.ETag);
    }
    await apiJson(alice, fnUrl, 'complete-multipart-upload', '--key', key, '--upload-id', UploadId, '--multipart-upload', JSON.stringify({ Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) }));
    await apiJson(alice, nodeFront, 'get-object', '--key', key, local('copied.bin'));
    expect(fileSha256(local('copied.bin'))).toBe(fileSha256(local('assembled.bin')));
  }, 60_000);

  it('a read member is refused put-object with AccessDenied, and nothing is written; reading works', async () => {
    const refused = await api(carol, fnUrl, 'put-object', '--key', 'api/carol.txt', '--body', join(dir, 'r20.txt'));
    expect(refused.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the PutObject operation/);
    expect((await api(alice, fnUrl, 'head-object', '--key', 'api/carol.txt')).stderr).toMatch(/\(404\)/);
    await apiJson(carol, fnUrl, 'get-object', '--key', 'cli/cp/1KiB.bin', local('carol-read.bin'));
    expect(fileSha256(local('carol-read.bin'))).toBe(shas['sizes/1KiB.bin']);
  });

  it('copies from a volume the caller cannot read are refused with AccessDenied, by copy-object and upload-part-copy', async () => {
    ok(await aws(w.keys.bob!, fnUrl, 's3api', 'put-object', '--bucket', 'bob-data', '--key', 'private.txt', '--body', join(dir, 'r20.txt')));
    const copy = await api(alice, fnUrl, 'copy-object', '--key', 'api/stolen.txt', '--copy-source', 'bob-data/private.txt');
    expect(copy.stderr).toMatch(/\(AccessDenied\) when calling the CopyObject operation.*: You may not read the copy source "bob-data\/private.txt"/);
    const { UploadId } = await apiJson(alice, fnUrl, 'create-multipart-upload', '--key', 'api/stolen.bin');
    const part = await api(alice, fnUrl, 'upload-part-copy', '--key', 'api/stolen.bin', '--upload-id', UploadId, '--part-number', '1', '--copy-source', 'bob-data/private.txt');
    expect(part.stderr).toMatch(/\(AccessDenied\) when calling the UploadPartCopy operation/);
    await apiJson(alice, fnUrl, 'abort-multipart-upload', '--key', 'api/stolen.bin', '--upload-id', UploadId);
    expect((await api(alice, fnUrl, 'head-object', '--key', 'api/stolen.txt')).stderr).toMatch(/\(404\)/);
  });

  it('keys with spaces, +, =, %, unicode, // and the volume’s own names round-trip through s3api and s3', async () => {
    await inLanes(ODD_KEYS, 2, (key, i) => apiJson(alice, fnUrl, 'put-object', '--key', `odd/${key}`, '--body', write(`odd/${i}`, `body of ${key}`)));
    const listed = await apiJson(alice, fnUrl, 'list-objects-v2', '--prefix', 'odd/');
    expect(listed.Contents.map((c: { Key: string }) => c.Key).sort()).toEqual(ODD_KEYS.map((k) => `odd/${k}`).sort());
    // Down again by the high-level commands, which list, then get each key as listed (`a//b` lands in a/b locally).
    await awsOk(alice, fnUrl, 's3', 'cp', '--recursive', s3('odd/'), local('odd-down/'), '--no-progress');
    for (const key of ODD_KEYS) expect({ key, body: readFileSync(local(`odd-down/${key}`), 'utf8') }).toEqual({ key, body: `body of ${key}` });
  }, 60_000);
});

describe('boto3', () => {
  it('puts, gets a range, lists and deletes 0 B and 1 KiB, and upload_file/download_file 4 MiB through the function URL', async () => {
    const file = (name: string) => join(dir, 'sizes', name);
    const seen = await py(alice, fnUrl, V, 'boto3/', [
      { name: 'empty', do: 'putGet', key: 'empty.bin', file: file('0B.bin') },
      { name: 'small', do: 'putGet', key: 'small.bin', file: file('1KiB.bin') },
      { name: 'range', do: 'getRange', key: 'small.bin', range: 'bytes=0-9' },
      { name: 'list', do: 'list', delimiter: '/' },
      { name: 'deleted', do: 'deleteThenGet', key: 'empty.bin' },
      { name: 'file', do: 'uploadDownload', key: '4MiB.bin', file: file('4MiB.bin') },
    ]);
    expect(seen).toEqual({
      empty: { sha256: shas['sizes/0B.bin'], contentLength: 0 },
      small: { sha256: shas['sizes/1KiB.bin'], contentLength: 1024 },
      range: { status: 206, contentRange: 'bytes 0-9/1024', body: readFileSync(file('1KiB.bin')).subarray(0, 10).toString('hex') },
      list: { name: V, keys: ['boto3/empty.bin', 'boto3/small.bin'], prefixes: [] },
      deleted: { code: 'NoSuchKey', status: 404 },
      file: { sha256: shas['sizes/4MiB.bin'], etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), contentLength: 4 * MiB },
    });
    expect(await py(carol, fnUrl, V, 'boto3/', [{ name: 'put', do: 'putRefused', key: 'carol.txt' }])).toEqual({ put: { code: 'AccessDenied', status: 403 } });
  }, 60_000);

  it('upload_file/download_file of 64 MiB through the Node front, in parts', async () => {
    const seen = await py(alice, nodeFront, V, 'boto3/', [{ name: 'big', do: 'uploadDownload', key: '64MiB.bin', file: join(dir, 'big/64MiB.bin') }]);
    expect(seen).toEqual({ big: { sha256: shas['big/64MiB.bin'], etag: expect.stringMatching(/-8"$/), contentLength: 64 * MiB } });
  }, 90_000);
});

describe('rclone', () => {
  const lsf = async (front: string, path: string) => ok(await rc(alice, front, 'lsf', '-R', '--files-only', `vg:${V}/${path}`)).trim().split('\n').filter(Boolean).sort();

  it('copies a tree up and back through the function URL; ls, lsf and check agree', async () => {
    for (const name of Object.keys(SIZES)) write(`rclone-up/${name}`, readFileSync(join(dir, 'sizes', name)));
    for (const name of TREE) write(`rclone-up/${name}`, readFileSync(join(dir, 'tree', name)));
    const names = [...Object.keys(SIZES), ...TREE].sort();
    ok(await rc(alice, fnUrl, 'copy', join(dir, 'rclone-up'), `vg:${V}/rclone`));
    expect(await lsf(fnUrl, 'rclone')).toEqual(names);
    const sizes = ok(await rc(alice, fnUrl, 'ls', `vg:${V}/rclone`)).trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(Object.fromEntries(sizes.map(([size, name]) => [name, Number(size)]))).toEqual(Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, 'rclone-up', n)).length])));
    ok(await rc(alice, fnUrl, 'copy', `vg:${V}/rclone`, local('rclone-down')));
    for (const name of names) expect({ name, sha: fileSha256(local(`rclone-down/${name}`)) }).toEqual({ name, sha: shas[`rclone-up/${name}`] });
    expect((await rc(alice, fnUrl, 'check', '--download', join(dir, 'rclone-up'), `vg:${V}/rclone`)).stderr).toMatch(new RegExp(`0 differences found[\\s\\S]*${names.length} matching files`));
  }, 60_000);

  it('delete removes files, and a read member cannot copy in', async () => {
    ok(await rc(alice, fnUrl, 'delete', `vg:${V}/rclone/data`));
    expect(await lsf(fnUrl, 'rclone')).toEqual([...Object.keys(SIZES), 'readme.txt'].sort());
    const refused = await rc(carol, fnUrl, 'copy', join(dir, 'tree'), `vg:${V}/rclone-carol`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/AccessDenied/);
  });

  it('uploads 64 MiB in 8 MiB parts through the Node front and reads it back identical', async () => {
    ok(await rc(alice, nodeFront, 'copyto', '--s3-upload-cutoff', '8M', '--s3-chunk-size', '8M', join(dir, 'big/64MiB.bin'), `vg:${V}/rclone-big/64MiB.bin`));
    const head = await w.s3('alice', nodeFront).send(new HeadObjectCommand({ Bucket: V, Key: 'rclone-big/64MiB.bin' }));
    expect(head.ETag).toMatch(/-8"$/);
    ok(await rc(alice, nodeFront, 'copyto', `vg:${V}/rclone-big/64MiB.bin`, local('rclone-64MiB.bin')));
    expect(fileSha256(local('rclone-64MiB.bin'))).toBe(shas['big/64MiB.bin']);
  }, 90_000);
});

describe('@aws-sdk/client-s3 with lib-storage', () => {
  it('uploads 64 MiB from a file stream through the Node front, and ranged GETs through both fronts answer 206 with those bytes', async () => {
    const viaNode = w.s3('alice', nodeFront);
    await new Upload({ client: viaNode, params: { Bucket: V, Key: 'sdk/64MiB.bin', Body: createReadStream(join(dir, 'big/64MiB.bin')) }, partSize: 8 * MiB, queueSize: 4 }).done();
    const big = readFileSync(join(dir, 'big/64MiB.bin'));
    const ranges: Array<[string, number, number]> = [
      [nodeFront, 33 * MiB - 5, 33 * MiB + 4],
      [fnUrl, 60 * MiB, 64 * MiB - 1],
    ];
    for (const [front, first, last] of ranges) {
      const got = await w.s3('alice', front).send(new GetObjectCommand({ Bucket: V, Key: 'sdk/64MiB.bin', Range: `bytes=${first}-${last}` }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect({ front, status: got.$metadata.httpStatusCode, range: got.ContentRange, sha: sha256(bytes) }).toEqual({
        front,
        status: 206,
        range: `bytes ${first}-${last}/${64 * MiB}`,
        sha: sha256(big.subarray(first, last + 1)),
      });
    }
    expect((await viaNode.send(new HeadObjectCommand({ Bucket: V, Key: 'sdk/64MiB.bin' }))).ETag).toMatch(/-8"$/);
  }, 90_000);
});
