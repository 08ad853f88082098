/**
 * The URL signer against the local S3, with credentials of a customer's role that our service assumed
 * (the role and bucket set up by the customer, with the SDK), each URL used with a plain `fetch`,
 * as a browser would use it. What landed in the bucket is read back as the customer with the JS SDK (a second of
 * Python start-up per /usr/bin/aws call would buy nothing: these checks are about the URLs, not the aws cli).
 */
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3UrlSigner, type S3UrlSigner } from '../../../shared/adapters/s3-url-signer';
import { createStsCredentialIssuer } from '../../../shared/adapters/sts-credential-issuer';
import type { PresignRequest } from '../../../shared/vending/ports';
import type { TemporaryCredentials } from '../../../shared/volumes/ports';
import { startTestStack, type TestStack } from '../../support/local-stack';
import { createCustomerRole, customerBucket, customerS3Client, gatewaySts, trustRequiringExternalId } from './helpers';

let stack: TestStack;
let credentials: TemporaryCredentials;
let signer: S3UrlSigner;
/** The customer's own view of the bucket. */
let customerS3: S3Client;
const bucket = 'signer-lab';
const EXTERNAL_ID = 'vg-51c7e0a9b3d24f68';
const READS = '>read1\nACGTACGT\n';

beforeAll(async () => {
  stack = await startTestStack();
  await customerBucket(stack, bucket, { 'project/reads.fa': READS, 'private/other.fa': READS });
  const roleArn = await createCustomerRole(stack, 'SignerAccess', trustRequiringExternalId(stack, EXTERNAL_ID), {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`arn:aws:s3:::${bucket}/project/*`] },
    ],
  });
  const issuer = createStsCredentialIssuer({ client: gatewaySts(stack) });
  credentials = await issuer.assumeRole({
    roleArn,
    sessionName: 'vg-signer',
    externalId: EXTERNAL_ID,
    durationSeconds: 3600,
    region: stack.info.region,
  });
  // No endpoint given: the SDK finds the local one in AWS_ENDPOINT_URL, as a deployed handler finds AWS's.
  signer = createS3UrlSigner({ forcePathStyle: true });
  customerS3 = customerS3Client(stack);
}, 120_000);

afterAll(() => {
  customerS3?.destroy();
  return stack?.close();
});

function request(method: PresignRequest['method'], key: string, extra: Partial<PresignRequest> = {}): PresignRequest {
  return { bucket, key, region: stack.info.region, credentials, method, expiresInSeconds: 300, signingDate: new Date(), ...extra };
}

const presign = (method: PresignRequest['method'], key: string, extra: Partial<PresignRequest> = {}) =>
  signer.presign(request(method, key, extra));

async function s3Code(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

async function customerHead(key: string): Promise<{ ContentType?: string; ContentLength?: number } | undefined> {
  try {
    return await customerS3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if ((error as Error).name === 'NotFound') return undefined;
    throw error;
  }
}

describe('presigned GET', () => {
  it('downloads the object with a plain fetch, with the Content-Disposition asked for', async () => {
    const url = await presign('GET', 'project/reads.fa', { responseContentDisposition: 'attachment; filename="reads.fa"' });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="reads.fa"');
    expect(await response.text()).toBe('>read1\nACGTACGT\n');
  });

  it('is refused outside what the credentials allow (another prefix of the same bucket): AccessDenied', async () => {
    const response = await fetch(await presign('GET', 'private/other.fa'));
    expect(response.status).toBe(403);
    expect(await s3Code(response)).toBe('AccessDenied');
  });

  it('is refused once expired (signed an hour ago for five minutes)', async () => {
    const url = await presign('GET', 'project/reads.fa', { signingDate: new Date(Date.now() - 3600_000), expiresInSeconds: 300 });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*Request has expired/);
  });

  it('is the same URL for the same request and signing date, dated as given', async () => {
    const signingDate = new Date('2026-03-01T12:34:56Z');
    const first = await presign('GET', 'project/reads.fa', { signingDate });
    expect(await presign('GET', 'project/reads.fa', { signingDate })).toBe(first);
    const query = new URL(first).searchParams;
    expect(query.get('X-Amz-Date')).toBe('20260301T123456Z');
    expect(query.get('X-Amz-Expires')).toBe('300');
    expect(query.get('X-Amz-Credential')).toBe(`${credentials.accessKeyId}/20260301/${stack.info.region}/s3/aws4_request`);
    expect(query.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
  });
});

describe('presigned PUT', () => {
  it('carries no checksum parameter a browser cannot satisfy', async () => {
    for (const url of [
      await presign('PUT', 'project/a.txt'),
      await presign('PUT', 'project/a.txt', { contentType: 'text/plain' }),
      await presign('PUT', 'project/a.txt', { uploadId: 'u1', partNumber: 1 }),
    ]) {
      const names = [...new URL(url).searchParams.keys()].map((n) => n.toLowerCase());
      expect(names.filter((n) => n.startsWith('x-amz-checksum') || n === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
    }
  });

  it('uploads with a plain fetch(url, { method: "PUT", body })', async () => {
    const body = new TextEncoder().encode('plain upload\n');
    const response = await fetch(await presign('PUT', 'project/plain.txt'), { method: 'PUT', body });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await customerHead('project/plain.txt'))?.ContentLength).toBe(body.length);
  });

  it('uploads when the signed Content-Type is sent, and S3 keeps that type', async () => {
    const url = await presign('PUT', 'project/table.csv', { contentType: 'text/csv' });
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    const response = await fetch(url, { method: 'PUT', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
    expect(response.status).toBe(200);
    expect((await customerHead('project/table.csv'))?.ContentType).toBe('text/csv');
  });

  it('refuses an upload with another Content-Type than the one signed (SignatureDoesNotMatch), and stores nothing', async () => {
    const url = await presign('PUT', 'project/typed.csv', { contentType: 'text/csv' });
    const response = await fetch(url, { method: 'PUT', body: '<html/>', headers: { 'content-type': 'text/html' } });
    expect(response.status).toBe(403);
    expect(await s3Code(response)).toBe('SignatureDoesNotMatch');
    expect(await customerHead('project/typed.csv')).toBeUndefined();
  });

  it('round-trips a key with spaces, +, =, %, unicode and a double slash', async () => {
    const key = 'project/run 1+2=3 %/ß-données//reads.fa';
    expect((await fetch(await presign('PUT', key), { method: 'PUT', body: 'odd key\n' })).status).toBe(200);
    const listed = await customerS3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'project/run ' }));
    expect(listed.Contents!.map((o) => o.Key)).toEqual([key]);
    expect(await (await fetch(await presign('GET', key))).text()).toBe('odd key\n');
  });

  it('is refused outside what the credentials allow: AccessDenied', async () => {
    const response = await fetch(await presign('PUT', 'private/planted.txt'), { method: 'PUT', body: 'x' });
    expect(response.status).toBe(403);
    expect(await s3Code(response)).toBe('AccessDenied');
    expect(await customerHead('private/planted.txt')).toBeUndefined();
  });
});

describe('presigned HEAD and DELETE', () => {
  it('HEAD answers with the object’s length and no body', async () => {
    const response = await fetch(await presign('HEAD', 'project/reads.fa'), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String('>read1\nACGTACGT\n'.length));
  });

  it('DELETE removes the object', async () => {
    await customerS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'project/doomed.txt', Body: 'bye\n' }));
    const response = await fetch(await presign('DELETE', 'project/doomed.txt'), { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await customerHead('project/doomed.txt')).toBeUndefined();
  });

  it('a URL signed for one method does not serve another', async () => {
    const response = await fetch(await presign('HEAD', 'project/reads.fa'), { method: 'DELETE' });
    expect(response.status).toBe(403);
    expect(await customerHead('project/reads.fa')).toBeDefined();
  });
});

describe('options and misuse', () => {
  it('signs for the endpoint it is given', async () => {
    const explicit = createS3UrlSigner({ forcePathStyle: true, endpoint: stack.info.awsEndpoint });
    const url = await explicit.presign(request('GET', 'project/reads.fa'));
    expect(url.startsWith(`${stack.info.awsEndpoint}/${bucket}/project/reads.fa?`)).toBe(true);
    expect(await (await fetch(url)).text()).toBe(READS);
  });

  it('rejects combinations the port does not define', async () => {
    await expect(presign('GET', 'project/x', { uploadId: 'u1', partNumber: 1 })).rejects.toThrow(TypeError);
    await expect(presign('PUT', 'project/x', { uploadId: 'u1' })).rejects.toThrow(TypeError);
    await expect(presign('GET', 'project/x', { contentType: 'text/plain' })).rejects.toThrow(TypeError);
    await expect(presign('PUT', 'project/x', { responseContentDisposition: 'attachment' })).rejects.toThrow(TypeError);
  });

  it('keeps at most maxClients signing clients, one per session and region', async () => {
    const bounded = createS3UrlSigner({ forcePathStyle: true, maxClients: 2 });
    const session = (id: string): TemporaryCredentials => ({
      accessKeyId: id,
      secretAccessKey: `secret-${id}`,
      sessionToken: `token-${id}`,
      expiration: new Date(Date.now() + 3600_000),
    });
    for (const id of ['ASIAONE', 'ASIATWO', 'ASIAONE', 'ASIATHREE'])
      await bounded.presign({ ...request('GET', 'project/x'), credentials: session(id) });
    expect(bounded.size).toBe(2);
    bounded.clear();
    expect(bounded.size).toBe(0);
  });
});
