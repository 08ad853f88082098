/**
 * Rebuilding a bucket's in-memory state from disk on start: the metadata files are the truth; content files
 * no metadata names (left by a crash between the two renames, or by a replaced part) are swept away.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SortedKeys } from '../key-order';
import { BucketState, type UploadState } from './bucket-state';
import { isNotFound, removeFile } from './fs-util';
import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from './records';

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if (isNotFound(error) || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Deletes the `.data` files in `dir` that `referenced` does not name. */
async function sweep(dir: string, names: string[], referenced: Set<string>): Promise<void> {
  for (const name of names) if (name.endsWith('.data') && !referenced.has(name)) await removeFile(join(dir, name));
}

async function loadObjects(bucketDir: string): Promise<Map<string, ObjectRecord>> {
  const objects = new Map<string, ObjectRecord>();
  const root = join(bucketDir, 'objects');
  for (const fan of await entries(root)) {
    const dir = join(root, fan);
    const names = await entries(dir);
    const referenced = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const record = await readJson<ObjectRecord>(join(dir, name));
      if (!record || !names.includes(record.dataFile)) continue;
      objects.set(record.key, record);
      referenced.add(record.dataFile);
    }
    await sweep(dir, names, referenced);
  }
  return objects;
}

async function loadUploads(bucketDir: string): Promise<Map<string, UploadState>> {
  const uploads = new Map<string, UploadState>();
  const root = join(bucketDir, 'uploads');
  for (const entry of await entries(root)) {
    const dir = join(root, entry);
    const record = await readJson<UploadRecord>(join(dir, 'upload.json'));
    if (!record) continue;
    const names = await entries(dir);
    const parts = new Map<number, PartRecord>();
    const referenced = new Set<string>();
    for (const name of names) {
      if (!/^part-\d+\.json$/.test(name)) continue;
      const part = await readJson<PartRecord>(join(dir, name));
      if (!part || !names.includes(part.dataFile)) continue;
      parts.set(part.partNumber, part);
      referenced.add(part.dataFile);
    }
    await sweep(dir, names, referenced);
    uploads.set(record.uploadId, { record, dir, parts });
  }
  return uploads;
}

export async function loadBucket(bucketDir: string, tmpDir: string): Promise<BucketState | undefined> {
  const record = await readJson<BucketRecord>(join(bucketDir, 'bucket.json'));
  if (!record) return undefined;
  const objects = await loadObjects(bucketDir);
  const uploads = await loadUploads(bucketDir);
  return new BucketState(bucketDir, tmpDir, record, objects, SortedKeys.from(objects.keys()), uploads);
}

export { entries as listDir };
