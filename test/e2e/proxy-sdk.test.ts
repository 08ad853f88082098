/**
 * The S3 proxy end to end, on the real local stack, with the AWS SDK v3 (`forcePathStyle`, endpoint = the
 * proxy, credentials = a gateway access key): through the function URL (Lambda's limits) and through the Node
 * front (none). The volumes are registered and verified through the API; behind the proxy are the local S3 and
 * IAM, which enforce the volume role's session policy for real.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

let w: ProxyWorld;
let viaUrl: S3Client;
let viaNode: S3Client;
const VOLUME = 'alice-genomes';

beforeAll(async () => {
  w = await startProxyWorld();
  viaUrl = w.s3('alice', w.stack.info.proxyUrl);
  viaNode = w.s3('alice', w.stack.info.nodeProxyUrl);
}, 120_000);
afterAll(() => w?.stack.close());

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function getBytes(
  s3: S3Client,
  key: string,
  range?: string,
): Promise<{ bytes: Buffer; status: number | undefined; contentRange?: string }> {
  const got = await s3.send(new GetObjectCommand({ Bucket: VOLUME, Key: key, ...(range ? { Range: range } : {}) }));
  return {
    bytes: Buffer.from(await got.Body!.transformToByteArray()),
    status: got.$metadata.httpStatusCode,
    ...(got.ContentRange ? { contentRange: got.ContentRange } : {}),
  };
}

/** What the customer's own S3 holds at `bucket/key` (read with the customer's keys, not through the proxy). */
async function storedDirectly(bucket: string, key: string): Promise<Buffer> {
  const { accessKeyId, secretAccessKey } = w.stack.info.customers[0]!;
  const customer = new S3Client({
    endpoint: w.stack.info.awsEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  const got = await customer.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  customer.destroy();
  return bytes;
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to fail');
}

describe('through the function URL', () => {
  it('puts and gets 0 B, 1 KiB and 4 MiB byte for byte', async () => {
    for (const size of [0, 1024, 4 * 1024 * 1024]) {
      const data = randomBytes(size);
      await viaUrl.send(
        new PutObjectCommand({ Bucket: VOLUME, Key: `sizes/${size}.bin`, Body: data, ContentType: 'application/octet-stream' }),
      );
      const { bytes } = await getBytes(viaUrl, `sizes/${size}.bin`);
      expect({ size, sha: sha256(bytes) }).toEqual({ size, sha: sha256(data) });
    }
    expect(sha256(await storedDirectly('alice-lab', 'project-x/sizes/1024.bin'))).toHaveLength(64);
  });

  it(
    'HeadObject gets no Content-Length (AWS renames it x-amzn-Remapped-Content-Length); the Node front keeps the real one, also for ' +
      'an empty object',
    async () => {
      const head = await viaUrl.send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'sizes/1024.bin' }));
      expect({ length: head.ContentLength, etag: head.ETag }).toEqual({ length: undefined, etag: expect.stringMatching(/^"\w+"$/) });
      expect((await viaNode.send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'sizes/0.bin' }))).ContentLength).toBe(0);
      expect((await viaNode.send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'sizes/1024.bin' }))).ContentLength).toBe(1024);
    },
  );

  it('gives an object stored with Content-Encoding: gzip back byte for byte, without the header the URL would decode it for', async () => {
    const gz = gzipSync('chr1\t100\t200\n'.repeat(5000));
    await viaNode.send(
      new PutObjectCommand({ Bucket: VOLUME, Key: 'enc/calls.bed.gz', Body: gz, ContentEncoding: 'gzip', ContentType: 'text/plain' }),
    );
    const got = await viaUrl.send(new GetObjectCommand({ Bucket: VOLUME, Key: 'enc/calls.bed.gz' }));
    expect(got.ContentEncoding).toBeUndefined();
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(gz));
    const viaFront = await viaNode.send(new GetObjectCommand({ Bucket: VOLUME, Key: 'enc/calls.bed.gz' }));
    expect({ encoding: viaFront.ContentEncoding, length: viaFront.ContentLength }).toEqual({ encoding: 'gzip', length: gz.length });
    expect(sha256(Buffer.from(await viaFront.Body!.transformToByteArray()))).toBe(sha256(gz));
  });

  it('answers a range with 206 and exactly those bytes', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    await viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'range.txt', Body: data }));
    const ranged = await getBytes(viaUrl, 'range.txt', 'bytes=0-9');
    expect(ranged).toEqual({ bytes: data.subarray(0, 10), status: 206, contentRange: 'bytes 0-9/20' });
  });

  it('copies inside the volume, deletes, and then answers NoSuchKey (404)', async () => {
    await viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'copy/src.txt', Body: 'copy me' }));
    await viaUrl.send(new CopyObjectCommand({ Bucket: VOLUME, Key: 'copy/dst.txt', CopySource: `${VOLUME}/copy/src.txt` }));
    expect((await getBytes(viaUrl, 'copy/dst.txt')).bytes.toString()).toBe('copy me');
    await viaUrl.send(new DeleteObjectCommand({ Bucket: VOLUME, Key: 'copy/dst.txt' }));
    expect(await failure(getBytes(viaUrl, 'copy/dst.txt'))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });

  it('lists with prefix and delimiter without the volume’s prefix or the real bucket', async () => {
    for (const key of ['list/a/1', 'list/a/2', 'list/b', 'list/c/3'])
      await viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: key }));
    const listed = await viaUrl.send(new ListObjectsV2Command({ Bucket: VOLUME, Prefix: 'list/', Delimiter: '/' }));
    expect(listed.Name).toBe(VOLUME);
    expect(listed.Prefix).toBe('list/');
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['list/b']);
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/a/', 'list/c/']);
    const everything = await viaUrl.send(new ListObjectsV2Command({ Bucket: VOLUME }));
    expect(JSON.stringify(everything)).not.toMatch(/project-x|alice-lab|secret/);
  });

  it('round-trips keys with spaces, +, =, %, unicode, // and the volume’s or bucket’s name', async () => {
    const keys = [
      'odd/sp ace.txt',
      'odd/plus+sign',
      'odd/eq=uals',
      'odd/per%cent',
      'odd/ünïcødé ✓',
      'odd/double//slash',
      `odd/${VOLUME}/alice-lab/project-x/x`,
    ];
    for (const key of keys) await viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: `body of ${key}` }));
    for (const key of keys) expect((await getBytes(viaUrl, key)).bytes.toString()).toBe(`body of ${key}`);
    const listed = await viaUrl.send(new ListObjectsV2Command({ Bucket: VOLUME, Prefix: 'odd/' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual([...keys].sort());
    expect((await storedDirectly('alice-lab', 'project-x/odd/plus+sign')).toString()).toBe('body of odd/plus+sign');
  });

  it('stores an aws-chunked upload (the SDK’s for stream bodies) without its framing', async () => {
    const client = w.s3('alice', w.stack.info.proxyUrl);
    const sent: Array<Record<string, string>> = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const data = randomBytes(100_000);
    await client.send(
      new PutObjectCommand({ Bucket: VOLUME, Key: 'chunked.bin', Body: Readable.from([data]), ContentLength: data.length }),
    );
    expect(sent[0]!['content-encoding']).toMatch(/aws-chunked/);
    expect(sent[0]!['x-amz-content-sha256']).toMatch(/^STREAMING-/);
    expect(sha256(await storedDirectly('alice-lab', 'project-x/chunked.bin'))).toBe(sha256(data));
  });

  it('refuses a read member’s writes with AccessDenied', async () => {
    const carol = w.s3('carol', w.stack.info.proxyUrl);
    expect((await getBytes(carol, 'range.txt')).bytes.toString()).toBe('0123456789abcdefghij');
    expect(await failure(carol.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'carol.txt', Body: 'x' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await failure(carol.send(new DeleteObjectCommand({ Bucket: VOLUME, Key: 'range.txt' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
  });

  it('refuses a copy from a volume the caller cannot read, and says a copy across volume roots cannot be signed', async () => {
    await w.s3('bob', w.stack.info.proxyUrl).send(new PutObjectCommand({ Bucket: 'bob-data', Key: 'private.txt', Body: 'bob only' }));
    const refused = await failure(
      viaUrl.send(new CopyObjectCommand({ Bucket: VOLUME, Key: 'stolen.txt', CopySource: 'bob-data/private.txt' })),
    );
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toMatch(/copy source "bob-data\/private.txt"/);
    await viaUrl.send(new PutObjectCommand({ Bucket: 'alice-archive', Key: 'old.txt', Body: 'archived' }));
    const across = await failure(
      viaUrl.send(new CopyObjectCommand({ Bucket: VOLUME, Key: 'from-archive.txt', CopySource: 'alice-archive/old.txt' })),
    );
    expect(across).toMatchObject({ name: 'NotImplemented', status: 501 });
    expect(across.message).toMatch(/Download and upload instead/);
  });

  it('deletes several keys at once, each under the volume root', async () => {
    for (const key of ['many/1', 'many/2']) await viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: key }));
    const deleted = await viaUrl.send(
      new DeleteObjectsCommand({ Bucket: VOLUME, Delete: { Objects: [{ Key: 'many/1' }, { Key: 'many/2' }] } }),
    );
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(['many/1', 'many/2']);
    expect((await viaUrl.send(new ListObjectsV2Command({ Bucket: VOLUME, Prefix: 'many/' }))).KeyCount).toBe(0);
  });

  it('lists and aborts multipart uploads with the volume’s session', async () => {
    const { UploadId } = await viaUrl.send(new CreateMultipartUploadCommand({ Bucket: VOLUME, Key: 'mpu/pending.bin' }));
    const uploads = await viaUrl.send(new ListMultipartUploadsCommand({ Bucket: VOLUME }));
    expect(uploads.Bucket).toBe(VOLUME);
    expect(uploads.Uploads?.map((u) => u.Key)).toEqual(['mpu/pending.bin']);
    await viaUrl.send(new AbortMultipartUploadCommand({ Bucket: VOLUME, Key: 'mpu/pending.bin', UploadId }));
  });

  it('lists the volumes alice may use as her buckets', async () => {
    const { Buckets } = await viaUrl.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(['alice-archive', 'alice-genomes']);
  });

  it('answers NotImplemented to GetBucketPolicy', async () => {
    expect(await failure(viaUrl.send(new GetBucketPolicyCommand({ Bucket: VOLUME })))).toMatchObject({
      name: 'NotImplemented',
      status: 501,
    });
  });

  it('cannot carry a body over Lambda’s 6 MB event: 413 before the function runs', async () => {
    const refused = await failure(
      viaUrl.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'too-big.bin', Body: randomBytes(5 * 1024 * 1024) })),
    );
    expect(refused.status).toBe(413);
  });

  it('accepts the token as the access key id (Gen3-compatible), any secret', async () => {
    const byToken = w.s3('alice', w.stack.info.proxyUrl, 'jwt');
    await byToken.send(new PutObjectCommand({ Bucket: VOLUME, Key: 'by-token.txt', Body: 'token' }));
    expect((await getBytes(byToken, 'by-token.txt')).bytes.toString()).toBe('token');
  });
});

describe('callers that are not S3 clients', () => {
  it('a Bearer token gets 401 in S3 XML saying to use an S3 client', async () => {
    const response = await fetch(`${w.stack.info.proxyUrl}/${VOLUME}/range.txt`, {
      headers: { authorization: `Bearer ${w.tokens.alice}` },
    });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).toMatch(/<Error><Code>AccessDenied<\/Code><Message>This is an S3 endpoint: [^<]*Use an S3 client/);
    expect(text).toMatch(`<RequestId>${response.headers.get('x-amz-request-id')}</RequestId>`);
  });

  it('an anonymous request gets 403 AccessDenied', async () => {
    for (const base of [w.stack.info.proxyUrl, w.stack.info.nodeProxyUrl]) {
      const response = await fetch(`${base}/${VOLUME}/range.txt`);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    }
  });
});

describe('through the Node front', () => {
  it('uploads 64 MiB in parts with lib-storage and reads it back byte for byte', async () => {
    const data = randomBytes(64 * 1024 * 1024);
    const upload = new Upload({
      client: viaNode,
      params: { Bucket: VOLUME, Key: 'big/64MiB.bin', Body: data },
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
    });
    await upload.done();
    const head = await viaNode.send(new HeadObjectCommand({ Bucket: VOLUME, Key: 'big/64MiB.bin' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ETag).toMatch(/-8"$/);
    const got = await viaNode.send(new GetObjectCommand({ Bucket: VOLUME, Key: 'big/64MiB.bin' }));
    const hash = createHash('sha256');
    for await (const chunk of got.Body as Readable) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(sha256(data));
  }, 120_000);

  it('serves the same volumes and keys as the function URL', async () => {
    expect((await getBytes(viaNode, 'odd/ünïcødé ✓')).bytes.toString()).toBe('body of odd/ünïcødé ✓');
    const ranged = await getBytes(viaNode, 'range.txt', 'bytes=10-');
    expect(ranged).toMatchObject({ status: 206, bytes: Buffer.from('abcdefghij') });
  });
});

it('writes the proxy’s entries in the volume’s audit trail, with who and what', async () => {
  const page = await w.api('alice', 'GET', `/volumes/${w.volumes[VOLUME]!.id}/audit?limit=100`);
  const events = page.body.items as Array<{ action: string; subject: string; outcome: string; detail: Record<string, unknown> }>;
  expect(events.find((e) => e.action === 'proxy.PutObject' && e.detail.key === 'range.txt')).toMatchObject({
    subject: 'alice',
    outcome: 'succeeded',
  });
  expect(events.find((e) => e.action === 'proxy.PutObject' && e.subject === 'carol')).toMatchObject({
    outcome: 'denied',
    detail: { reason: 'AccessExceedsMembership' },
  });
});

it("gives Nextflow a config pointing at the proxy's Node front, with a comment saying why", async () => {
  const answer = await w.api('alice', 'GET', `/volumes/${w.volumes[VOLUME]!.id}/nextflow-config`);
  expect(answer.status).toBe(200);
  expect(answer.body.config).toContain(`endpoint = '${w.stack.info.nodeProxyUrl}'`);
  expect(answer.body.config).toContain('s3PathStyleAccess = true');
  // The Node front (NODE_PROXY_PUBLIC_URL), and why: no HeadObject size through a function URL, nor large requests.
  const saysNodeFront = /^\/\/ The endpoint is the proxy's Node front\. A Lambda function URL cannot serve Nextflow: .*\n/.source;
  expect(answer.body.config).toMatch(new RegExp(`${saysNodeFront}${/\/\/ Content-Length .* HeadObject gives no object size/.source}`, 'm'));
  expect(answer.body.config).not.toContain(w.stack.info.proxyUrl);
  expect(answer.body.notes.join(' ')).not.toMatch(/Nextflow needs the proxy's Node front/);
  expect((await w.api('dave', 'GET', `/volumes/${w.volumes[VOLUME]!.id}/nextflow-config`)).status).toBe(404);
});
