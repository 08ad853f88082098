/**
 * The objects the smoke test reads and writes, all under one unique prefix (`smoke-<time>-<random>/`) so that
 * cleaning up deletes exactly what it wrote: `data.bin` (random, above the ~100 KB a streamed response may be held
 * back), `gzip.txt` (gzip bytes stored with `Content-Encoding: gzip`, which must come back as stored), and the
 * local files clients upload (a small one, and 10 MiB for two 5 MiB parts). On a read-only volume nothing is
 * written: the reads use an object the volume already holds.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sha256 } from './clients/sdk';
import { PART_SIZE } from './clients/types';

/** An object the clients read, and what they must get. */
export interface ReadObject {
  key: string;
  size: number;
  sha256: string;
  /** A range inside it (`bytes=a-b`) and the SHA-256 of those bytes. */
  range: string;
  rangeSha256: string;
}

export interface LocalFile {
  file: string;
  size: number;
  sha256: string;
}

export interface Fixtures {
  prefix: string;
  data: ReadObject;
  /** Absent on a read-only volume. */
  gzip?: ReadObject;
  small: LocalFile;
  big: LocalFile;
}

export const DATA_SIZE = 150_001;
/** The largest existing object a read-only run will read. */
const MAX_READ = 4 * 1024 * 1024;

/** `smoke-20260105T221502-a1b2c3/`: sorts by time, unique per run. */
export function runPrefix(now = new Date()): string {
  return `smoke-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}-${randomBytes(3).toString('hex')}/`;
}

function readObject(key: string, bytes: Buffer): ReadObject {
  const first = Math.floor(bytes.length / 3);
  const last = Math.min(bytes.length - 1, first + 65_535);
  return {
    key,
    size: bytes.length,
    sha256: sha256(bytes),
    range: `bytes=${first}-${last}`,
    rangeSha256: sha256(bytes.subarray(first, last + 1)),
  };
}

function localFile(workDir: string, name: string, bytes: Buffer): LocalFile {
  const file = join(workDir, name);
  writeFileSync(file, bytes);
  return { file, size: bytes.length, sha256: sha256(bytes) };
}

/** The local files clients upload (written on a read-only volume too: they cost nothing and are not sent). */
function uploads(workDir: string): Pick<Fixtures, 'small' | 'big'> {
  return { small: localFile(workDir, 'small.bin', randomBytes(4_099)), big: localFile(workDir, 'big.bin', randomBytes(2 * PART_SIZE)) };
}

/** Writes data.bin and gzip.txt under `prefix` with the JS SDK. */
export async function writeFixtures(s3: S3Client, bucket: string, prefix: string, workDir: string): Promise<Fixtures> {
  const data = randomBytes(DATA_SIZE);
  const gzip = gzipSync(Buffer.from('volume-gateway smoke test: these bytes are stored gzip-compressed.\n'.repeat(400)));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}data.bin`, Body: data, ContentType: 'application/octet-stream' }));
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: `${prefix}gzip.txt`, Body: gzip, ContentType: 'text/plain', ContentEncoding: 'gzip' }),
  );
  return { prefix, data: readObject(`${prefix}data.bin`, data), gzip: readObject(`${prefix}gzip.txt`, gzip), ...uploads(workDir) };
}

/** For a read-only volume: the first object of the volume's first listing page of 1 byte to 4 MiB, read once with the SDK. */
export async function existingFixtures(s3: S3Client, bucket: string, prefix: string, workDir: string): Promise<Fixtures | undefined> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
  const found = (page.Contents ?? []).find((o) => (o.Size ?? 0) > 0 && (o.Size ?? 0) <= MAX_READ);
  if (!found) return undefined;
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: found.Key! }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  return { prefix, data: readObject(found.Key!, bytes), ...uploads(workDir) };
}

/** Deletes every object under `prefix` and aborts its unfinished uploads; how many objects it deleted and how many remain. */
export async function cleanUp(s3: S3Client, bucket: string, prefix: string): Promise<{ deleted: number; left: number }> {
  const listAll = async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  };
  const keys = await listAll();
  for (let i = 0; i < keys.length; i += 1000) {
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }),
    );
  }
  const uploadsOpen = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const upload of uploadsOpen.Uploads ?? []) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key!, UploadId: upload.UploadId! }));
  }
  return { deleted: keys.length, left: (await listAll()).length };
}
