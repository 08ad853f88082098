/**
 * The URL signer signs without an S3 client (S3's endpoint rules written out in s3-endpoint.ts, the SDK's
 * S3RequestPresigner per URL): for the same inputs and clock its URLs are byte for byte the ones `getSignedUrl`
 * gives with an S3 client of the same settings, for every method it presigns (content type, content disposition,
 * upload parts), for every endpoint kind it handles (AWS's in each partition, virtual-hosted and path-style, dotted
 * buckets, custom endpoints given or read from the environment, with a path, an IP or a host name, forcePathStyle
 * or not), with keys that need encoding. No S3 is needed for this: the live behaviour of the URLs is tested against
 * the local S3 in s3-url-signer.test.ts.
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

interface Setup {
  name: string;
  forcePathStyle: boolean;
  /** Given to the signer and the client. */
  endpoint?: string;
  /** The process environment while both sign (the SDK reads AWS_ENDPOINT_URL* from it; so does the signer). */
  env?: Record<string, string>;
  region: string;
  bucket: string;
}

const SETUPS: Setup[] = [
  { name: 'path-style on a local endpoint', forcePathStyle: true, endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', bucket: 'lab' },
  {
    name: 'an IP endpoint without forcePathStyle',
    forcePathStyle: false,
    endpoint: 'http://127.0.0.1:4566',
    region: 'eu-west-1',
    bucket: 'lab',
  },
  {
    name: 'virtual-hosted on a named endpoint',
    forcePathStyle: false,
    endpoint: 'http://localhost:9000',
    region: 'us-east-1',
    bucket: 'lab',
  },
  {
    name: 'a named endpoint with a path',
    forcePathStyle: false,
    endpoint: 'https://store.example.org/s3/',
    region: 'eu-west-1',
    bucket: 'my-lab',
  },
  {
    name: 'path-style on an endpoint with a path',
    forcePathStyle: true,
    endpoint: 'https://store.example.org:8443/s3',
    region: 'eu-west-1',
    bucket: 'my.lab',
  },
  {
    name: 'a dotted bucket on a named endpoint',
    forcePathStyle: false,
    endpoint: 'http://localhost:9000',
    region: 'us-east-1',
    bucket: 'a.b',
  },
  {
    name: 'virtual-hosted at AWS',
    forcePathStyle: false,
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    bucket: 'my-lab',
  },
  // A bucket name with dots cannot be a TLS host name: S3's rules fall back to path style.
  { name: 'a dotted bucket at AWS', forcePathStyle: false, region: 'eu-central-1', bucket: 'my.dotted.lab' },
  { name: 'AWS in us-east-1', forcePathStyle: false, region: 'us-east-1', bucket: 'lab-1' },
  { name: 'AWS path-style', forcePathStyle: true, region: 'ap-southeast-2', bucket: 'lab-1' },
  { name: 'AWS China', forcePathStyle: false, region: 'cn-north-1', bucket: 'lab-1' },
  { name: 'AWS GovCloud', forcePathStyle: false, region: 'us-gov-west-1', bucket: 'lab-1' },
  { name: 'a region newer than the table', forcePathStyle: false, region: 'xx-newest-1', bucket: 'lab-1' },
  {
    name: 'the endpoint from AWS_ENDPOINT_URL',
    forcePathStyle: true,
    env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599' },
    region: 'us-east-1',
    bucket: 'lab',
  },
  {
    name: 'the endpoint from AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL',
    forcePathStyle: false,
    env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599', AWS_ENDPOINT_URL_S3: 'http://s3.internal:8080' },
    region: 'us-east-1',
    bucket: 'lab',
  },
  {
    name: 'the given endpoint over the environment',
    forcePathStyle: true,
    endpoint: 'http://127.0.0.1:4566',
    env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599' },
    region: 'us-east-1',
    bucket: 'lab',
  },
  {
    name: 'AWS where the environment says to ignore configured endpoints',
    forcePathStyle: false,
    env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    region: 'eu-west-1',
    bucket: 'lab',
  },
];

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];

/** Runs `work` with exactly `env`'s endpoint variables set, then puts the process's back. */
async function withEndpointEnv<T>(env: Record<string, string> | undefined, work: () => Promise<T>): Promise<T> {
  const saved = ENDPOINT_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of ENDPOINT_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const clients: S3Client[] = [];
afterAll(() => {
  for (const client of clients) client.destroy();
});

describe.each(SETUPS)('URLs with $name', ({ forcePathStyle, endpoint, env, region, bucket }) => {
  it.each(CASES)('are the ones getSignedUrl gives for the same inputs and clock: $method %#', (c) =>
    withEndpointEnv(env, async () => {
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
      for (const key of KEYS) {
        const ours = await signer.presign({ ...c, bucket, key, region, credentials, signingDate });
        expect(ours).toBe(await sdkUrl(client, bucket, key, c));
      }
    }),
  );
});

describe('endpoints the signer does not guess', () => {
  const request = { method: 'GET' as const, expiresInSeconds: 60, bucket: 'lab', key: 'k', region: 'eu-west-1', credentials, signingDate };

  it.each(['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT'])('are refused where %s asks for a variant', async (name) => {
    process.env[name] = 'true';
    try {
      await expect(createS3UrlSigner({ forcePathStyle: false }).presign(request)).rejects.toThrow(name);
    } finally {
      delete process.env[name];
    }
  });

  it('are refused for a bucket that is not a general purpose one (an ARN, a directory bucket)', async () => {
    const signer = createS3UrlSigner({ forcePathStyle: false });
    await expect(signer.presign({ ...request, bucket: 'arn:aws:s3:eu-west-1:123456789012:accesspoint/ap' })).rejects.toThrow(TypeError);
    await expect(signer.presign({ ...request, bucket: 'fast--euw1-az1--x-s3' })).rejects.toThrow(TypeError);
  });
});
