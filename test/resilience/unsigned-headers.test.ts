/**
 * Issue 9, finding 2, on the real local stack: an `x-amz-*` header the signature does not cover is refused (403
 * AccessDenied, HeadersNotSigned), through both proxy fronts and straight at the local S3, presigned and
 * header-signed, with a gateway key or a token; and nothing happens: no copy, no object.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { type OneVolume, startOneVolume, VOLUME } from './one-volume';
import { sendSigned } from './signed-fetch';

let world: OneVolume;
let undoSink: () => void = () => undefined;
beforeAll(async () => {
  undoSink = setLogSink(() => undefined);
  world = await startOneVolume();
  await world
    .s3(world.stack.info.nodeProxyUrl)
    .send(new PutObjectCommand({ Bucket: VOLUME, Key: 'source.txt', Body: 'only for whoever signs a copy' }));
}, 60_000);
afterAll(async () => {
  await world?.stack.close();
  undoSink();
});

const ADDED: Array<[string, string]> = [
  ['x-amz-copy-source', `/${VOLUME}/source.txt`],
  ['x-amz-acl', 'public-read'],
  ['x-amz-meta-foo', 'bar'],
];

async function exists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

function expectRefused(answer: { status: number; text: string }, header: string): void {
  expect(answer.status).toBe(403);
  expect(answer.text).toContain('<Code>AccessDenied</Code>');
  expect(answer.text).toContain('There were headers present in the request which were not signed');
  expect(answer.text).toContain(`<HeadersNotSigned>${header}</HeadersNotSigned>`);
}

describe.each([
  ['the function URL front', () => world.stack.info.proxyUrl],
  ['the Node front', () => world.stack.info.nodeProxyUrl],
])('through %s', (front, endpoint) => {
  it.each(ADDED)('a presigned PUT with %s added is 403 AccessDenied, and nothing is written or copied', async (name, value) => {
    const key = `presigned-${name}.txt`;
    const answer = await sendSigned(
      endpoint(),
      { credentials: world.key },
      { method: 'PUT', path: `/${VOLUME}/${key}`, body: 'x', presign: true },
      { [name]: value },
    );
    expectRefused(answer, name);
    expect(await exists(world.s3(endpoint()), VOLUME, key)).toBe(false);
  });

  it('the same presigned PUT without the added header is served', async () => {
    const answer = await sendSigned(
      endpoint(),
      { credentials: world.key },
      { method: 'PUT', path: `/${VOLUME}/presigned-plain.txt`, body: 'x', presign: true },
    );
    expect(answer.status).toBe(200);
  });

  it('a token’s presigned PUT (JWT mode) with x-amz-copy-source added is refused the same way', async () => {
    const byToken = { accessKeyId: world.token, secretAccessKey: 'N/A' };
    const answer = await sendSigned(
      endpoint(),
      { credentials: byToken },
      { method: 'PUT', path: `/${VOLUME}/by-token.txt`, presign: true },
      { 'x-amz-copy-source': `/${VOLUME}/source.txt` },
    );
    expectRefused(answer, 'x-amz-copy-source');
    expect(await exists(world.s3(endpoint()), VOLUME, 'by-token.txt')).toBe(false);
  });

  it('a header-signed PUT with an x-amz-meta header added after signing is refused; signed, it is stored', async () => {
    const key = `meta-${front.split(' ')[1]}.txt`;
    const call = { method: 'PUT', path: `/${VOLUME}/${key}`, body: 'm', headers: { 'x-amz-meta-signed': 'yes' } };
    expectRefused(await sendSigned(endpoint(), { credentials: world.key }, call, { 'x-amz-meta-extra': 'no' }), 'x-amz-meta-extra');
    expect(await exists(world.s3(endpoint()), VOLUME, key)).toBe(false);
    expect((await sendSigned(endpoint(), { credentials: world.key }, call)).status).toBe(200);
    const stored = await world.s3(endpoint()).send(new GetObjectCommand({ Bucket: VOLUME, Key: key }));
    expect(stored.Metadata).toEqual({ signed: 'yes' });
  });
});

describe('straight at the local S3', () => {
  const customer = () => world.stack.info.customers[0]!;
  const direct = () =>
    new S3Client({
      region: 'us-east-1',
      endpoint: world.stack.info.awsEndpoint,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: customer(),
    });

  it.each(ADDED)('a presigned PUT with %s added is 403 AccessDenied, and nothing is written or copied', async (name, value) => {
    const key = `data/direct-${name}.txt`;
    const added = name === 'x-amz-copy-source' ? '/lab/data/source.txt' : value;
    const answer = await sendSigned(
      world.stack.info.awsEndpoint,
      { credentials: customer() },
      { method: 'PUT', path: `/lab/${key}`, body: 'x', presign: true },
      { [name]: added },
    );
    expectRefused(answer, name);
    expect(await exists(direct(), 'lab', key)).toBe(false);
  });

  it('the SDK’s own requests still pass (it signs every x-amz-* header it sends, x-amz-user-agent included)', async () => {
    await direct().send(new PutObjectCommand({ Bucket: 'lab', Key: 'data/sdk.txt', Body: 'sdk', Metadata: { by: 'sdk' }, ACL: 'private' }));
    expect((await direct().send(new HeadObjectCommand({ Bucket: 'lab', Key: 'data/sdk.txt' }))).Metadata).toEqual({ by: 'sdk' });
  });
});
