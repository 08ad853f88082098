/**
 * The AWS SDK for JavaScript v3 (`@aws-sdk/client-s3`) in this process, path-style, with its default settings
 * otherwise (checksums, retries), as an application would use it. Multipart is the SDK's own three calls.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type ClientRunner, eachOp, type Op, type OpAnswer, PART_SIZE, type Target } from './types';

export function sdkClient(target: Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
}

/** The header a function URL renames a streamed answer's Content-Length to (docs/function-url.md). */
const REMAPPED = 'x-amzn-remapped-content-length';

export const sdkRunner: ClientRunner = {
  name: 'js-sdk',
  async run(target, ops) {
    const s3 = sdkClient(target);
    // What the answer's headers said beyond the SDK's output: the renamed Content-Length of a function URL.
    let remapped: number | undefined;
    s3.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const value = (out.response as { headers?: Record<string, string> }).headers?.[REMAPPED];
        remapped = value === undefined ? undefined : Number(value);
        return out;
      },
      { step: 'deserialize', name: 'smokeRemappedLength' },
    );
    const withRemapped = (answer: OpAnswer): OpAnswer => (remapped === undefined ? answer : { ...answer, remappedLength: remapped });
    try {
      return await eachOp(
        ops,
        async (op) => {
          remapped = undefined;
          return withRemapped(await runOp(s3, target.bucket, op));
        },
        describe,
      );
    } finally {
      s3.destroy();
    }
  },
};

async function runOp(s3: S3Client, bucket: string, op: Op): Promise<OpAnswer> {
  switch (op.do) {
    case 'head': {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: op.key }));
      return { ok: true, size: head.ContentLength ?? null };
    }
    case 'get': {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: op.key, ...(op.range ? { Range: op.range } : {}) }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      return { ok: true, sha256: sha256(bytes), length: bytes.length, contentLength: got.ContentLength ?? null, etag: got.ETag };
    }
    case 'put':
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: op.key, Body: readFileSync(op.file) }));
      return { ok: true };
    case 'multipart':
      await multipart(s3, bucket, op.key, readFileSync(op.file));
      return { ok: true };
    case 'list': {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: op.prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return { ok: true, keys };
    }
    case 'refused':
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: op.bucket, Key: op.key }));
        await got.Body?.transformToByteArray();
        return { ok: true, code: 'ok', status: 200 };
      } catch (error) {
        if (error instanceof S3ServiceException) return { ok: true, code: error.name, status: error.$metadata.httpStatusCode };
        throw error;
      }
  }
}

async function multipart(s3: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  try {
    const parts = [];
    for (let offset = 0, n = 1; offset < body.length; offset += PART_SIZE, n++) {
      const part = await s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body.subarray(offset, offset + PART_SIZE) }),
      );
      parts.push({ PartNumber: n, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** An SDK error as a line: the S3 code and status, and the message. */
export function describe(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? '?'}): ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
