/**
 * The multipart store against the local S3, as a browser upload uses it: our service creates the upload
 * with the caller's vended credentials (a customer's role that our service assumed), the "browser"
 * PUTs each part to a presigned UploadPart URL with a plain `fetch` and reads the ETags, and the store
 * completes or aborts it. And S3's refusals, as the errors the port documents. What the bucket holds afterwards is
 * read as the customer with the JS SDK (these checks are about the store, not the aws cli).
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3MultipartStore } from '../../../shared/adapters/s3-multipart-store';
import { createS3UrlSigner } from '../../../shared/adapters/s3-url-signer';
import { createStsCredentialIssuer } from '../../../shared/adapters/sts-credential-issuer';
import { NotFound, ValidationFailed } from '../../../shared/errors';
import type { CompletedPart, MultipartStore, UrlSigner } from '../../../shared/vending/ports';
import { S3AccessDenied, type TemporaryCredentials } from '../../../shared/volumes/ports';
import { startTestStack, type TestStack } from '../../support/local-stack';
import { closedPort, createCustomerRole, customerBucket, customerS3Client, gatewaySts, trustRequiringExternalId } from './helpers';

let stack: TestStack;
let credentials: TemporaryCredentials;
let store: MultipartStore;
let signer: UrlSigner;
/** The customer's own view of the bucket. */
let customerS3: S3Client;
const bucket = 'multipart-lab';
const EXTERNAL_ID = 'vg-0e6a2d8c4b1f9735';
const MiB = 1024 * 1024;

beforeAll(async () => {
  stack = await startTestStack();
  await customerBucket(stack, bucket);
  const roleArn = await createCustomerRole(stack, 'UploadAccess', trustRequiringExternalId(stack, EXTERNAL_ID), {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: [`arn:aws:s3:::${bucket}/project/*`],
      },
    ],
  });
  const issuer = createStsCredentialIssuer({ client: gatewaySts(stack) });
  credentials = await issuer.assumeRole({
    roleArn,
    sessionName: 'vg-uploads',
    externalId: EXTERNAL_ID,
    durationSeconds: 3600,
    region: stack.info.region,
  });
  // No endpoint given: the SDK finds the local one in AWS_ENDPOINT_URL, as a deployed handler finds AWS's.
  store = createS3MultipartStore({ forcePathStyle: true });
  signer = createS3UrlSigner({ forcePathStyle: true });
  customerS3 = customerS3Client(stack);
}, 120_000);

afterAll(() => {
  customerS3?.destroy();
  return stack?.close();
});

const target = (key: string) => ({ bucket, key, region: stack.info.region });

/** What a browser does with the part URLs: PUT each body with fetch, keep the ETag S3 answers with. */
async function uploadParts(key: string, uploadId: string, bodies: Uint8Array[]): Promise<CompletedPart[]> {
  const parts: CompletedPart[] = [];
  for (const [index, body] of bodies.entries()) {
    const partNumber = index + 1;
    const url = await signer.presign({
      ...target(key),
      credentials,
      method: 'PUT',
      uploadId,
      partNumber,
      expiresInSeconds: 600,
      signingDate: new Date(),
    });
    const response = await fetch(url, { method: 'PUT', body });
    expect(response.status).toBe(200);
    parts.push({ partNumber, etag: response.headers.get('etag')! });
  }
  return parts;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a browser upload in three parts', () => {
  it('assembles 2 × 5 MiB and a small last part, uploaded with fetch, into a byte-identical object', async () => {
    const key = 'project/run-7/reads.bam';
    const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(123_457)];
    const { uploadId } = await store.create(credentials, { ...target(key), contentType: 'application/octet-stream' });
    expect(uploadId).toBeTruthy();
    const parts = await uploadParts(key, uploadId, bodies);
    expect(parts.every((p) => /^"[0-9a-f]{32}"$/.test(p.etag))).toBe(true);

    const { etag } = await store.complete(credentials, { ...target(key), uploadId, parts });
    expect(etag).toMatch(/-3"$/);

    const downloaded = await customerS3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(sha256(Buffer.from(await downloaded.Body!.transformToByteArray()))).toBe(sha256(Buffer.concat(bodies)));
    const head = await customerS3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head).toMatchObject({ ContentLength: 10 * MiB + 123_457, ContentType: 'application/octet-stream' });
  });
});

describe('S3’s refusals, as the port documents them', () => {
  it('an aborted upload cannot be completed: NotFound(UploadNotFound)', async () => {
    const key = 'project/abandoned.bin';
    const { uploadId } = await store.create(credentials, target(key));
    const parts = await uploadParts(key, uploadId, [randomBytes(1024)]);
    await store.abort(credentials, { ...target(key), uploadId });
    const error = await failure(store.complete(credentials, { ...target(key), uploadId, parts }));
    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ status: 404, code: 'UploadNotFound', s3Code: 'NoSuchUpload' });
    const listed = await customerS3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
    expect(listed.KeyCount).toBe(0);
  });

  it('an upload id S3 never gave: NotFound(UploadNotFound)', async () => {
    const error = await failure(
      store.complete(credentials, { ...target('project/never.bin'), uploadId: 'not-an-upload', parts: [{ partNumber: 1, etag: '"0"' }] }),
    );
    expect(error).toMatchObject({ status: 404, code: 'UploadNotFound' });
  });

  it('a part whose ETag is not the one S3 returned: ValidationFailed on parts, code InvalidPart', async () => {
    const key = 'project/tampered.bin';
    const { uploadId } = await store.create(credentials, target(key));
    const [part] = await uploadParts(key, uploadId, [randomBytes(2048)]);
    const error = await failure(
      store.complete(credentials, { ...target(key), uploadId, parts: [{ partNumber: 1, etag: `"${'0'.repeat(32)}"` }] }),
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error).toMatchObject({ status: 400, code: 'InvalidPart', details: { field: 'parts' } });
    expect((error as Error).message).toMatch(/ETag/);
    // The upload is still there: completed with the right ETag, it succeeds.
    await expect(store.complete(credentials, { ...target(key), uploadId, parts: [part!] })).resolves.toMatchObject({
      etag: expect.any(String),
    });
  });

  it('parts out of order: ValidationFailed on parts, code InvalidPartOrder', async () => {
    const key = 'project/shuffled.bin';
    const { uploadId } = await store.create(credentials, target(key));
    const parts = await uploadParts(key, uploadId, [randomBytes(5 * MiB), randomBytes(10)]);
    const error = await failure(store.complete(credentials, { ...target(key), uploadId, parts: [...parts].reverse() }));
    expect(error).toMatchObject({ status: 400, code: 'InvalidPartOrder', details: { field: 'parts' } });
    await store.abort(credentials, { ...target(key), uploadId });
  });

  it('a part under 5 MiB that is not the last: ValidationFailed on parts, code EntityTooSmall', async () => {
    const key = 'project/small-parts.bin';
    const { uploadId } = await store.create(credentials, target(key));
    const parts = await uploadParts(key, uploadId, [randomBytes(1024), randomBytes(1024)]);
    const error = await failure(store.complete(credentials, { ...target(key), uploadId, parts }));
    expect(error).toMatchObject({ status: 400, code: 'EntityTooSmall', details: { field: 'parts' } });
    expect((error as Error).message).toMatch(/5 MiB/);
    await store.abort(credentials, { ...target(key), uploadId });
  });

  it('an upload outside what the credentials allow: S3AccessDenied(AccessDenied)', async () => {
    const error = await failure(store.create(credentials, target('private/sneaky.bin')));
    expect(error).toBeInstanceOf(S3AccessDenied);
    expect(error).toMatchObject({ code: 'AccessDenied' });
  });
});

describe('when S3 does not answer', () => {
  it('rejects with DependencyUnavailable (S3Unavailable), not a denial', async () => {
    const port = await closedPort();
    const unreachable = createS3MultipartStore({ forcePathStyle: true, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    await expect(unreachable.create(credentials, target('project/x.bin'))).rejects.toMatchObject({
      status: 503,
      code: 'S3Unavailable',
      message: 'S3 did not answer; try again shortly.',
    });
  });

  it('passes an abort through as the abort it is', async () => {
    const error = await failure(store.create(credentials, target('project/x.bin'), AbortSignal.abort()));
    expect(error).toMatchObject({ name: 'AbortError' });
  });
});
