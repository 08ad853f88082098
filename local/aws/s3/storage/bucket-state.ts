/**
 * One bucket on disk and in memory. Each object is a content file plus a metadata JSON beside it, both named
 * by a hash of the key, so no key (`../x`, `a//b`, NUL, 1 KiB of unicode) can name a path. Content lands
 * first under a fresh name, then the metadata is renamed into place, so the metadata never points at a
 * half-written or missing file; readers holding the old content keep reading it until they close it.
 * The sorted key index and all records live in memory, rebuilt from the metadata files on start.
 */
import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { noSuchBucket } from '../errors';
import type { SortedKeys } from '../key-order';
import { KeyedMutex, SharedMutex } from '../mutex';
import { hashName, isNotFound, removeFile, writeJsonAtomic } from './fs-util';
import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from './records';

export interface UploadState {
  record: UploadRecord;
  dir: string;
  parts: Map<number, PartRecord>;
}

export type NewObject = Omit<ObjectRecord, 'key' | 'dataFile'>;

export class BucketState {
  /** Set once DeleteBucket has removed it; late commits then fail with NoSuchBucket. */
  deleted = false;
  /**
   * Object commits and removals hold it shared, and one lock per key (`objectLocks`): a key's metadata file, its
   * index entry and the removal of its replaced content move together, while other keys commit at the same time
   * (one bucket-wide queue made every PUT wait for all the others under load). Bucket-wide changes (the bucket's
   * record, DeleteBucket, new multipart uploads) hold it exclusively: no object commit runs beside them.
   */
  readonly lock = new SharedMutex();
  private readonly objectLocks = new KeyedMutex();
  /** One lock per multipart upload: part commits, Complete and Abort never interleave. */
  readonly uploadLocks = new KeyedMutex();

  constructor(
    readonly dir: string,
    readonly tmpDir: string,
    public record: BucketRecord,
    readonly objects: Map<string, ObjectRecord>,
    readonly keys: SortedKeys,
    readonly uploads: Map<string, UploadState>,
  ) {}

  get name(): string {
    return this.record.name;
  }

  objectDir(key: string): string {
    return join(this.dir, 'objects', hashName(key).slice(0, 2));
  }

  dataPath(record: Pick<ObjectRecord, 'key' | 'dataFile'>): string {
    return join(this.objectDir(record.key), record.dataFile);
  }

  private metaPath(key: string): string {
    return join(this.objectDir(key), `${hashName(key)}.json`);
  }

  uploadDir(uploadId: string): string {
    return join(this.dir, 'uploads', hashName(uploadId));
  }

  async saveRecord(record: BucketRecord): Promise<void> {
    await this.lock.run(async () => {
      if (this.deleted) throw noSuchBucket(this.name);
      await writeJsonAtomic(this.tmpDir, join(this.dir, 'bucket.json'), record);
      this.record = record;
    });
  }

  /**
   * Makes the received file `tempFile` the content of `key`. `check` runs under the lock against the current
   * record, so conditional writes (If-Match, If-None-Match) are decided atomically with the commit.
   */
  async commitObject(
    key: string,
    tempFile: string,
    object: NewObject,
    check?: (current: ObjectRecord | undefined) => void,
  ): Promise<ObjectRecord> {
    return this.lock.shared(() =>
      this.objectLocks.run(key, async () => {
        try {
          if (this.deleted) throw noSuchBucket(this.name);
          check?.(this.objects.get(key));
          const record: ObjectRecord = { ...object, key, dataFile: `${hashName(key)}.${randomUUID()}.data` };
          await mkdir(this.objectDir(key), { recursive: true });
          await rename(tempFile, this.dataPath(record));
          try {
            await writeJsonAtomic(this.tmpDir, this.metaPath(key), record);
          } catch (error) {
            await removeFile(this.dataPath(record));
            throw error;
          }
          const previous = this.objects.get(key);
          this.objects.set(key, record);
          this.keys.add(key);
          if (previous) await removeFile(this.dataPath(previous));
          return record;
        } finally {
          await removeFile(tempFile);
        }
      }),
    );
  }

  /**
   * Rewrites the metadata of `key` (tags), keeping its content: `change` gets the current record and returns the
   * new one; undefined when there is no such key.
   */
  async updateObject(key: string, change: (current: ObjectRecord) => ObjectRecord): Promise<ObjectRecord | undefined> {
    return this.lock.shared(() =>
      this.objectLocks.run(key, async () => {
        const current = this.objects.get(key);
        if (!current || this.deleted) return undefined;
        const record = { ...change(current), key, dataFile: current.dataFile };
        await writeJsonAtomic(this.tmpDir, this.metaPath(key), record);
        this.objects.set(key, record);
        return record;
      }),
    );
  }

  /** Removes `key`; true when it existed. The metadata goes first, so a crash leaves only an orphan content file (swept on start). */
  async deleteObject(key: string): Promise<boolean> {
    return this.lock.shared(() =>
      this.objectLocks.run(key, async () => {
        const previous = this.objects.get(key);
        if (!previous || this.deleted) return false;
        await removeFile(this.metaPath(key));
        this.objects.delete(key);
        this.keys.delete(key);
        await removeFile(this.dataPath(previous));
        return true;
      }),
    );
  }

  /**
   * The current record of `key` with its content opened. A concurrent overwrite may remove the content file
   * between the lookup and the open; then the lookup is repeated against the new record.
   */
  async openObject(key: string): Promise<{ record: ObjectRecord; file: FileHandle } | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const record = this.objects.get(key);
      if (!record) return undefined;
      try {
        return { record, file: await open(this.dataPath(record), 'r') };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    throw new Error(`s3: content of ${this.name}/${key} kept changing while being opened`);
  }
}
