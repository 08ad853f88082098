import { describe, expect, it } from 'vitest';
import { downloadUrl, presignObject } from '../../../shared/vending/presign';
import { vendCredentials } from '../../../shared/vending/vend';
import type { AssumeRoleRequest } from '../../../shared/volumes/ports';
import { caller, NOW, vendingWorld, volumeWith } from './fakes';

const reader = caller('rita');
const writer = caller('walt');
const members = { rita: 'read', walt: 'write' } as const;
const MIN = 60_000;

describe('presigned URLs', () => {
  it('a GET for a reader: the full key under the prefix, signed now for 900 s with read credentials', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const presigned = await presignObject(w.deps, reader, volume.id, { key: 'reads/sample 1.fq', method: 'GET' });
    expect(presigned).toEqual({
      url: expect.stringContaining('/lab-genomes/runs%2F2025%2Freads%2Fsample%201.fq?method=GET&expires=900'),
      method: 'GET',
      headers: {},
      expiresAt: '2025-06-01T12:15:00.000Z',
      expiresInSeconds: 900,
    });
    expect(w.signer.requests[0]).toMatchObject({
      bucket: 'lab-genomes',
      key: 'runs/2025/reads/sample 1.fq',
      region: 'eu-central-1',
      method: 'GET',
      expiresInSeconds: 900,
      signingDate: NOW,
    });
    expect(JSON.parse((w.sts.calls[0] as AssumeRoleRequest).policy!).Statement[1].Action).toEqual(['s3:GetObject', 's3:GetObjectTagging']);
  });

  it('GET and HEAD need read, PUT and DELETE write: a reader gets AccessExceedsMembership for PUT and DELETE', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(presignObject(w.deps, reader, volume.id, { key: 'a', method: 'HEAD' })).resolves.toMatchObject({ method: 'HEAD' });
    for (const method of ['PUT', 'DELETE'] as const) {
      await expect(presignObject(w.deps, reader, volume.id, { key: 'a', method })).rejects.toMatchObject({
        status: 403,
        code: 'AccessExceedsMembership',
      });
    }
    await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method: 'DELETE' })).resolves.toMatchObject({ method: 'DELETE' });
    expect(JSON.parse((w.sts.calls.at(-1) as AssumeRoleRequest).policy!).Statement[1].Action).toContain('s3:DeleteObject');
  });

  it('a PUT with a content type signs it and tells the caller to send it', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const presigned = await presignObject(w.deps, writer, volume.id, { key: 'up.csv', method: 'PUT', contentType: 'text/csv' });
    expect(presigned.headers).toEqual({ 'content-type': 'text/csv' });
    expect(w.signer.requests[0]).toMatchObject({ method: 'PUT', contentType: 'text/csv' });
  });

  it('a GET with a file name asks S3 for an attachment disposition', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await presignObject(w.deps, reader, volume.id, { key: 'x/1', method: 'GET', filename: 'résumé.pdf' });
    expect(w.signer.requests[0]!.responseContentDisposition).toBe(
      `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    );
  });

  it('refuses fields that do not fit the method', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method: 'GET', contentType: 'text/csv' })).rejects.toMatchObject({
      status: 400,
      details: { field: 'contentType' },
    });
    for (const method of ['PUT', 'HEAD', 'DELETE'] as const) {
      await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method, filename: 'a.txt' })).rejects.toMatchObject({
        status: 400,
        details: { field: 'filename' },
      });
    }
    await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method: 'POST' as never })).rejects.toMatchObject({
      status: 400,
      details: { field: 'method' },
    });
    await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method: 'GET', expiresIn: 604_801 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'expiresIn' },
    });
    await expect(presignObject(w.deps, writer, volume.id, { key: 'a', method: 'GET', expiresIn: 0 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'expiresIn' },
    });
  });

  it('a key that would leave the volume is a 400 InvalidKey, audited as failed', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(presignObject(w.deps, reader, volume.id, { key: '../../other/secret', method: 'GET' })).rejects.toMatchObject({
      status: 400,
      code: 'InvalidKey',
    });
    expect(w.signer.requests).toEqual([]);
    expect(w.audit.of(volume.id).at(-1)).toMatchObject({
      action: 'presign',
      outcome: 'failed',
      detail: { method: 'GET', key: '../../other/secret', reason: 'InvalidKey' },
    });
  });

  it('the same rules as vending: non-members 404, inactive 409, MFA', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members, { requireMfa: true });
    await expect(presignObject(w.deps, caller('mallory'), volume.id, { key: 'a', method: 'GET' })).rejects.toMatchObject({ status: 404 });
    await expect(presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET' })).rejects.toMatchObject({ code: 'MfaRequired' });
    const w2 = vendingWorld();
    const pending = await volumeWith(w2, members, { status: 'pending' });
    await expect(presignObject(w2.deps, reader, pending.id, { key: 'a', method: 'GET' })).rejects.toMatchObject({
      status: 409,
      code: 'VolumeNotActive',
    });
  });
});

describe('presigned URL lifetimes', () => {
  it('a week asked lives as long as the credentials, and expiresAt and note say so', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const presigned = await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET', expiresIn: 604_800 });
    expect(presigned.expiresAt).toBe('2025-06-01T13:00:00.000Z');
    expect(presigned.expiresInSeconds).toBe(3600);
    expect(presigned.note).toMatch(/lives 3600 s, not the 604800 s asked/);
    expect(w.signer.requests[0]!.expiresInSeconds).toBe(3600);
  });

  it('credentials shared with vending: a URL signed 20 minutes into them lives only what they have left', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const vended = await vendCredentials(w.deps, reader, volume.id);
    w.clock.advance(20 * MIN + 400);
    const presigned = await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET', expiresIn: 86_400 });
    expect(w.sts.calls).toHaveLength(1);
    expect(w.signer.requests[0]!.credentials.accessKeyId).toBe(vended.AccessKeyId);
    // Signed at 12:20:00 (the whole second), valid until the credentials expire at 13:00:00.
    expect(w.signer.requests[0]!.signingDate.toISOString()).toBe('2025-06-01T12:20:00.000Z');
    expect(presigned).toMatchObject({ expiresAt: vended.Expiration, expiresInSeconds: 2400 });
    expect(new Date(presigned.expiresAt).getTime()).toBeLessThanOrEqual(new Date(vended.Expiration).getTime());
  });

  it('a 15-minute URL gets its full 15 minutes: credentials with less left are replaced first', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET' });
    w.clock.advance(50 * MIN);
    const presigned = await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET', expiresIn: 900 });
    expect(w.sts.calls).toHaveLength(2);
    expect(presigned).toMatchObject({ expiresInSeconds: 900, expiresAt: '2025-06-01T13:05:00.000Z' });
    expect(presigned.note).toBeUndefined();
  });

  it('a long URL is never signed with credentials under 30 minutes from expiry', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET' });
    w.clock.advance(29 * MIN);
    expect((await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET', expiresIn: 604_800 })).expiresInSeconds).toBe(
      31 * 60,
    );
    w.clock.advance(1 * MIN);
    expect((await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'GET', expiresIn: 604_800 })).expiresInSeconds).toBe(3600);
    expect(w.sts.calls).toHaveLength(2);
  });
});

describe('presign audit', () => {
  it('records method and key, never the URL', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const { url } = await presignObject(w.deps, reader, volume.id, { key: 'reads/a.fq', method: 'GET', expiresIn: 60 });
    expect(w.audit.of(volume.id)).toEqual([
      {
        volumeId: volume.id,
        at: NOW.toISOString(),
        subject: 'rita',
        action: 'presign',
        outcome: 'allowed',
        requestId: 'req-rita',
        detail: { method: 'GET', key: 'reads/a.fq', expiresIn: 60, expiresInSeconds: 60, cached: false },
      },
    ]);
    expect(JSON.stringify(w.audit.events)).not.toContain(url);
    expect(JSON.stringify(w.audit.events)).not.toContain('?');
  });

  it("a member's refused presign is audited as denied", async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await presignObject(w.deps, reader, volume.id, { key: 'a', method: 'PUT' }).catch(() => undefined);
    expect(w.audit.of(volume.id)).toMatchObject([
      { action: 'presign', outcome: 'denied', detail: { method: 'PUT', key: 'a', reason: 'AccessExceedsMembership' } },
    ]);
  });
});

describe('download links', () => {
  it('answer the presigned GET URL of the key, with the file name as attachment', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const url = await downloadUrl(w.deps, reader, volume.id, 'reads/a b.fq', { filename: 'a b.fq' });
    expect(url).toMatch(/^https:\/\/s3\.eu-central-1\.example\/lab-genomes\/runs%2F2025%2Freads%2Fa%20b\.fq\?method=GET&expires=900&/);
    expect(w.signer.requests[0]).toMatchObject({
      method: 'GET',
      key: 'runs/2025/reads/a b.fq',
      expiresInSeconds: 900,
      responseContentDisposition: 'attachment; filename="a b.fq"',
    });
    expect(w.audit.of(volume.id).at(-1)).toMatchObject({
      action: 'presign',
      outcome: 'allowed',
      detail: { method: 'GET', key: 'reads/a b.fq', download: true },
    });
  });

  it('refuse non-members with 404 and keys that leave the volume with 400', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(downloadUrl(w.deps, caller('mallory'), volume.id, 'a')).rejects.toMatchObject({ status: 404 });
    await expect(downloadUrl(w.deps, reader, volume.id, 'a/../../b')).rejects.toMatchObject({ status: 400, code: 'InvalidKey' });
  });
});
