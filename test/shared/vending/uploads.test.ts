import { describe, expect, it } from 'vitest';
import { abortUpload, completeUpload, startUpload } from '../../../shared/vending/uploads';
import type { AssumeRoleRequest } from '../../../shared/volumes/ports';
import { caller, vendingWorld, volumeWith } from './fakes';

const reader = caller('rita');
const writer = caller('walt');
const members = { rita: 'read', walt: 'write' } as const;

describe('browser multipart uploads', () => {
  it('starting creates the upload with write credentials and returns a PUT URL per part carrying uploadId and partNumber', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const started = await startUpload(w.deps, writer, volume.id, { key: 'big/genome.fa', parts: 3, contentType: 'text/plain' });
    expect(w.multipart.calls).toMatchObject([
      {
        op: 'create',
        target: { bucket: 'lab-genomes', key: 'runs/2025/big/genome.fa', region: 'eu-central-1', contentType: 'text/plain' },
      },
    ]);
    expect(JSON.parse((w.sts.calls[0] as AssumeRoleRequest).policy!).Statement[1].Action).toContain('s3:PutObject');
    expect(started).toMatchObject({ uploadId: 'upload-1', key: 'big/genome.fa', expiresAt: '2025-06-01T13:00:00.000Z' });
    expect(started.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    started.parts.forEach(({ partNumber, url }) => {
      const query = new URL(url).searchParams;
      expect(query.get('method')).toBe('PUT');
      expect(query.get('uploadId')).toBe('upload-1');
      expect(query.get('partNumber')).toBe(String(partNumber));
    });
    expect(w.signer.requests.every((r) => r.key === 'runs/2025/big/genome.fa' && r.credentials === w.multipart.calls[0]!.credentials)).toBe(
      true,
    );
  });

  it('starting a 10,000-part upload signs the first 1,000 part URLs with one STS call and names part 1,001 as the next', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const started = await startUpload(w.deps, writer, volume.id, { key: 'huge.bin', parts: 10_000 });
    expect(started.parts).toHaveLength(1_000);
    expect(started.parts.at(-1)).toMatchObject({ partNumber: 1_000, url: expect.stringContaining('partNumber=1000') });
    expect(started.nextPartNumber).toBe(1_001);
    expect(w.sts.calls).toHaveLength(1);
  });

  it('refuses 0 or more than 10,000 parts before anything is started', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    for (const parts of [0, 10_001, 2.5]) {
      await expect(startUpload(w.deps, writer, volume.id, { key: 'a', parts })).rejects.toMatchObject({
        status: 400,
        details: { field: 'parts' },
      });
    }
    expect(w.multipart.calls).toEqual([]);
  });

  it('a reader may not upload (AccessExceedsMembership), a non-member gets 404, a bad key 400; nothing is started', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(startUpload(w.deps, reader, volume.id, { key: 'a', parts: 1 })).rejects.toMatchObject({
      status: 403,
      code: 'AccessExceedsMembership',
    });
    await expect(startUpload(w.deps, caller('mallory'), volume.id, { key: 'a', parts: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(startUpload(w.deps, writer, volume.id, { key: 'a/../../abs', parts: 1 })).rejects.toMatchObject({
      status: 400,
      code: 'InvalidKey',
    });
    expect(w.multipart.calls).toEqual([]);
  });

  it('completing sends the parts in ascending order and answers the key and ETag', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'big.fa', parts: 3 });
    const done = await completeUpload(w.deps, writer, volume.id, uploadId, {
      key: 'big.fa',
      parts: [
        { partNumber: 3, etag: '"c"' },
        { partNumber: 1, etag: '"a"' },
        { partNumber: 2, etag: '"b"' },
      ],
    });
    expect(done).toEqual({ key: 'big.fa', etag: '"etag-of-whole"' });
    expect(w.multipart.calls[1]).toMatchObject({
      op: 'complete',
      target: {
        key: 'runs/2025/big.fa',
        uploadId,
        parts: [
          { partNumber: 1, etag: '"a"' },
          { partNumber: 2, etag: '"b"' },
          { partNumber: 3, etag: '"c"' },
        ],
      },
    });
  });

  it('completing refuses a part listed twice, and passes UploadNotFound through', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(
      completeUpload(w.deps, writer, volume.id, 'upload-1', {
        key: 'a',
        parts: [
          { partNumber: 1, etag: '"a"' },
          { partNumber: 1, etag: '"b"' },
        ],
      }),
    ).rejects.toMatchObject({ status: 400, details: { field: 'parts.1.partNumber' } });
    await expect(
      completeUpload(w.deps, writer, volume.id, 'upload-404', { key: 'a', parts: [{ partNumber: 1, etag: '"a"' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'UploadNotFound',
    });
  });

  it('aborting frees the upload', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'big.fa', parts: 2 });
    await abortUpload(w.deps, writer, volume.id, uploadId, { key: 'big.fa' });
    expect(w.multipart.calls.at(-1)).toMatchObject({ op: 'abort', target: { bucket: 'lab-genomes', key: 'runs/2025/big.fa', uploadId } });
    expect(w.multipart.open.size).toBe(0);
  });

  it('start, complete and abort are audited with key and uploadId, never URLs', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const first = await startUpload(w.deps, writer, volume.id, { key: 'a.fa', parts: 2 });
    await completeUpload(w.deps, writer, volume.id, first.uploadId, {
      key: 'a.fa',
      parts: [
        { partNumber: 1, etag: '"x"' },
        { partNumber: 2, etag: '"y"' },
      ],
    });
    const second = await startUpload(w.deps, writer, volume.id, { key: 'b.fa', parts: 1 });
    await abortUpload(w.deps, writer, volume.id, second.uploadId, { key: 'b.fa' });
    await startUpload(w.deps, reader, volume.id, { key: 'c.fa', parts: 1 }).catch(() => undefined);
    expect(w.audit.of(volume.id).map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['upload.start', 'allowed', { key: 'a.fa', parts: 2, uploadId: 'upload-1', signed: 2, expiresInSeconds: 3600, cached: false }],
      ['upload.complete', 'succeeded', { key: 'a.fa', uploadId: 'upload-1', parts: 2 }],
      ['upload.start', 'allowed', { key: 'b.fa', parts: 1, uploadId: 'upload-2', signed: 1, expiresInSeconds: 3600, cached: true }],
      ['upload.abort', 'succeeded', { key: 'b.fa', uploadId: 'upload-2' }],
      ['upload.start', 'denied', { key: 'c.fa', parts: 1, cached: false, reason: 'AccessExceedsMembership' }],
    ]);
    expect(JSON.stringify(w.audit.events)).not.toContain('https://');
  });
});
