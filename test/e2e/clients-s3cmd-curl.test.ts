/**
 * s3cmd and curl's own SigV4 (issue 10's client matrix), as users run them, with alice's gateway key (read-write) and
 * carol's (read member): s3cmd 2.3 put/get/sync/multipart/del/ls/info through the Node front, the S3 endpoint the
 * README gives S3 clients (s3cmd reads every size from a Content-Length, which a function URL as AWS runs it does not
 * carry: function-url-clients.test.ts); curl 7.88 `--aws-sigv4` GET/HEAD/PUT and a ranged GET through both fronts,
 * the function URL as AWS runs it (modelled locally by default). Every transfer is compared byte for byte.
 * Nothing lands outside the volume: the customer lists the bucket at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayKey, ok, scratchFiles, sha256 } from './proxy-clients/clients';
import { type CurlRun, curlSigV4, s3cmd } from './proxy-clients/s3cmd-curl';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const MiB = 1024 * 1024;
/** A small tree with the names that trip clients up: spaces, unicode, plus signs. */
const TREE: Record<string, Buffer | string> = {
  'sp ace.txt': 'a file with a space\n',
  'ünïcødé ✓.txt': 'naïve café ✓ 🧬\n'.repeat(10),
  'plus+sign.bin': randomBytes(700),
  'dir/a b/c+d.bin': randomBytes(3000),
  'dir/empty.bin': '',
};

let w: ProxyWorld;
let dir: string;
let alice: GatewayKey;
let carol: GatewayKey;
const FRONTS = ['function URL', 'Node front'] as const;
let fronts: Record<(typeof FRONTS)[number], { url: string; tag: string }>;
let s3c: ReturnType<typeof s3cmd>;
let curl: ReturnType<typeof curlSigV4>;

const { path, write } = scratchFiles(() => dir);
/** Every file under `root`, by relative path, with its sha256. */
const tree = (root: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((name) => statSync(join(root, name)).isFile())
      .map((name) => [relative(root, join(root, name)), sha256(readFileSync(join(root, name)))]),
  );

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-s3cmd-curl-'));
  ({ alice, carol } = w.keys as { alice: GatewayKey; carol: GatewayKey });
  fronts = { 'function URL': { url: w.stack.info.proxyUrl, tag: 'fn' }, 'Node front': { url: w.stack.info.nodeProxyUrl, tag: 'node' } };
  s3c = s3cmd(dir);
  curl = curlSigV4(dir);
  write('small.bin', randomBytes(1024));
  write('big.bin', randomBytes(11 * MiB + 123));
  for (const [name, data] of Object.entries(TREE)) write(`tree/${name}`, data);
}, 120_000);
afterAll(async () => {
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('s3cmd 2.3', () => {
  it('put, get, info and ls; carol (read member) gets, her put and del are refused with AccessDenied; del', async () => {
    const { url, tag } = fronts['Node front'];
    const remote = `s3://${V}/s3cmd-${tag}/small.bin`;
    const original = sha256(readFileSync(join(dir, 'small.bin')));
    ok(await s3c(alice, url, 'put', join(dir, 'small.bin'), remote));
    ok(await s3c(alice, url, 'get', remote, path(`down-${tag}/small.bin`)));
    expect(sha256(readFileSync(path(`down-${tag}/small.bin`)))).toBe(original);
    expect(ok(await s3c(alice, url, 'info', remote))).toMatch(/File size:\s+1024/);
    expect(ok(await s3c(alice, url, 'ls', `s3://${V}/s3cmd-${tag}/`))).toContain(remote);

    ok(await s3c(carol, url, 'get', remote, path(`carol-${tag}/small.bin`)));
    expect(sha256(readFileSync(path(`carol-${tag}/small.bin`)))).toBe(original);
    for (const refused of [
      await s3c(carol, url, 'put', join(dir, 'small.bin'), `s3://${V}/s3cmd-${tag}/carol.bin`),
      await s3c(carol, url, 'del', remote),
    ]) {
      expect({ code: refused.code, stderr: refused.stderr }).toEqual({
        code: 77,
        stderr: expect.stringMatching(/ERROR: S3 error: 403 \(AccessDenied\)/),
      });
    }

    ok(await s3c(alice, url, 'del', remote));
    expect(ok(await s3c(alice, url, 'ls', `s3://${V}/s3cmd-${tag}/`))).toBe('');
  });

  it('sync up and down a tree with spaces, unicode and plus signs in its names', async () => {
    const { url, tag } = fronts['Node front'];
    ok(await s3c(alice, url, 'sync', `${join(dir, 'tree')}/`, `s3://${V}/sync-${tag}/`));
    const listed = ok(await s3c(alice, url, 'ls', '--recursive', `s3://${V}/sync-${tag}/`));
    for (const name of Object.keys(TREE)) expect(listed).toContain(`s3://${V}/sync-${tag}/${name}`);
    const down = path(`sync-down-${tag}/x`);
    ok(await s3c(alice, url, 'sync', `s3://${V}/sync-${tag}/`, `${dirname(down)}/`));
    expect(tree(dirname(down))).toEqual(tree(join(dir, 'tree')));
  });

  it('an 11 MiB multipart upload in 5 MiB parts, then get, byte for byte', async () => {
    const url = w.stack.info.nodeProxyUrl;
    const remote = `s3://${V}/s3cmd-node/big.bin`;
    // In three parts: the customer's listing below shows the multipart ETag (`"…-3"`).
    ok(await s3c(alice, url, 'put', '--multipart-chunk-size-mb=5', join(dir, 'big.bin'), remote));
    ok(await s3c(alice, url, 'get', remote, path('down-node/big.bin')));
    expect(sha256(readFileSync(path('down-node/big.bin')))).toBe(sha256(readFileSync(join(dir, 'big.bin'))));
  });
});

describe('curl 7.88 --aws-sigv4', () => {
  /**
   * curl 7.88 signs `host;x-amz-date` only and sends no x-amz-content-sha256, which S3 requires of every
   * header-signed request (curl/curl#8810; curl 8 adds `UNSIGNED-PAYLOAD` itself for `aws:…:s3`). With the header
   * given, curl signs it and uses its value as the payload hash.
   */
  const UNSIGNED = ['-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD'];

  it.for(FRONTS)(
    '%s: without x-amz-content-sha256 a PUT and a GET get the local S3’s own answer: 400 InvalidRequest, the header named',
    async (front) => {
      const { url, tag } = fronts[front];
      const customer = w.stack.customerEnv(0);
      const owner = { accessKeyId: customer.AWS_ACCESS_KEY_ID!, secretAccessKey: customer.AWS_SECRET_ACCESS_KEY! };
      const refusal = (run: CurlRun) => ({
        status: run.status,
        code: /<Code>(.*?)<\/Code>/.exec(run.stdout)?.[1],
        message: /<Message>(.*?)<\/Message>/.exec(run.stdout)?.[1],
      });
      ok(await s3c(alice, url, 'put', join(dir, 'small.bin'), `s3://${V}/curl-${tag}/there.bin`));
      for (const [name, args] of [
        ['bare.bin', ['-T', join(dir, 'small.bin')]],
        ['there.bin', []],
      ] as const) {
        const viaProxy = await curl(alice, `${url}/${V}/curl-${tag}/${name}`, ...args);
        const direct = await curl(owner, `${w.stack.info.awsEndpoint}/alice-lab/project-x/curl-${tag}/${name}`, ...args);
        expect(viaProxy.sent['x-amz-content-sha256']).toBeUndefined();
        expect(refusal(viaProxy)).toEqual(refusal(direct));
        expect(refusal(direct)).toEqual({
          status: 400,
          code: 'InvalidRequest',
          message: 'Missing required header for this request: x-amz-content-sha256',
        });
      }
    },
  );

  it.for(FRONTS)(
    '%s: PUT (-T), GET, HEAD (-I) and a ranged GET of a small object with x-amz-content-sha256 given, byte for byte; HEAD says the ' +
      'size in Content-Length (Node front) or, as AWS’s URL renames it, x-amzn-Remapped-Content-Length (function URL)',
    async (front) => {
      const { url, tag } = fronts[front];
      const object = `${url}/${V}/curl-${tag}/small.bin`;
      const original = readFileSync(join(dir, 'small.bin'));
      const put = await curl(alice, object, ...UNSIGNED, '-T', join(dir, 'small.bin'));
      expect({ status: put.status, body: put.stdout, signed: put.sent.authorization }).toEqual({
        status: 200,
        body: '',
        signed: expect.stringContaining('SignedHeaders=host;x-amz-content-sha256;x-amz-date,'),
      });
      const get = await curl(alice, object, ...UNSIGNED, '-o', path(`curl-${tag}/small.bin`));
      expect(get.status).toBe(200);
      expect(sha256(readFileSync(path(`curl-${tag}/small.bin`)))).toBe(sha256(original));
      const head = await curl(alice, object, ...UNSIGNED, '-I');
      expect(head.status).toBe(200);
      const sizes = head.stdout
        .split('\n')
        .filter((line) => /^(x-amzn-remapped-)?content-length:/i.test(line))
        .map((line) => line.trim().toLowerCase());
      expect(sizes).toEqual([front === 'Node front' ? 'content-length: 1024' : 'x-amzn-remapped-content-length: 1024']);
      const range = await curl(alice, object, ...UNSIGNED, '-r', '100-199', '-o', path(`curl-${tag}/range.bin`));
      expect(range.status).toBe(206);
      expect(readFileSync(path(`curl-${tag}/range.bin`))).toEqual(original.subarray(100, 200));
    },
  );

  it.for(FRONTS)('%s: carol’s PUT is refused with 403 AccessDenied and nothing is stored', async (front) => {
    const { url, tag } = fronts[front];
    const put = await curl(carol, `${url}/${V}/curl-${tag}/carol.bin`, ...UNSIGNED, '-T', join(dir, 'small.bin'));
    expect({ status: put.status, body: put.stdout }).toMatchObject({
      status: 403,
      body: expect.stringContaining('<Code>AccessDenied</Code>'),
    });
    expect((await curl(alice, `${url}/${V}/curl-${tag}/carol.bin`, ...UNSIGNED, '-I')).status).toBe(404);
  });
});

describe('the customer’s bucket', () => {
  it('holds nothing outside the volume’s prefix but the data that was there before', async () => {
    // Listed with the customer's own keys and the JS SDK (the claim is about what the proxy wrote, not the aws cli).
    const { accessKeyId, secretAccessKey } = w.stack.info.customers[0]!;
    const customer = new S3Client({
      endpoint: w.stack.info.awsEndpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
    const objects = (await customer.send(new ListObjectsV2Command({ Bucket: 'alice-lab' }))).Contents!;
    customer.destroy();
    const keys = objects.map((o) => o.Key!);
    expect(keys.filter((key) => !key.startsWith('project-x/')).sort()).toEqual(['other/secret.txt', 'project-x-evil/secret.txt']);
    expect(keys).toContain('project-x/sync-node/ünïcødé ✓.txt');
    expect(objects.find((o) => o.Key === 'project-x/s3cmd-node/big.bin')?.ETag).toMatch(/-3"$/);
  });
});
