/**
 * The data directory: `tmp/` for bytes in flight (same file system, so a rename commits them) and
 * `buckets/<name>/` per bucket. Bucket names are validated before they ever become a directory name.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsError } from '../../types';
import { SortedKeys } from '../key-order';
import { Mutex } from '../mutex';
import { BucketState } from './bucket-state';
import { removeDirAtomic, uniquePath, writeJsonAtomic } from './fs-util';
import { listDir, loadBucket } from './load';
import type { BucketRecord } from './records';

export class Store {
  /** Serialises bucket creation and deletion. */
  private readonly lock = new Mutex();

  private constructor(
    readonly dataDir: string,
    readonly tmpDir: string,
    private readonly buckets: Map<string, BucketState>,
  ) {}

  /** Opens (or creates) a data directory, clearing leftovers of interrupted requests and rebuilding every index. */
  static async open(dataDir: string): Promise<Store> {
    const tmpDir = join(dataDir, 'tmp');
    await rm(tmpDir, { recursive: true, force: true });
    await mkdir(tmpDir, { recursive: true });
    await mkdir(join(dataDir, 'buckets'), { recursive: true });
    const buckets = new Map<string, BucketState>();
    for (const name of await listDir(join(dataDir, 'buckets'))) {
      const state = await loadBucket(join(dataDir, 'buckets', name), tmpDir);
      if (state && state.name === name) buckets.set(name, state);
    }
    return new Store(dataDir, tmpDir, buckets);
  }

  /** A fresh path in `tmp/` for bytes being received. */
  tempFile(): string {
    return uniquePath(this.tmpDir, '.tmp');
  }

  bucket(name: string): BucketState | undefined {
    return this.buckets.get(name);
  }

  /** All buckets, by name. */
  list(): BucketState[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates a bucket; returns the existing one instead when the name is taken. */
  async createBucket(record: BucketRecord): Promise<{ created: boolean; bucket: BucketState }> {
    return this.lock.run(async () => {
      const existing = this.buckets.get(record.name);
      if (existing) return { created: false, bucket: existing };
      const dir = join(this.dataDir, 'buckets', record.name);
      await mkdir(dir, { recursive: true });
      await writeJsonAtomic(this.tmpDir, join(dir, 'bucket.json'), record);
      const bucket = new BucketState(dir, this.tmpDir, record, new Map(), SortedKeys.empty(), new Map());
      this.buckets.set(record.name, bucket);
      return { created: true, bucket };
    });
  }

  /** Deletes an empty bucket (pending multipart uploads go with it); BucketNotEmpty while it holds objects. */
  async deleteBucket(bucket: BucketState): Promise<void> {
    await this.lock.run(() =>
      bucket.lock.run(async () => {
        if (bucket.deleted) return;
        if (bucket.objects.size > 0) {
          throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket.name });
        }
        bucket.deleted = true;
        this.buckets.delete(bucket.name);
        await removeDirAtomic(bucket.dir, this.tmpDir);
      }),
    );
  }
}
