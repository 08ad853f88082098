/**
 * The URL signer signs without `getSignedUrl` (endpoint rules once per bucket, the SDK's S3RequestPresigner per
 * URL): for the same inputs and clock its URLs are byte for byte the ones `getSignedUrl` gives, for every
 * method it presigns, path-style and virtual-hosted, with keys that need encoding. No S3 is needed for this:
 * the live behaviour of the URLs is tested against the local S3 in s3-url-signer.test.ts.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3UrlSigner } from '../../../shared/adapters/s3-url-signer';
import type { PresignRequest } from '../../../shared/vending/ports';

const credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/odd=chars',
  expiration: new Date('2030-01-01T00:00:00Z'),
};
const signingDate = new Date('2026-12-06T01:23:45Z');
const KEYS = [
  'project/reads.fa',
  'a b/c+d=e&f?g#h',
  "odd/!'()*~-_.",
  'unicode/ümlaut/日本語.txt',
  '/leading/slash',
  'double//slash/',
  '%41 already-encoded',
];

type Case = Omit<PresignRequest, 'bucket' | 'key' | 'region' | 'credentials' | 'signingDate'>;
const CASES: Case[] = [
  { method: 'GET', expiresInSeconds: 900 },
  { method: 'GET', expiresInSeconds: 60, responseContentDisposition: 'attachment; filename="r é.fa"' },
  { method: 'PUT', expiresInSeconds: 300 },
  { method: 'PUT', expiresInSeconds: 300, contentType: 'text/plain; charset=utf-8' },
  { method: 'PUT', expiresInSeconds: 3600, uploadId: 'up/load+id==', partNumber: 7 },
  { method: 'HEAD', expiresInSeconds: 900 },
  { method: 'DELETE', expiresInSeconds: 120 },
];

function sdkUrl(client: S3Client, bucket: string, key: string, c: Case): Promise<string> {
  const options = {
    expiresIn: c.expiresInSeconds,
    signingDate,
    ...(c.contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
  };
  const Bucket = bucket;
  const Key = key;
  switch (c.method) {
    case 'GET':
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key, ResponseContentDisposition: c.responseContentDisposition }), options);
    case 'PUT':
      return c.uploadId !== undefined
        ? getSignedUrl(client, new UploadPartCommand({ Bucket, Key, UploadId: c.uploadId, PartNumber: c.partNumber }), options)
        : getSignedUrl(client, new PutObjectCommand({ Bucket, Key, ContentType: c.contentType }), options);
    case 'HEAD':
      return getSignedUrl(client, new HeadObjectCommand({ Bucket, Key }), options);
    case 'DELETE':
      return getSignedUrl(client, new DeleteObjectCommand({ Bucket, Key }), options);
  }
}

const SETUPS = [
  { name: 'path-style on a local endpoint', forcePathStyle: true, endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', bucket: 'lab' },
  {
    name: 'virtual-hosted at AWS',
    forcePathStyle: false,
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    bucket: 'my-lab',
  },
  // A bucket name with dots cannot be a TLS host name: S3's rules fall back to path style.
  { name: 'a dotted bucket at AWS', forcePathStyle: false, endpoint: undefined, region: 'eu-central-1', bucket: 'my.dotted.lab' },
];

const clients: S3Client[] = [];
afterAll(() => {
  for (const client of clients) client.destroy();
});

describe.each(SETUPS)('URLs $name', ({ forcePathStyle, endpoint, region, bucket }) => {
  const signer = createS3UrlSigner({ forcePathStyle, ...(endpoint ? { endpoint } : {}) });
  const client = new S3Client({
    region,
    forcePathStyle,
    ...(endpoint ? { endpoint } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials,
  });
  clients.push(client);

  it.each(CASES)('are the ones getSignedUrl gives for the same inputs and clock: $method %#', async (c) => {
    for (const key of KEYS) {
      const ours = await signer.presign({ ...c, bucket, key, region, credentials, signingDate });
      expect(ours).toBe(await sdkUrl(client, bucket, key, c));
    }
  });
});
