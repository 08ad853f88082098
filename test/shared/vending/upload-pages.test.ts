/**
 * Browser multipart part URLs come in pages, so no answer nears Lambda's 6 MB response limit (issue 9, finding 6:
 * `{"parts": 10000}` used to answer 7.8 MB). The size claim is checked with the real URL signer, the longest key
 * and long session tokens and uploadIds; the paging rules with the fake signer.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createS3UrlSigner } from '../../../shared/adapters/s3-url-signer';
import { completeUpload, PART_URLS_PER_ANSWER, type PartUrls, presignParts, startUpload } from '../../../shared/vending/uploads';
import type { CredentialIssuer } from '../../../shared/volumes/ports';
import { caller, type VendingWorld, vendingWorld, volumeWith } from './fakes';

const writer = caller('walt');
const reader = caller('rita');
const members = { rita: 'read', walt: 'write' } as const;
/** Lambda's limit on a response payload. */
const LAMBDA_RESPONSE_BYTES = 6_000_000;
const bytes = (answer: unknown) => Buffer.byteLength(JSON.stringify(answer));
/** 1,024 bytes once the test volume's prefix (`runs/2025/`) is put in front, each byte percent-encoded in a URL. */
const LONGEST_KEY = '%'.repeat(1024 - 'runs/2025/'.length);

/** Follows `nextPartNumber` until every part of `total` has its URL; returns every answer. */
async function allPages(w: VendingWorld, volumeId: string, key: string, total: number): Promise<PartUrls[]> {
  const answers: PartUrls[] = [await startUpload(w.deps, writer, volumeId, { key, parts: total })];
  for (let next = answers[0]!.nextPartNumber; next !== undefined; next = answers.at(-1)!.nextPartNumber) {
    answers.push(await presignParts(w.deps, writer, volumeId, answers[0]!.uploadId, { key, from: next, count: total - next + 1 }));
    if (answers.length > total) throw new Error('nextPartNumber never ends');
  }
  return answers;
}

describe('browser multipart part URLs in pages', () => {
  it('every answer of a 10,000-part upload stays under 6 MB with the longest key, a long uploadId and session token: the first page, ' +
    'one from the middle, the last', async () => {
    const w = vendingWorld();
    // The real signer, and what makes its URLs longest: a 63-character bucket, a key of 1,024 bytes once prefixed
    // whose every byte is percent-encoded, a 4 KiB session token and an uploadId of 1,000 characters. Signing
    // costs about 2 ms a URL, so the pages in between (all signed by the same rule) are walked in the next test.
    const sessionToken = randomBytes(3072).toString('base64');
    const sts: CredentialIssuer = {
      assumeRole: async (request) => ({ ...(await w.sts.assumeRole(request)), sessionToken }),
      assumeRoleWithWebIdentity: async (request) => ({ ...(await w.sts.assumeRoleWithWebIdentity(request)), sessionToken }),
    };
    w.deps = { ...w.deps, sts, signer: createS3UrlSigner({ forcePathStyle: false }) };
    w.multipart.idPrefix = 'A+/='.repeat(250);
    const volume = await volumeWith(w, members, { bucket: 'b'.repeat(63), region: 'ap-southeast-4' });
    const key = LONGEST_KEY;

    const first = await startUpload(w.deps, writer, volume.id, { key, parts: 10_000 });
    const middle = await presignParts(w.deps, writer, volume.id, first.uploadId, {
      key,
      from: first.nextPartNumber!,
      count: 10_000 - first.nextPartNumber! + 1,
    });
    const last = await presignParts(w.deps, writer, volume.id, first.uploadId, {
      key,
      from: 10_000 - middle.parts.length + 1,
      count: middle.parts.length,
    });

    const sizes = [first, middle, last].map(bytes);
    expect(Math.max(...sizes), `answer sizes: ${sizes.join(', ')}`).toBeLessThan(LAMBDA_RESPONSE_BYTES);
    expect(middle.parts[0]!.partNumber).toBe(first.parts.length + 1);
    expect(middle.nextPartNumber).toBe(middle.parts[0]!.partNumber + middle.parts.length);
    expect([last.parts.at(-1)!.partNumber, last.nextPartNumber]).toEqual([10_000, undefined]);
    for (const { partNumber, url } of [...first.parts, ...middle.parts, ...last.parts]) {
      const query = new URL(url).searchParams;
      expect([query.get('partNumber'), query.get('uploadId')]).toEqual([String(partNumber), first.uploadId]);
    }
    expect(w.sts.calls).toHaveLength(1);
  }, 60_000);

  it('following nextPartNumber gives all 10,000 part URLs, each once and in order, in pages shortened to fit long URLs', async () => {
    const w = vendingWorld();
    w.multipart.idPrefix = 'A+/='.repeat(250);
    const volume = await volumeWith(w, members);
    const answers = await allPages(w, volume.id, LONGEST_KEY, 10_000);
    expect(answers.length).toBeGreaterThan(10);
    expect(Math.max(...answers.map(bytes))).toBeLessThan(LAMBDA_RESPONSE_BYTES);
    const parts = answers.flatMap((answer) => answer.parts);
    expect(parts.map((part) => part.partNumber)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(
      parts.every(({ partNumber, url }) => url.includes(`partNumber=${partNumber}&`) || url.endsWith(`partNumber=${partNumber}`)),
    ).toBe(true);
    expect(answers.at(-1)!.nextPartNumber).toBeUndefined();
    expect(w.sts.calls).toHaveLength(1);
  });

  it('a typical upload gets 1,000 URLs an answer and nextPartNumber while parts remain; up to 1,000 parts come in one answer', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const answers = await allPages(w, volume.id, 'big/genome.fa', 2_500);
    expect(answers.map((a) => [a.parts[0]!.partNumber, a.parts.length, a.nextPartNumber])).toEqual([
      [1, PART_URLS_PER_ANSWER, 1001],
      [1001, PART_URLS_PER_ANSWER, 2001],
      [2001, 500, undefined],
    ]);
    expect(new Set(answers.map((a) => a.expiresAt)).size).toBe(1);
    const whole = await startUpload(w.deps, writer, volume.id, { key: 'one-answer.bin', parts: 1_000 });
    expect([whole.parts.length, 'nextPartNumber' in whole]).toEqual([1_000, false]);
  });

  it('signs parts again for an upload that is open, e.g. when their URLs expired', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'a.bin', parts: 3 });
    const again = await presignParts(w.deps, writer, volume.id, uploadId, { key: 'a.bin', from: 2, count: 2 });
    expect(again).toMatchObject({ uploadId, key: 'a.bin', parts: [{ partNumber: 2 }, { partNumber: 3 }] });
    expect(again.nextPartNumber).toBeUndefined();
    expect(w.multipart.calls.at(-1)).toMatchObject({ op: 'check', target: { bucket: 'lab-genomes', key: 'runs/2025/a.bin', uploadId } });
  });

  it(
    'more part URLs only for an upload S3 has open for this key in this volume: another key, a wrong or completed uploadId is ' +
      'UploadNotFound and nothing is signed',
    async () => {
      const w = vendingWorld();
      const volume = await volumeWith(w, members);
      const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'a.bin', parts: 2 });
      const signed = w.signer.requests.length;
      for (const [id, key] of [
        [uploadId, 'b.bin'],
        ['upload-404', 'a.bin'],
      ]) {
        await expect(presignParts(w.deps, writer, volume.id, id!, { key: key!, from: 1, count: 1 })).rejects.toMatchObject({
          status: 404,
          code: 'UploadNotFound',
        });
      }
      await completeUpload(w.deps, writer, volume.id, uploadId, { key: 'a.bin', parts: [{ partNumber: 1, etag: '"a"' }] });
      await expect(presignParts(w.deps, writer, volume.id, uploadId, { key: 'a.bin', from: 2, count: 1 })).rejects.toMatchObject({
        code: 'UploadNotFound',
      });
      expect(w.signer.requests).toHaveLength(signed);
    },
  );

  it('a reader may not have part URLs (AccessExceedsMembership), a non-member gets 404; S3 is not asked', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'a.bin', parts: 2 });
    const calls = w.multipart.calls.length;
    await expect(presignParts(w.deps, reader, volume.id, uploadId, { key: 'a.bin', from: 1, count: 1 })).rejects.toMatchObject({
      status: 403,
      code: 'AccessExceedsMembership',
    });
    await expect(presignParts(w.deps, caller('mallory'), volume.id, uploadId, { key: 'a.bin', from: 1, count: 1 })).rejects.toMatchObject({
      status: 404,
    });
    expect(w.multipart.calls).toHaveLength(calls);
  });

  it('refuses a range outside parts 1 to 10,000 before anything is checked', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    for (const [from, count, field] of [
      [0, 1, 'from'],
      [10_001, 1, 'from'],
      [1.5, 1, 'from'],
      [1, 0, 'count'],
      [9_999, 3, 'count'],
      [1, 10_001, 'count'],
    ] as const) {
      await expect(presignParts(w.deps, writer, volume.id, 'upload-1', { key: 'a.bin', from, count })).rejects.toMatchObject({
        status: 400,
        details: { field },
      });
    }
    expect(w.multipart.calls).toEqual([]);
  });

  it('more part URLs are audited as upload.parts with the key, uploadId and range, never the URLs', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { uploadId } = await startUpload(w.deps, writer, volume.id, { key: 'a.bin', parts: 1_500 });
    await presignParts(w.deps, writer, volume.id, uploadId, { key: 'a.bin', from: 1001, count: 500 });
    await presignParts(w.deps, writer, volume.id, 'upload-404', { key: 'a.bin', from: 1, count: 1 }).catch(() => undefined);
    expect(w.audit.of(volume.id).map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['upload.start', 'allowed', { key: 'a.bin', parts: 1_500, uploadId, signed: 1_000, expiresInSeconds: 3600, cached: false }],
      ['upload.parts', 'allowed', { key: 'a.bin', uploadId, from: 1001, count: 500, signed: 500, expiresInSeconds: 3600, cached: true }],
      ['upload.parts', 'failed', { key: 'a.bin', uploadId: 'upload-404', from: 1, count: 1, cached: false, reason: 'UploadNotFound' }],
    ]);
    expect(JSON.stringify(w.audit.events)).not.toContain('https://');
  });
});
