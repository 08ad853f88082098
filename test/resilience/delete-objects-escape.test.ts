/**
 * DeleteObjects with hostile XML, end to end on the real local stack, through both proxy fronts as the volume's
 * own customer (alice, volume `reads` = bucket `lab`, prefix `data`): a key that XML markup (a comment, a
 * processing instruction) hid from the proxy's key mapping used to reach S3 outside the root, after the batch's
 * legitimate keys were deleted, and came back 500. Now the batch is refused whole with a 400 and nothing is
 * deleted; markup inside a legitimate key deletes exactly the key XML means, under the root, and never the
 * object of the same name beside the root.
 */

import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OneVolume, startOneVolume, VOLUME } from './one-volume';

let world: OneVolume;
let bucket: S3Client;
beforeAll(async () => {
  world = await startOneVolume();
  const customer = world.stack.info.customers[0]!;
  bucket = new S3Client({
    region: 'us-east-1',
    endpoint: world.stack.info.awsEndpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: customer,
  });
}, 60_000);
afterAll(async () => {
  await world?.stack.close();
});

/** A DeleteObjects with exactly these bytes, signed with alice's gateway key as an SDK signs it. */
async function deleteObjects(front: string, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(front);
  const signer = new SignatureV4({
    credentials: world.key,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: `/${VOLUME}`,
      query: { delete: '' },
      headers: {
        host: url.host,
        'content-type': 'application/xml',
        'content-length': String(Buffer.byteLength(body)),
        'content-md5': createHash('md5').update(body).digest('base64'),
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      },
      body,
    }),
  );
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'POST', path: `/${VOLUME}?delete=`, headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The volume's keys, listed by its customer through the proxy. */
async function listed(front: string): Promise<string[]> {
  const out = await world.s3(front).send(new ListObjectsV2Command({ Bucket: VOLUME }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

const put = (front: string, key: string) => world.s3(front).send(new PutObjectCommand({ Bucket: VOLUME, Key: key, Body: key }));
const fronts = () =>
  [
    ['Node front', world.stack.info.nodeProxyUrl],
    ['function URL front', world.stack.info.proxyUrl],
  ] as const;

describe('a batch with a legitimate key and a key hidden by XML markup', () => {
  for (const [hidden, what] of [
    ['../<!-- -->beside.txt', 'a comment'],
    ['..<?pi?>/beside.txt', 'a processing instruction'],
  ] as const) {
    it(`(${what}) is refused whole with 400 on both fronts, and nothing is deleted, inside or beside the root`, async () => {
      await bucket.send(new PutObjectCommand({ Bucket: 'lab', Key: 'beside.txt', Body: "not the volume's" }));
      for (const [name, front] of fronts()) {
        await put(front, 'legit.txt');
        const before = await listed(front);
        const answer = await deleteObjects(
          front,
          `<Delete><Object><Key>legit.txt</Key></Object><Object><Key>${hidden}</Key></Object></Delete>`,
        );
        expect(answer.status, `${name}: ${answer.text}`).toBe(400);
        expect(answer.text).toMatch(/<Code>(InvalidArgument|MalformedXML|AccessDenied)<\/Code>/);
        expect(await listed(front), name).toEqual(before);
        expect(before).toContain('legit.txt');
      }
      expect((await bucket.send(new GetObjectCommand({ Bucket: 'lab', Key: 'beside.txt' }))).ContentLength).toBeGreaterThan(0);
    });
  }
});

describe('markup inside a legitimate key', () => {
  it('deletes exactly the key the XML means, under the root, and leaves the object of that name beside the root', async () => {
    const front = world.stack.info.nodeProxyUrl;
    await bucket.send(new PutObjectCommand({ Bucket: 'lab', Key: 'gone/b.txt', Body: 'beside the root' }));
    for (const key of ['gone/a.txt', 'gone/b.txt', 'gone/c.txt', 'stays.txt']) await put(front, key);
    const answer = await deleteObjects(
      front,
      '<Delete><Object><Key>gone/<!-- c -->a.txt</Key></Object><Object><Key>gone/<?pi ' +
        'x?>b.txt</Key></Object><Object><Key><![CDATA[gone/c.txt]]></Key></Object></Delete>',
    );
    expect(answer.status, answer.text).toBe(200);
    expect([...answer.text.matchAll(/<Deleted><Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['gone/a.txt', 'gone/b.txt', 'gone/c.txt']);
    const left = await listed(front);
    expect(left).toContain('stays.txt');
    expect(left.filter((k) => k.startsWith('gone/'))).toEqual([]);
    expect((await bucket.send(new GetObjectCommand({ Bucket: 'lab', Key: 'gone/b.txt' }))).ContentLength).toBeGreaterThan(0);
  });
});
