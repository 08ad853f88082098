import { describe, expect, it } from 'vitest';
import { vendCredentials } from '../../../shared/vending/vend';
import type { AssumeRoleRequest, AssumeRoleWithWebIdentityRequest } from '../../../shared/volumes/ports';
import { stsName } from '../../../shared/volumes/sts-names';
import { caller, NOW, ROLE, vendingWorld, volumeWith } from './fakes';

const alice = caller('alice');
const reader = caller('rita');
const writer = caller('walt');
const stranger = caller('mallory');
const members = { rita: 'read', walt: 'write' } as const;

describe('vending credentials', () => {
  it('answers credential_process JSON and where to point', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const vended = await vendCredentials(w.deps, writer, volume.id, {});
    expect(vended).toEqual({
      Version: 1,
      AccessKeyId: 'ASIA1',
      SecretAccessKey: 'secret-1',
      SessionToken: 'session-1',
      Expiration: '2025-06-01T13:00:00.000Z',
      bucket: 'lab-genomes',
      prefix: 'runs/2025',
      region: 'eu-central-1',
    });
  });

  it("assumes a role volume's role with its external id, the caller in session name, SourceIdentity, tags, and a policy", async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await vendCredentials(w.deps, reader, volume.id);
    const request = w.sts.calls[0] as AssumeRoleRequest;
    expect(request).toMatchObject({
      roleArn: ROLE,
      externalId: 'vg-external-0001',
      sessionName: 'rita',
      sourceIdentity: 'rita',
      tags: { Owner: 'rita', VolumeId: volume.id },
      durationSeconds: 3600,
      region: 'eu-central-1',
    });
    expect(JSON.parse(request.policy!).Statement[1]).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectTagging'],
      Resource: ['arn:aws:s3:::lab-genomes/runs/2025/*'],
    });
  });

  it("sanitises a subject outside STS's character set for the session name and SourceIdentity", async () => {
    const w = vendingWorld();
    const subject = 'CN=Walt Whitman/O=Lab';
    const volume = await volumeWith(w, { [subject]: 'write' });
    await vendCredentials(w.deps, caller(subject), volume.id);
    const request = w.sts.calls[0] as AssumeRoleRequest;
    expect(request.sessionName).toBe(stsName(subject));
    expect(request.sessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(request.sourceIdentity).toBe(request.sessionName);
    expect(request.tags).toEqual({ Owner: 'CN=Walt Whitman/O=Lab', VolumeId: volume.id });
  });

  it("access defaults to the caller's effective access: write for a writer of a read-write volume, read otherwise", async () => {
    const w = vendingWorld();
    const rw = await volumeWith(w, members);
    await vendCredentials(w.deps, writer, rw.id);
    expect(JSON.parse((w.sts.calls[0] as AssumeRoleRequest).policy!).Statement[1].Action).toContain('s3:PutObject');
    const w2 = vendingWorld();
    const ro = await volumeWith(w2, members, { accessMode: 'read-only' });
    await vendCredentials(w2.deps, writer, ro.id);
    expect(JSON.parse((w2.sts.calls[0] as AssumeRoleRequest).policy!).Statement[1].Action).toEqual(['s3:GetObject', 's3:GetObjectTagging']);
  });

  it('a thousand concurrent vends by one member for one volume cost one STS call', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    let open!: () => void;
    w.sts.gate = new Promise((resolve) => (open = resolve));
    const vends = Array.from({ length: 1000 }, () => vendCredentials(w.deps, reader, volume.id));
    await new Promise((resolve) => setTimeout(resolve, 0));
    open();
    const results = await Promise.all(vends);
    expect(w.sts.calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.AccessKeyId)).size).toBe(1);
    expect(w.cache.stats()).toMatchObject({ issuerCalls: 1, shared: 999 });
    const cached = w.audit.of(volume.id).filter((e) => e.detail?.cached === true);
    expect(cached).toHaveLength(999);
  });

  it('reuses credentials until 15 minutes before they expire, then mints anew (SDKs renew 15 minutes before)', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const first = await vendCredentials(w.deps, reader, volume.id);
    w.clock.advance(44 * 60_000);
    expect((await vendCredentials(w.deps, reader, volume.id)).AccessKeyId).toBe(first.AccessKeyId);
    w.clock.advance(60_000);
    const next = await vendCredentials(w.deps, reader, volume.id);
    expect(next.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(next.Expiration).toBe(new Date(NOW.getTime() + 45 * 60_000 + 3600_000).toISOString());
    expect(w.sts.calls).toHaveLength(2);
  });

  it('read and write credentials are cached apart; a changed volume (new version) never gets old credentials', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const read = await vendCredentials(w.deps, writer, volume.id, { access: 'read' });
    const write = await vendCredentials(w.deps, writer, volume.id, { access: 'write' });
    expect(read.AccessKeyId).not.toBe(write.AccessKeyId);
    await w.repo.update({ ...volume, version: volume.version + 1 }, volume.version);
    expect((await vendCredentials(w.deps, writer, volume.id, { access: 'read' })).AccessKeyId).not.toBe(read.AccessKeyId);
    expect(w.sts.calls).toHaveLength(3);
  });

  it('a shorter duration is its own entry: nobody who asks for 900 s gets an hour-long credential', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await vendCredentials(w.deps, reader, volume.id);
    const short = await vendCredentials(w.deps, reader, volume.id, { durationSeconds: 900 });
    expect(short.Expiration).toBe('2025-06-01T12:15:00.000Z');
  });
});

describe('who may vend', () => {
  it('a non-member gets VolumeNotFound (404), and nothing is audited', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(vendCredentials(w.deps, stranger, volume.id)).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    await expect(vendCredentials(w.deps, stranger, 'vol-nope')).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect(w.audit.events).toEqual([]);
    expect(w.sts.calls).toEqual([]);
  });

  it('a pending or failed volume answers VolumeNotActive (409) telling to verify it first', async () => {
    for (const status of ['pending', 'failed'] as const) {
      const w = vendingWorld();
      const volume = await volumeWith(w, members, { status });
      await expect(vendCredentials(w.deps, alice, volume.id)).rejects.toMatchObject({
        status: 409,
        code: 'VolumeNotActive',
        message: expect.stringMatching(/verify it first/),
      });
      expect(w.sts.calls).toEqual([]);
    }
  });

  it('a requireMfa volume refuses a token without mfa (MfaRequired, 403) and serves one with it', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members, { requireMfa: true });
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({ status: 403, code: 'MfaRequired' });
    await expect(vendCredentials(w.deps, caller('rita', { authMethods: ['pwd', 'mfa'] }), volume.id)).resolves.toMatchObject({
      Version: 1,
    });
  });

  it('asking write with read access is AccessExceedsMembership (403): read members, and anyone on a read-only volume', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(vendCredentials(w.deps, reader, volume.id, { access: 'write' })).rejects.toMatchObject({
      status: 403,
      code: 'AccessExceedsMembership',
    });
    const w2 = vendingWorld();
    const ro = await volumeWith(w2, members, { accessMode: 'read-only' });
    await expect(vendCredentials(w2.deps, alice, ro.id, { access: 'write' })).rejects.toMatchObject({
      code: 'AccessExceedsMembership',
      message: expect.stringMatching(/read-only/),
    });
  });

  it('an unknown access is a ValidationFailed naming access', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(vendCredentials(w.deps, alice, volume.id, { access: 'admin' as never })).rejects.toMatchObject({
      status: 400,
      details: { field: 'access' },
    });
  });
});

describe('durations', () => {
  it('role volumes: 900 to 3600 s; more is refused saying role chaining caps it at one hour', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 3601 })).rejects.toMatchObject({
      status: 400,
      code: 'ValidationFailed',
      details: { field: 'durationSeconds' },
      message: expect.stringMatching(/role chaining at one hour/),
    });
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 899 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'durationSeconds' },
    });
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 1.5 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'durationSeconds' },
    });
    expect(w.sts.calls).toEqual([]);
    await vendCredentials(w.deps, reader, volume.id, { durationSeconds: 900 });
    await vendCredentials(w.deps, reader, volume.id, { durationSeconds: 3600 });
    expect(w.sts.calls.map((c) => c.durationSeconds)).toEqual([900, 3600]);
  });

  it("web-identity volumes: AssumeRoleWithWebIdentity with the caller's own token, up to 43200 s", async () => {
    const w = vendingWorld();
    w.sts.roleMaxSeconds = 43_200;
    const volume = await volumeWith(w, members, { auth: { type: 'web-identity', roleArn: ROLE }, externalId: undefined });
    const vended = await vendCredentials(w.deps, reader, volume.id, { durationSeconds: 43_200 });
    expect(vended.Expiration).toBe('2025-06-02T00:00:00.000Z');
    const request = w.sts.calls[0] as AssumeRoleWithWebIdentityRequest;
    expect(request).toMatchObject({ roleArn: ROLE, webIdentityToken: 'token-of-rita', sessionName: 'rita', durationSeconds: 43_200 });
    expect(JSON.parse(request.policy!).Statement[1].Action).toEqual(['s3:GetObject', 's3:GetObjectTagging']);
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 43_201 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'durationSeconds' },
    });
  });

  it("web-identity: longer than the role's maximum is STS's ValidationError, answered as a 400 saying so", async () => {
    const w = vendingWorld();
    w.sts.roleMaxSeconds = 7200;
    const volume = await volumeWith(w, members, { auth: { type: 'web-identity', roleArn: ROLE }, externalId: undefined });
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 10_800 })).rejects.toMatchObject({
      status: 400,
      code: 'DurationExceedsRoleMaximum',
      details: { field: 'durationSeconds' },
      message: expect.stringMatching(/maximum session duration/),
    });
    await expect(vendCredentials(w.deps, reader, volume.id, { durationSeconds: 7200 })).resolves.toMatchObject({ Version: 1 });
    expect(w.repo.volumes.get(volume.id)!.status).toBe('active');
  });
});

describe('refusals', () => {
  it('a RoleRefused keeps STS’s error (with its request id) as its cause, for the log; a PackedPolicyTooLarge too', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    const sdkError = Object.assign(new Error('not authorized'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403, requestId: 'STS-REQ-1' },
    });
    w.sts.refuse = { code: 'AccessDenied', message: 'not authorized', cause: sdkError };
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({ status: 403, code: 'RoleRefused', cause: sdkError });
    w.sts.refuse = { code: 'PackedPolicyTooLarge', message: 'Packed policy consumes 104% of allotted space', cause: sdkError };
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({
      status: 400,
      code: 'SessionPolicyTooLarge',
      cause: sdkError,
    });
  });

  it('a role that refuses is RoleRefused (403) asking to run verify, the volume is left as it was, and nothing is cached', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    w.sts.refuse = { code: 'AccessDenied', message: 'not authorized to perform sts:AssumeRole' };
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({
      status: 403,
      code: 'RoleRefused',
      message: expect.stringMatching(/refused the gateway \(AccessDenied\); ask the volume's admin to run verify/),
    });
    expect(w.repo.volumes.get(volume.id)).toEqual(volume);
    w.sts.refuse = undefined;
    await expect(vendCredentials(w.deps, reader, volume.id)).resolves.toMatchObject({ Version: 1 });
    expect(w.sts.calls).toHaveLength(2);
  });

  it("a web-identity role that refuses a member's token says the setup trust policy admits the owner only", async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members, { auth: { type: 'web-identity', roleArn: ROLE }, externalId: undefined });
    w.sts.refuse = { code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' };
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({
      code: 'RoleRefused',
      message: expect.stringMatching(/your token.*owner's token only/),
    });
  });

  it('PackedPolicyTooLarge from STS is SessionPolicyTooLarge (400)', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    w.sts.refuse = { code: 'PackedPolicyTooLarge', message: 'Packed policy consumes 104% of allotted space' };
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({ status: 400, code: 'SessionPolicyTooLarge' });
  });

  it('a volume whose prefix makes the session policy too long is refused before STS', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members, { prefix: 'p'.repeat(700) });
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({ status: 400, code: 'SessionPolicyTooLarge' });
    expect(w.sts.calls).toEqual([]);
  });

  it('STS not answering is StsUnavailable (503), not a refusal', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    w.sts.down = true;
    await expect(vendCredentials(w.deps, reader, volume.id)).rejects.toMatchObject({ status: 503, code: 'StsUnavailable' });
  });
});

describe('audit', () => {
  it('an allowed vend is audited with access, duration and whether it came from the cache; never the credentials', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    await vendCredentials(w.deps, reader, volume.id);
    await vendCredentials(w.deps, reader, volume.id);
    expect(w.audit.of(volume.id)).toEqual([
      {
        volumeId: volume.id,
        at: NOW.toISOString(),
        subject: 'rita',
        action: 'credentials.vend',
        outcome: 'allowed',
        requestId: 'req-rita',
        detail: { access: 'read', durationSeconds: 3600, cached: false },
      },
      {
        volumeId: volume.id,
        at: NOW.toISOString(),
        subject: 'rita',
        action: 'credentials.vend',
        outcome: 'allowed',
        requestId: 'req-rita',
        detail: { access: 'read', durationSeconds: 3600, cached: true },
      },
    ]);
    expect(JSON.stringify(w.audit.events)).not.toMatch(/secret-|session-|ASIA/);
  });

  it("a member's refused vend is audited as denied with the reason; a failure as failed", async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members, { requireMfa: true });
    await vendCredentials(w.deps, reader, volume.id, { access: 'write', durationSeconds: 1800 }).catch(() => undefined);
    await vendCredentials(w.deps, caller('rita', { authMethods: ['mfa'] }), volume.id, { access: 'write' }).catch(() => undefined);
    await vendCredentials(w.deps, caller('rita', { authMethods: ['mfa'] }), volume.id, { durationSeconds: 7200 }).catch(() => undefined);
    expect(w.audit.of(volume.id).map((e) => [e.outcome, e.detail])).toEqual([
      ['denied', { access: 'write', durationSeconds: 1800, cached: false, reason: 'MfaRequired' }],
      ['denied', { access: 'write', durationSeconds: 3600, cached: false, reason: 'AccessExceedsMembership' }],
      ['failed', { access: 'read', durationSeconds: 7200, cached: false, reason: 'ValidationFailed' }],
    ]);
  });

  it('a refusal by the role is audited as denied', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, members);
    w.sts.refuse = { code: 'AccessDenied', message: 'no' };
    await vendCredentials(w.deps, reader, volume.id).catch(() => undefined);
    expect(w.audit.of(volume.id).at(-1)).toMatchObject({
      action: 'credentials.vend',
      outcome: 'denied',
      detail: { reason: 'RoleRefused' },
    });
  });
});
