import { describe, expect, it } from 'vitest';
import { createAccessKey, listAccessKeys, revokeAccessKey } from '../../../shared/access-keys/operations';
import { deriveSecret } from '../../../shared/access-keys/secret';
import { type AppError, DependencyUnavailable } from '../../../shared/errors';
import { keyCaller, keyWorld, MASTER, T0 } from './fakes';

const alice = keyCaller('alice');
const bob = keyCaller('bob');
const DAY = 24 * 3600;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return {
    lines,
    info: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    error: (message: string, fields?: Record<string, unknown>) =>
      void lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
}

describe('creating a key', () => {
  it('answers the id, a secret derived from the master key and the stored salt, and an expiry a week out', async () => {
    const w = keyWorld();
    const created = await createAccessKey(w.deps, alice);
    expect(created.accessKeyId).toMatch(/^VGAK[A-Z2-7]{16}$/);
    expect(created.expiresAt).toBe(new Date(T0.getTime() + 7 * DAY * 1000).toISOString());
    expect(created.createdAt).toBe(T0.toISOString());
    expect(created.volumes).toBeUndefined();
    const stored = w.store.keys.get(created.accessKeyId)!;
    expect(created.secretAccessKey).toBe(deriveSecret(MASTER, stored.id, stored.salt));
    expect(stored).toMatchObject({ owner: 'alice', status: 'active', authMethods: ['pwd'], expiresAt: created.expiresAt });
  });

  it('stores nothing that is the secret', async () => {
    const w = keyWorld();
    const created = await createAccessKey(w.deps, alice);
    expect(JSON.stringify([...w.store.keys.values()])).not.toContain(created.secretAccessKey);
  });

  it('accepts expiresIn from 15 minutes to 30 days, and refuses anything else naming expiresIn', async () => {
    const w = keyWorld();
    expect((await createAccessKey(w.deps, alice, { expiresIn: 900 })).expiresAt).toBe(new Date(T0.getTime() + 900_000).toISOString());
    expect((await createAccessKey(w.deps, alice, { expiresIn: 30 * DAY })).expiresAt).toBe(
      new Date(T0.getTime() + 30 * DAY * 1000).toISOString(),
    );
    for (const expiresIn of [899, 30 * DAY + 1, 0, -1, 3600.5, Number.NaN, '3600' as unknown as number]) {
      const error = await refusal(createAccessKey(w.deps, alice, { expiresIn }));
      expect({ expiresIn, status: error.status, field: error.details?.field }).toEqual({ expiresIn, status: 400, field: 'expiresIn' });
    }
    expect(w.store.keys.size).toBe(2);
  });

  it('limits the key to volumes named by name or id, each once, and records the ids', async () => {
    const w = keyWorld();
    const genomes = await w.volume('genomes', 'alice');
    const shared = await w.volume('shared-reads', 'carol', { members: { alice: 'read' } });
    const created = await createAccessKey(w.deps, alice, { volumes: ['genomes', shared.id, genomes.id] });
    expect(created.volumes).toEqual([genomes.id, shared.id]);
    expect(w.store.keys.get(created.accessKeyId)!.volumeIds).toEqual([genomes.id, shared.id]);
  });

  it('refuses a volume that does not exist and one the caller is not a member of alike, naming the entry, and stores nothing', async () => {
    const w = keyWorld();
    await w.volume('genomes', 'alice');
    const private_ = await w.volume('bobs-data', 'bob');
    const unknown = await refusal(createAccessKey(w.deps, alice, { volumes: ['genomes', 'no-such-volume'] }));
    const hidden = await refusal(createAccessKey(w.deps, alice, { volumes: ['genomes', private_.id] }));
    const byName = await refusal(createAccessKey(w.deps, alice, { volumes: ['bobs-data'] }));
    expect(unknown).toMatchObject({ status: 400, code: 'UnknownVolume', details: { field: 'volumes.1' } });
    expect(unknown.message).toBe('volumes.1: there is no volume "no-such-volume" that you are a member of.');
    expect(hidden).toMatchObject({ status: 400, code: 'UnknownVolume', details: { field: 'volumes.1' } });
    expect(hidden.message).toBe(`volumes.1: there is no volume "${private_.id}" that you are a member of.`);
    expect(byName.message).toBe('volumes.0: there is no volume "bobs-data" that you are a member of.');
    expect(w.store.keys.size).toBe(0);
    expect(w.audit.of(private_.id)).toEqual([]);
  });

  it('refuses an empty volume list, too many volumes, and entries that are not names', async () => {
    const w = keyWorld();
    expect(await refusal(createAccessKey(w.deps, alice, { volumes: [] }))).toMatchObject({ status: 400, details: { field: 'volumes' } });
    expect(await refusal(createAccessKey(w.deps, alice, { volumes: Array.from({ length: 51 }, (_, i) => `v-${i}`) }))).toMatchObject({
      status: 400,
      details: { field: 'volumes' },
    });
    expect(await refusal(createAccessKey(w.deps, alice, { volumes: ['ok', ''] }))).toMatchObject({
      status: 400,
      details: { field: 'volumes.1' },
    });
    expect(await refusal(createAccessKey(w.deps, alice, { volumes: ['a\nb'] }))).toMatchObject({
      status: 400,
      details: { field: 'volumes.0' },
    });
  });

  it('refuses a requireMfa volume to a caller signed in without MFA, audited as denied; with MFA the key keeps the amr', async () => {
    const w = keyWorld();
    const guarded = await w.volume('clinical', 'alice', { requireMfa: true });
    const error = await refusal(createAccessKey(w.deps, alice, { volumes: ['clinical'] }));
    expect(error).toMatchObject({ status: 403, code: 'MfaRequired' });
    expect(w.store.keys.size).toBe(0);
    expect(w.audit.of(guarded.id)).toMatchObject([
      { action: 'access-key.create', outcome: 'denied', subject: 'alice', detail: { reason: 'MfaRequired' } },
    ]);
    const created = await createAccessKey(w.deps, keyCaller('alice', { authMethods: ['pwd', 'mfa'] }), { volumes: ['clinical'] });
    expect(w.store.keys.get(created.accessKeyId)!.authMethods).toEqual(['pwd', 'mfa']);
  });

  it('writes access-key.create on each named volume’s trail and logs every creation; a key naming none is on no trail', async () => {
    const w = keyWorld();
    const a = await w.volume('genomes', 'alice');
    const b = await w.volume('reads', 'alice');
    const log = recordingLog();
    const limited = await createAccessKey(w.deps, { ...alice, log }, { volumes: ['genomes', 'reads'] });
    for (const volume of [a, b]) {
      expect(w.audit.of(volume.id)).toEqual([
        {
          volumeId: volume.id,
          at: T0.toISOString(),
          subject: 'alice',
          action: 'access-key.create',
          outcome: 'succeeded',
          requestId: 'req-alice',
          detail: { accessKeyId: limited.accessKeyId, expiresAt: limited.expiresAt },
        },
      ]);
    }
    const unlimited = await createAccessKey(w.deps, { ...alice, log });
    expect(w.audit.events).toHaveLength(2);
    expect(log.lines.map((l) => [l.message, l.fields?.accessKeyId, l.fields?.volumeIds])).toEqual([
      ['access key created', limited.accessKeyId, [a.id, b.id]],
      ['access key created', unlimited.accessKeyId, 'all'],
    ]);
    expect(JSON.stringify(log.lines)).not.toContain(limited.secretAccessKey);
    expect(JSON.stringify(w.audit.events)).not.toContain(limited.secretAccessKey);
  });

  it('does not hand out a key it could not audit: key and events are one write, so the outage leaves no key', async () => {
    const w = keyWorld();
    await w.volume('genomes', 'alice');
    w.store.auditLog = {
      record: async () => Promise.reject(new DependencyUnavailable('The audit log did not answer.', 'AuditLogUnavailable')),
      list: w.audit.list.bind(w.audit),
    };
    expect(await refusal(createAccessKey(w.deps, alice, { volumes: ['genomes'] }))).toMatchObject({
      status: 503,
      code: 'AuditLogUnavailable',
    });
    expect(w.store.keys.size).toBe(0);
  });

  it('answers AccessKeysDisabled (503) in a deployment without a master key, storing nothing', async () => {
    const w = keyWorld({ masterKey: null });
    const error = await refusal(createAccessKey(w.deps, alice));
    expect(error).toMatchObject({ status: 503, code: 'AccessKeysDisabled' });
    expect(error.message).toContain('ACCESS_KEY_MAC_KEY_ID');
    expect(w.store.keys.size).toBe(0);
  });
});

describe('listing keys', () => {
  it('shows the caller’s own unexpired keys, newest first, a page at a time, never a secret or a salt', async () => {
    const w = keyWorld();
    const mine = [];
    for (let i = 0; i < 5; i++) {
      mine.push(await createAccessKey(w.deps, alice, { expiresIn: i === 0 ? 900 : 7 * DAY }));
      w.clock.advance(60_000);
    }
    await createAccessKey(w.deps, bob);
    w.clock.advance(15 * 60_000); // the first key has expired
    const first = await listAccessKeys(w.deps, alice, { limit: 2 });
    const second = await listAccessKeys(w.deps, alice, { limit: 2, nextToken: first.nextToken! });
    expect(second.nextToken).toBeUndefined();
    const listed = [...first.items, ...second.items];
    expect(listed.map((k) => k.accessKeyId)).toEqual(
      mine
        .slice(1)
        .reverse()
        .map((k) => k.accessKeyId),
    );
    expect(listed[0]).toEqual({
      accessKeyId: mine[4]!.accessKeyId,
      createdAt: mine[4]!.createdAt,
      expiresAt: mine[4]!.expiresAt,
      status: 'active',
    });
    const text = JSON.stringify(listed);
    for (const key of mine) expect(text).not.toContain(key.secretAccessKey);
    expect(text).not.toMatch(/salt/);
  });

  it('works without a master key, so keys made before it was removed can still be seen and revoked', async () => {
    const w = keyWorld();
    const created = await createAccessKey(w.deps, alice);
    delete w.deps.masterKey;
    expect((await listAccessKeys(w.deps, alice)).items.map((k) => k.accessKeyId)).toEqual([created.accessKeyId]);
    await revokeAccessKey(w.deps, alice, created.accessKeyId);
    expect(w.store.keys.size).toBe(0);
  });

  it('refuses a page size outside 1 to 100 naming limit', async () => {
    const w = keyWorld();
    expect(await refusal(listAccessKeys(w.deps, alice, { limit: 101 }))).toMatchObject({ status: 400, details: { field: 'limit' } });
  });
});

describe('revoking a key', () => {
  it('deletes the owner’s key at once and writes access-key.revoke on each volume it named', async () => {
    const w = keyWorld();
    const genomes = await w.volume('genomes', 'alice');
    const created = await createAccessKey(w.deps, alice, { volumes: ['genomes'] });
    const log = recordingLog();
    await revokeAccessKey(w.deps, { ...alice, log }, created.accessKeyId);
    expect(w.store.keys.has(created.accessKeyId)).toBe(false);
    expect(w.audit.of(genomes.id).map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['access-key.create', 'succeeded', { accessKeyId: created.accessKeyId, expiresAt: created.expiresAt }],
      ['access-key.revoke', 'succeeded', { accessKeyId: created.accessKeyId }],
    ]);
    expect(log.lines).toMatchObject([{ level: 'info', message: 'access key revoked', fields: { accessKeyId: created.accessKeyId } }]);
  });

  it('answers AccessKeyNotFound (404) to anyone but the owner, and leaves the key and the trails alone', async () => {
    const w = keyWorld();
    const genomes = await w.volume('genomes', 'alice', { members: { bob: 'admin' } });
    const created = await createAccessKey(w.deps, alice, { volumes: ['genomes'] });
    const error = await refusal(revokeAccessKey(w.deps, bob, created.accessKeyId));
    expect(error).toMatchObject({ status: 404, code: 'AccessKeyNotFound', s3Code: 'InvalidAccessKeyId' });
    expect(w.store.keys.has(created.accessKeyId)).toBe(true);
    expect(w.audit.of(genomes.id)).toHaveLength(1);
  });

  it('answers AccessKeyNotFound for an unknown id, a malformed id, an expired key, and a second revocation', async () => {
    const w = keyWorld();
    const created = await createAccessKey(w.deps, alice, { expiresIn: 900 });
    const again = await createAccessKey(w.deps, alice);
    await revokeAccessKey(w.deps, alice, again.accessKeyId);
    for (const id of ['VGAKAAAAAAAAAAAAAAAA', 'not-a-key', '', 'x'.repeat(10_000), again.accessKeyId]) {
      expect(await refusal(revokeAccessKey(w.deps, alice, id))).toMatchObject({ status: 404, code: 'AccessKeyNotFound' });
    }
    w.clock.advance(900_000);
    expect(await refusal(revokeAccessKey(w.deps, alice, created.accessKeyId))).toMatchObject({ status: 404, code: 'AccessKeyNotFound' });
  });

  it('stands when the audit trail cannot be written: the key is gone, and the failure is logged', async () => {
    const w = keyWorld();
    await w.volume('genomes', 'alice');
    const created = await createAccessKey(w.deps, alice, { volumes: ['genomes'] });
    w.deps.audit = {
      record: async () => Promise.reject(new DependencyUnavailable('The audit log did not answer.', 'AuditLogUnavailable')),
      list: w.audit.list.bind(w.audit),
    };
    const log = recordingLog();
    await revokeAccessKey(w.deps, { ...alice, log }, created.accessKeyId);
    expect(w.store.keys.size).toBe(0);
    expect(log.lines.find((l) => l.level === 'error')).toMatchObject({
      fields: { accessKeyId: created.accessKeyId, reason: 'The audit log did not answer.' },
    });
  });
});

describe('creating a key with scopes', () => {
  it('stores and shows each grant by volume id, the volumes named whole among them, and audits each volume once', async () => {
    const w = keyWorld();
    const genomes = await w.volume('genomes', 'alice');
    const archive = await w.volume('archive', 'alice');
    const created = await createAccessKey(w.deps, alice, {
      volumes: ['archive'],
      scopes: [
        { volumeId: 'genomes', access: 'read' },
        { volumeId: genomes.id, prefix: 'work/', access: 'write' },
      ],
    });
    const scopes = [
      { volumeId: archive.id },
      { volumeId: genomes.id, access: 'read' },
      { volumeId: genomes.id, prefix: 'work/', access: 'write' },
    ];
    expect(created).toMatchObject({ volumes: [archive.id, genomes.id], scopes });
    expect(w.store.keys.get(created.accessKeyId)).toMatchObject({ volumeIds: [archive.id, genomes.id], scopes });
    expect((await listAccessKeys(w.deps, alice)).items[0]).toMatchObject({ scopes });
    expect(w.audit.events.filter((e) => e.action === 'access-key.create').map((e) => e.volumeId)).toEqual([archive.id, genomes.id]);
  });

  it('refuses a prefix that breaks the rule, a volume one is not a member of, and write where one may only read', async () => {
    const w = keyWorld();
    const genomes = await w.volume('genomes', 'alice', { members: { bob: 'read' } });
    expect(await refusal(createAccessKey(w.deps, alice, { scopes: [{ volumeId: genomes.id, prefix: 'work' }] }))).toMatchObject({
      status: 400,
      code: 'ValidationFailed',
      details: { field: 'scopes.0.prefix' },
    });
    expect(await refusal(createAccessKey(w.deps, keyCaller('carol'), { scopes: [{ volumeId: genomes.id }] }))).toMatchObject({
      status: 400,
      code: 'UnknownVolume',
      details: { field: 'scopes.0.volumeId' },
    });
    expect(await refusal(createAccessKey(w.deps, bob, { scopes: [{ volumeId: genomes.id, access: 'write' }] }))).toMatchObject({
      status: 403,
      code: 'AccessExceedsMembership',
    });
    expect(w.store.keys.size).toBe(0);
  });
});
