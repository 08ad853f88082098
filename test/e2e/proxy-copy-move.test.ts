/**
 * Server-side copies and moves through the proxy, as the clients make them above their multipart thresholds (set
 * low here: 5 MB, objects of 11 MiB, so three parts): the aws cli (Debian's 2.9 and the newest 1.x) with its
 * default `--copy-props` reads the source's tags and metadata (HeadObject, GetObjectTagging), copies in parts
 * (CreateMultipartUpload with both, UploadPartCopy, CompleteMultipartUpload), and writes tags too long for a header
 * afterwards (PutObjectTagging); rclone copies server-side in parts above `--s3-copy-cutoff`. Both run through the
 * Node front, the S3 endpoint for S3 clients (the aws cli sizes a copy from HeadObject, which the modelled function
 * URL answers without Content-Length, as AWS does); rclone's CopyObject and the tagging calls go through the function
 * URL too: copies carry no body but a tag document, which it takes. Then tagging as the volume's rules have it: carol
 * (read member) reads tags but cannot write or delete them, nothing reaches beyond the root, and subresources still
 * not served answer 501 NotImplemented naming the operation. Checked as the customer at the local AWS endpoint.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientRun, type GatewayKey, ok, rclone, runClient, sha256 } from './proxy-clients/clients';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const MiB = 1024 * 1024;
const CLIS = { v2: '/usr/bin/aws', v1: '/root/.pyenv/versions/3.11.7/bin/aws' } as const;
const SHORT_TAGS = [
  { Key: 'project', Value: 'x' },
  { Key: 'stage', Value: 'raw data' },
];
/** Ten tags whose `x-amz-tagging` header would pass the aws cli's 2 KiB: it sets them with PutObjectTagging after the copy. */
const LONG_TAGS = Array.from({ length: 10 }, (_, i) => ({ Key: `k${i}`, Value: `${i}`.repeat(250) }));

let w: ProxyWorld;
let dir: string;
let fnUrl: string;
let nodeFront: string;
let alice: GatewayKey;
let config: string;
let rc: ReturnType<typeof rclone>;
let data: Buffer;
let sourceSha: string;

/** The aws cli `version` with a 5 MB multipart threshold and chunk size, path-style, nothing of the developer's setup. */
const aws = (version: keyof typeof CLIS, key: GatewayKey, endpoint: string, ...args: string[]): Promise<ClientRun> =>
  runClient(CLIS[version], ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  });

/** The operations botocore made (`--debug`), in order, repeats collapsed to `Name×n`. */
function operations(run: ClientRun): string[] {
  const names = [...run.stderr.matchAll(/Making request for OperationModel\(name=(\w+)\)/g)].map((m) => m[1]!);
  const out: string[] = [];
  for (const name of names) {
    const last = out.at(-1);
    const [lastName, count] = last?.split('×') ?? [];
    if (lastName === name) out[out.length - 1] = `${name}×${Number(count ?? 1) + 1}`;
    else out.push(name);
  }
  return out;
}

/** What a client sees of an object through the proxy (the JS SDK, Node front): its bytes' digest, type, metadata and tags. */
async function seen(key: string) {
  const s3 = w.s3('alice', nodeFront);
  const got = await s3.send(new GetObjectCommand({ Bucket: V, Key: key }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: V, Key: key }));
  return {
    sha: sha256(Buffer.from(await got.Body!.transformToByteArray())),
    contentType: got.ContentType,
    metadata: got.Metadata,
    tags: tags.TagSet,
  };
}

/** Writes the source `key` (11 MiB, a content type, metadata and `tags`) in one PutObject through the Node front. */
async function putSource(key: string, tags: Array<{ Key: string; Value: string }>) {
  const tagging = tags.map((t) => `${encodeURIComponent(t.Key)}=${encodeURIComponent(t.Value)}`).join('&');
  await w.s3('alice', nodeFront).send(
    new PutObjectCommand({
      Bucket: V,
      Key: key,
      Body: data,
      ContentType: 'application/x-sample',
      Metadata: { sample: 's1', run: '42' },
      Tagging: tagging,
    }),
  );
}

/** Whether `key` is there (HeadObject through the Node front). */
const exists = (key: string) =>
  w
    .s3('alice', nodeFront)
    .send(new HeadObjectCommand({ Bucket: V, Key: key }))
    .then(
      () => true,
      () => false,
    );

const copied = (tags: Array<{ Key: string; Value: string }>) => ({
  sha: sourceSha,
  contentType: 'application/x-sample',
  metadata: { sample: 's1', run: '42' },
  tags,
});

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-copy-move-'));
  ({ proxyUrl: fnUrl, nodeProxyUrl: nodeFront } = w.stack.info);
  ({ alice } = w.keys as { alice: GatewayKey });
  config = join(dir, 'aws-config');
  writeFileSync(
    config,
    '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n    multipart_threshold = 5MB\n    multipart_chunksize = 5MB\n',
  );
  rc = rclone(dir);
  data = randomBytes(11 * MiB);
  sourceSha = sha256(data);
}, 120_000);
afterAll(async () => {
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The aws cli through the Node front, the S3 endpoint for S3 clients: it sizes a copy from HeadObject, which the
// function URL (RESPONSE_STREAM) answers without Content-Length, as AWS does (docs/function-url.md: KeyError 'ContentLength').
describe('aws cli copy and move above the multipart threshold (Node front)', () => {
  it.each([
    { verb: 'cp', tags: SHORT_TAGS },
    { verb: 'mv', tags: LONG_TAGS },
  ] as const)(
    'aws 2.9 s3 $verb (default --copy-props) keeps bytes, content type, metadata and tags',
    async ({ verb, tags }) => {
      const from = `copy/v2-${verb}-src.bin`;
      const to = `copy/v2-${verb}-dst.bin`;
      await putSource(from, tags);
      const run = await aws('v2', alice, nodeFront, '--debug', 's3', verb, `s3://${V}/${from}`, `s3://${V}/${to}`, '--no-progress');
      ok(run);
      // Tags too long for an x-amz-tagging header are written after the copy.
      const after = tags === LONG_TAGS ? ['PutObjectTagging'] : [];
      expect(operations(run)).toEqual([
        'HeadObject',
        'GetObjectTagging',
        'CreateMultipartUpload',
        'UploadPartCopy×3',
        'CompleteMultipartUpload',
        ...after,
        ...(verb === 'mv' ? ['DeleteObject'] : []),
      ]);
      expect(await seen(to)).toEqual(copied(tags));
      expect(await exists(from)).toBe(verb === 'cp');
    },
    60_000,
  );

  it.each(['cp', 'mv'] as const)(
    'aws 1.45 s3 %s copies the bytes in parts (it carries no tags or metadata, as against S3)',
    async (verb) => {
      const from = `copy/v1-${verb}-src.bin`;
      const to = `copy/v1-${verb}-dst.bin`;
      await putSource(from, SHORT_TAGS);
      const run = await aws('v1', alice, nodeFront, '--debug', 's3', verb, `s3://${V}/${from}`, `s3://${V}/${to}`, '--no-progress');
      ok(run);
      expect(operations(run)).toEqual([
        'HeadObject',
        'CreateMultipartUpload',
        'UploadPartCopy×3',
        'CompleteMultipartUpload',
        ...(verb === 'mv' ? ['DeleteObject'] : []),
      ]);
      // Its content type is guessed from the target's name; S3 would do the same with these requests.
      expect(await seen(to)).toEqual({ sha: sourceSha, contentType: 'application/octet-stream', metadata: {}, tags: [] });
      expect(await exists(from)).toBe(verb === 'cp');
    },
    60_000,
  );
});

describe('rclone server-side copy and move', () => {
  /** The requests rclone made (`--dump headers`), in order, HEADs left out: `METHOD src|dst?subresource`. */
  const requests = (run: ClientRun, from: string, to: string) =>
    [...run.stderr.matchAll(/DEBUG : (GET|PUT|POST|DELETE) \/[^/]+\/(\S+?)(?:\?(\w+)\S*)? HTTP\/1\.1/g)].map(
      ([, method, key, sub]) => `${method} ${key === from ? 'src' : key === to ? 'dst' : key}${sub ? `?${sub}` : ''}`,
    );

  it.each(['copyto', 'moveto'] as const)(
    'rclone %s above --s3-copy-cutoff copies in parts server-side, keeping bytes and metadata',
    async (verb) => {
      const from = `copy/rclone-${verb}-src.bin`;
      const to = `copy/rclone-${verb}-dst.bin`;
      await putSource(from, SHORT_TAGS);
      const run = await rc(
        alice,
        nodeFront,
        verb,
        `vg:${V}/${from}`,
        `vg:${V}/${to}`,
        '--s3-copy-cutoff',
        '5M',
        '-vv',
        '--dump',
        'headers',
      );
      ok(run);
      expect(requests(run, from, to)).toEqual([
        'POST dst?uploads',
        'PUT dst?partNumber',
        'PUT dst?partNumber',
        'PUT dst?partNumber',
        'POST dst?uploadId',
        ...(verb === 'moveto' ? ['DELETE src'] : []),
      ]);
      const { tags: _none, ...rest } = await seen(to);
      // rclone 1.60's CreateMultipartUpload carries the x-amz-meta-* headers but no Content-Type: S3's default it is.
      expect(rest).toEqual({ sha: sourceSha, contentType: 'binary/octet-stream', metadata: { sample: 's1', run: '42' } });
      expect(await exists(from)).toBe(verb === 'copyto');
    },
    60_000,
  );

  it('rclone moveto below the cutoff through the function URL is one CopyObject, which keeps the tags too', async () => {
    const [from, to] = ['copy/rclone-small-src.txt', 'copy/rclone-small-dst.txt'];
    await w.s3('alice', fnUrl).send(
      new PutObjectCommand({
        Bucket: V,
        Key: from,
        Body: 'small\n',
        ContentType: 'text/x-small',
        Metadata: { sample: 's2' },
        Tagging: 'project=x',
      }),
    );
    const run = await rc(alice, fnUrl, 'moveto', `vg:${V}/${from}`, `vg:${V}/${to}`, '-vv', '--dump', 'headers');
    ok(run);
    expect(requests(run, from, to)).toEqual(['PUT dst', 'DELETE src']);
    expect(await seen(to)).toEqual({
      sha: sha256('small\n'),
      contentType: 'text/x-small',
      metadata: { sample: 's2' },
      tags: [{ Key: 'project', Value: 'x' }],
    });
    expect(await exists(from)).toBe(false);
  }, 30_000);
});

describe('object tagging through the proxy', () => {
  const key = 'tags/carol.txt';
  /** The error name (S3's code) of a refused request, or 'ok'. */
  const outcome = (sent: Promise<unknown>) =>
    sent.then(
      () => 'ok',
      (error: { name: string; $metadata?: { httpStatusCode?: number } }) => `${error.$metadata?.httpStatusCode} ${error.name}`,
    );
  const tagsOf = async (who: string, front: string) =>
    (await w.s3(who, front).send(new GetObjectTaggingCommand({ Bucket: V, Key: key }))).TagSet;

  it('the aws cli writes and removes tags (1.45 with its default checksum, 2.9 with Content-MD5); a read member reads them but may ' +
    'not write or delete them', async () => {
    await w.s3('alice', fnUrl).send(new PutObjectCommand({ Bucket: V, Key: key, Body: 'tagged\n', Tagging: 'owner=alice' }));
    ok(
      await aws(
        'v1',
        alice,
        fnUrl,
        's3api',
        'put-object-tagging',
        '--bucket',
        V,
        '--key',
        key,
        '--tagging',
        'TagSet=[{Key=owner,Value=alice},{Key=shared,Value=yes}]',
      ),
    );
    for (const front of [fnUrl, nodeFront]) {
      const carol = w.s3('carol', front);
      expect(await tagsOf('carol', front)).toEqual([
        { Key: 'owner', Value: 'alice' },
        { Key: 'shared', Value: 'yes' },
      ]);
      expect(
        await outcome(
          carol.send(new PutObjectTaggingCommand({ Bucket: V, Key: key, Tagging: { TagSet: [{ Key: 'owner', Value: 'carol' }] } })),
        ),
      ).toBe('403 AccessDenied');
      expect(await outcome(carol.send(new DeleteObjectTaggingCommand({ Bucket: V, Key: key })))).toBe('403 AccessDenied');
    }
    expect(await tagsOf('alice', nodeFront)).toEqual([
      { Key: 'owner', Value: 'alice' },
      { Key: 'shared', Value: 'yes' },
    ]);
    ok(await aws('v2', alice, nodeFront, 's3api', 'delete-object-tagging', '--bucket', V, '--key', key));
    expect(await tagsOf('carol', fnUrl)).toEqual([]);
  }, 60_000);

  it('answers S3’s refusals for tags S3 refuses, and NoSuchKey for a key that is not there', async () => {
    const s3 = w.s3('alice', fnUrl);
    const put = (TagSet: Array<{ Key: string; Value: string }>, Key = key) =>
      outcome(s3.send(new PutObjectTaggingCommand({ Bucket: V, Key, Tagging: { TagSet } })));
    expect(await put(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })))).toBe('400 BadRequest');
    expect(await put([{ Key: 'a*b', Value: 'v' }])).toBe('400 InvalidTag');
    expect(await put([{ Key: 'k', Value: 'v' }], 'tags/missing')).toBe('404 NoSuchKey');
    expect(await outcome(s3.send(new GetObjectTaggingCommand({ Bucket: V, Key: 'tags/missing' })))).toBe('404 NoSuchKey');
  });

  it('stays within the volume: keys that climb out of the root name keys inside it, other volumes are NoSuchBucket', async () => {
    const s3 = w.s3('alice', nodeFront);
    for (const climbing of ['../project-x-evil/secret.txt', '../other/secret.txt', '/../other/secret.txt']) {
      expect(
        await outcome(
          s3.send(new PutObjectTaggingCommand({ Bucket: V, Key: climbing, Tagging: { TagSet: [{ Key: 'pwned', Value: 'yes' }] } })),
        ),
      ).not.toBe('ok');
    }
    expect(await outcome(s3.send(new GetObjectTaggingCommand({ Bucket: 'bob-data', Key: 'anything' })))).toBe('404 NoSuchBucket');
    expect(await outcome(w.s3('carol', nodeFront).send(new GetObjectTaggingCommand({ Bucket: 'alice-archive', Key: 'anything' })))).toBe(
      '404 NoSuchBucket',
    );
  });

  it('subresources still not served answer 501 NotImplemented naming the operation, through both fronts', async () => {
    for (const front of [fnUrl, nodeFront]) {
      const s3 = w.s3('alice', front);
      const refused = (sent: Promise<unknown>) =>
        sent.then(
          () => 'ok',
          (error: Error & { $metadata: { httpStatusCode: number } }) => `${error.$metadata.httpStatusCode} ${error.name}: ${error.message}`,
        );
      expect(await refused(s3.send(new GetObjectRetentionCommand({ Bucket: V, Key: key })))).toMatch(
        /^501 NotImplemented: .*does not implement GetObjectRetention \(GET \?retention\)/,
      );
      expect(await refused(s3.send(new PutObjectLegalHoldCommand({ Bucket: V, Key: key, LegalHold: { Status: 'ON' } })))).toMatch(
        /^501 NotImplemented: .*does not implement PutObjectLegalHold \(PUT \?legal-hold\)/,
      );
      expect(await refused(s3.send(new GetBucketTaggingCommand({ Bucket: V })))).toMatch(
        /^501 NotImplemented: .*does not implement GetBucketTagging \(GET \?tagging\)/,
      );
    }
    const run = await aws('v2', alice, fnUrl, 's3api', 'get-object-retention', '--bucket', V, '--key', key);
    expect(run.stderr).toMatch(/\(NotImplemented\) when calling the GetObjectRetention operation: .*GetObjectRetention/);
  }, 30_000);

  it('nothing was written outside the volume’s root (checked as the customer)', async () => {
    const { accessKeyId, secretAccessKey } = w.stack.info.customers[0]!;
    const customer = new S3Client({
      endpoint: w.stack.info.awsEndpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    for (const outside of ['project-x-evil/secret.txt', 'other/secret.txt']) {
      expect((await customer.send(new GetObjectTaggingCommand({ Bucket: 'alice-lab', Key: outside }))).TagSet).toEqual([]);
    }
    const listed = await customer.send(new ListObjectsV2Command({ Bucket: 'alice-lab' }));
    const keys = listed.Contents!.map((c) => c.Key!);
    expect(listed.IsTruncated).toBe(false);
    expect(keys.filter((key) => !key.startsWith('project-x/'))).toEqual(['other/secret.txt', 'project-x-evil/secret.txt']);
    expect(keys.filter((key) => key.startsWith('project-x/copy/')).length).toBeGreaterThan(0);
    const uploads = await customer.send(new ListMultipartUploadsCommand({ Bucket: 'alice-lab' }));
    customer.destroy();
    expect(uploads.Uploads ?? []).toEqual([]);
  }, 30_000);
});
