/**
 * How the local S3's store orders object commits. Under load (bench/load.ts: 40 concurrent PUTs among 200 clients)
 * one bucket-wide queue of commits, each several file operations long, made PUTs wait behind every other PUT
 * until they timed out; commits of different keys must not wait for each other, while commits of one key, and
 * DeleteBucket, keep their order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BucketState } from '../../../../local/aws/s3/storage/bucket-state';
import { Store } from '../../../../local/aws/s3/storage/store';

let dir: string;
let store: Store;
let bucket: BucketState;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vg-s3-locks-'));
  store = await Store.open(dir);
  ({ bucket } = await store.createBucket({
    name: 'locks',
    ownerAccountId: '111111111111',
    region: 'us-east-1',
    creationDate: new Date().toISOString(),
  }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const object = (text: string) => ({
  size: text.length,
  etag: `"${text}"`,
  lastModified: new Date().toISOString(),
  headers: { contentType: 'text/plain', userMetadata: {} },
});

function commit(key: string, text: string, check?: Parameters<BucketState['commitObject']>[3]) {
  const temp = store.tempFile();
  writeFileSync(temp, text);
  return bucket.commitObject(key, temp, object(text), check);
}

describe('local S3 commits', () => {
  it('a commit of one key does not wait for a commit of another key in flight', async () => {
    let otherWasCommitted: boolean | undefined;
    await Promise.all([commit('a', 'first'), commit('b', 'second', () => (otherWasCommitted = bucket.objects.has('a')))]);
    expect(otherWasCommitted).toBe(false);
    expect([...bucket.objects.keys()].sort()).toEqual(['a', 'b']);
  });

  it('commits of the same key keep their order: the second sees the first', async () => {
    let seen: string | undefined;
    await Promise.all([commit('k', 'one'), commit('k', 'two', (current) => (seen = current?.etag))]);
    expect(seen).toBe('"one"');
    expect(bucket.objects.get('k')?.etag).toBe('"two"');
  });

  it('DeleteBucket waits for the commits in flight, and then finds the bucket not empty', async () => {
    const [, deleted] = await Promise.allSettled([commit('late', 'x'), store.deleteBucket(bucket)]);
    expect(deleted.status).toBe('rejected');
    expect((deleted as PromiseRejectedResult).reason).toMatchObject({ code: 'BucketNotEmpty' });
    expect(bucket.deleted).toBe(false);
  });
});
