/**
 * Client settings the proxy meets as users leave them, through both fronts.
 *
 * Addressing: clients left at S3's virtual-hosted-style addressing (the default of GDAL, htslib and s3cmd) name the volume in
 * the Host: GDAL's /vsis3/ and curl reach `alice-genomes.localhost:PORT` (libcurl resolves `*.localhost` to
 * loopback). The proxy takes path-style requests only, so it refuses them, through both fronts, with the code
 * S3 clients expect and a message that says which setting makes the client path-style; a refusal of a path-style
 * request says nothing of the kind.
 *
 * Object ACLs: rclone sends `X-Amz-Acl: private` with every upload (the write lands through both fronts; the header,
 * which changes nothing, is not forwarded; rclone itself runs against the Node front, the S3 endpoint for S3 clients),
 * and `s3cmd put --acl-public` asks for a public object, which the proxy does not make (403 AccessDenied, nothing
 * stored).
 *
 * ListBuckets' paging (`max-buckets`, `continuation-token`) and each bucket's `BucketRegion`, which the newest SDKs
 * and aws cli use (`list-buckets --page-size`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GatewayKey, rclone, runClient } from './proxy-clients/clients';
import { gdal } from './proxy-clients/htslib-gdal';
import { curlSigV4, s3cmd } from './proxy-clients/s3cmd-curl';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

let w: ProxyWorld;
let alice: GatewayKey;
let run: ReturnType<typeof gdal>;
let curl: ReturnType<typeof curlSigV4>;
let s3c: ReturnType<typeof s3cmd>;
let rc: ReturnType<typeof rclone>;
let dir: string;
const FRONTS = ['function URL', 'Node front'] as const;
/** The front's URL with `localhost` for 127.0.0.1, so a client can put a bucket label in front of it. */
const front = (name: (typeof FRONTS)[number]) =>
  (name === 'function URL' ? w.stack.info.proxyUrl : w.stack.info.nodeProxyUrl).replace('127.0.0.1', 'localhost');
const SAYS_PATH_STYLE = new RegExp(
  /names volume (?:"|&quot;)alice-genomes(?:"|&quot;) in its Host \(virtual-hosted style\)/.source +
    /.*HTS_S3_ADDRESS_STYLE=path.*AWS_VIRTUAL_HOSTING=FALSE/.source,
  's',
);

beforeAll(async () => {
  w = await startProxyWorld();
  alice = w.keys.alice as GatewayKey;
  dir = mkdtempSync(join(tmpdir(), 'vg-client-settings-'));
  run = gdal(dir);
  curl = curlSigV4(dir);
  s3c = s3cmd(dir);
  rc = rclone(dir);
  writeFileSync(join(dir, 'small.txt'), 'ACGT\n');
  await w.s3('alice', w.stack.info.nodeProxyUrl).send(new PutObjectCommand({ Bucket: 'alice-genomes', Key: 'vh/x.txt', Body: 'x\n' }));
});

describe.each(FRONTS)('a virtual-hosted-style request through the %s', (name) => {
  it("GDAL's /vsis3/ with AWS_VIRTUAL_HOSTING=TRUE is told to set AWS_VIRTUAL_HOSTING=FALSE (NoSuchBucket)", async () => {
    const result = await run(alice, front(name), 'gdalinfo', ['/vsis3/alice-genomes/vh/x.txt'], { AWS_VIRTUAL_HOSTING: 'TRUE' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/The specified bucket does not exist/);
    expect(result.stderr).toMatch(SAYS_PATH_STYLE);
  });

  it('a listing of the volume named in the Host is refused as NotImplemented that says to use path-style', async () => {
    const host = new URL(front(name));
    const answer = await curl(
      alice,
      `http://alice-genomes.localhost:${host.port}/?list-type=2&prefix=vh`,
      '-H',
      'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    );
    expect(answer.status).toBe(501);
    expect(answer.stdout).toMatch(/<Code>NotImplemented<\/Code>/);
    expect(answer.stdout).toMatch(SAYS_PATH_STYLE);
  });

  it('a path-style request for a volume that does not exist gets the plain NoSuchBucket', async () => {
    const answer = await curl(alice, `${front(name)}/no-such-volume/x.txt`, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD');
    expect(answer.status).toBe(404);
    expect(answer.stdout).toMatch(/<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message>/);
  });
});

describe.each(FRONTS)('object ACL headers through the %s', (name) => {
  const exists = async (key: string) =>
    w
      .s3('alice', w.stack.info.nodeProxyUrl)
      .send(new HeadObjectCommand({ Bucket: 'alice-genomes', Key: key }))
      .then(
        () => true,
        () => false,
      );

  it('an upload carrying X-Amz-Acl: private (as rclone sends every one) lands', async () => {
    const key = `acl/private-${name.replace(' ', '-')}.txt`;
    const url = `${front(name).replace('localhost', '127.0.0.1')}/alice-genomes/${key}`;
    const answer = await curl(
      alice,
      url,
      '-T',
      join(dir, 'small.txt'),
      '-H',
      'x-amz-acl: private',
      '-H',
      'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    );
    expect(answer.sent['x-amz-acl']).toBe('private');
    expect(answer.status, answer.stdout).toBe(200);
    expect(await exists(key)).toBe(true);
  });

  it('s3cmd put --acl-public is refused (403 AccessDenied naming object ACLs, which s3cmd does not retry), nothing stored', async () => {
    const key = `acl/public-${name.replace(' ', '-')}.txt`;
    const result = await s3c(
      alice,
      front(name).replace('localhost', '127.0.0.1'),
      'put',
      '--acl-public',
      join(dir, 'small.txt'),
      `s3://alice-genomes/${key}`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/403 \(AccessDenied\): The S3 proxy does not set object ACLs \(x-amz-acl: public-read\)/);
    expect(await exists(key)).toBe(false);
  });
});

// rclone itself through the S3 endpoint documented for S3 clients: it checks an upload's size with HeadObject, which
// the function URL (RESPONSE_STREAM) answers without Content-Length, as AWS does (docs/function-url.md).
it("rclone's upload, which carries X-Amz-Acl: private, lands (Node front)", async () => {
  const result = await rc(alice, w.stack.info.nodeProxyUrl, 'copyto', join(dir, 'small.txt'), 'vg:alice-genomes/acl/rclone.txt');
  expect(result.code, result.stderr).toBe(0);
  const head = await w
    .s3('alice', w.stack.info.nodeProxyUrl)
    .send(new HeadObjectCommand({ Bucket: 'alice-genomes', Key: 'acl/rclone.txt' }));
  expect(head.ContentLength).toBe(5);
});

describe.each(FRONTS)('ListBuckets through the %s', (name) => {
  const url = () => front(name).replace('localhost', '127.0.0.1');

  it('pages with max-buckets and the continuation token, naming each bucket’s region', async () => {
    const s3 = w.s3('alice', url());
    const first = await s3.send(new ListBucketsCommand({ MaxBuckets: 1 }));
    expect(first.Buckets!.map((b) => [b.Name, b.BucketRegion])).toEqual([['alice-archive', 'us-east-1']]);
    expect(first.ContinuationToken).toBeTruthy();
    const second = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: first.ContinuationToken }));
    expect(second.Buckets!.map((b) => b.Name)).toEqual(['alice-genomes']);
    expect(second.ContinuationToken).toBeUndefined();
    await expect(s3.send(new ListBucketsCommand({ MaxBuckets: 0 }))).rejects.toMatchObject({ name: 'InvalidArgument' });
  });
});

it('the newest aws cli’s list-buckets --page-size 1 follows the tokens to every volume (Node front)', async () => {
  const run = await runClient(
    '/root/.pyenv/versions/3.11.7/bin/aws',
    [
      '--endpoint-url',
      w.stack.info.nodeProxyUrl,
      's3api',
      'list-buckets',
      '--page-size',
      '1',
      '--query',
      'Buckets[].Name',
      '--output',
      'json',
    ],
    {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ACCESS_KEY_ID: alice.accessKeyId,
      AWS_SECRET_ACCESS_KEY: alice.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  );
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual(['alice-archive', 'alice-genomes']);
});
