/**
 * Multipart uploads on disk: one folder per upload (named by a hash of its id) holding `upload.json` and,
 * per part, a content file plus `part-NNNNN.json`, committed the same way objects are. Everything that
 * touches one upload runs under that upload's lock, so a part never lands in an upload being completed
 * or aborted.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { noSuchBucket, noSuchUpload } from '../errors';
import type { BucketState, UploadState } from './bucket-state';
import { removeDirAtomic, removeFile, writeJsonAtomic } from './fs-util';
import type { PartRecord, UploadRecord } from './records';

const partMeta = (upload: UploadState, partNumber: number) => join(upload.dir, `part-${String(partNumber).padStart(5, '0')}.json`);

export const partPath = (upload: UploadState, part: PartRecord) => join(upload.dir, part.dataFile);

export async function createUpload(bucket: BucketState, record: UploadRecord): Promise<UploadState> {
  const dir = bucket.uploadDir(record.uploadId);
  return bucket.lock.run(async () => {
    if (bucket.deleted) throw noSuchBucket(bucket.name);
    await mkdir(dir, { recursive: true });
    await writeJsonAtomic(bucket.tmpDir, join(dir, 'upload.json'), record);
    const upload: UploadState = { record, dir, parts: new Map() };
    bucket.uploads.set(record.uploadId, upload);
    return upload;
  });
}

/** Runs `fn` holding the upload's lock; NoSuchUpload when it is unknown, belongs to another key, or is gone. */
export async function withUpload<T>(
  bucket: BucketState,
  key: string,
  uploadId: string,
  fn: (upload: UploadState) => Promise<T>,
): Promise<T> {
  return bucket.uploadLocks.run(uploadId, async () => {
    const upload = bucket.uploads.get(uploadId);
    if (bucket.deleted) throw noSuchBucket(bucket.name);
    if (!upload || upload.record.key !== key) throw noSuchUpload(uploadId);
    return fn(upload);
  });
}

/** Makes the received file `tempFile` part `part.partNumber` of the upload, replacing any earlier one. */
export async function commitPart(
  bucket: BucketState,
  key: string,
  uploadId: string,
  tempFile: string,
  part: Omit<PartRecord, 'dataFile'>,
): Promise<PartRecord> {
  try {
    return await withUpload(bucket, key, uploadId, async (upload) => {
      const record: PartRecord = { ...part, dataFile: `part-${part.partNumber}.${randomUUID()}.data` };
      await rename(tempFile, partPath(upload, record));
      try {
        await writeJsonAtomic(bucket.tmpDir, partMeta(upload, part.partNumber), record);
      } catch (error) {
        await removeFile(partPath(upload, record));
        throw error;
      }
      const previous = upload.parts.get(part.partNumber);
      upload.parts.set(part.partNumber, record);
      if (previous) await removeFile(partPath(upload, previous));
      return record;
    });
  } finally {
    await removeFile(tempFile);
  }
}

/** Forgets the upload and deletes its folder; call holding its lock (inside {@link withUpload}). */
export async function discardUpload(bucket: BucketState, upload: UploadState): Promise<void> {
  bucket.uploads.delete(upload.record.uploadId);
  await removeDirAtomic(upload.dir, bucket.tmpDir);
}
