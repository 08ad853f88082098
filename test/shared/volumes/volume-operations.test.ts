import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../shared/errors';
import { createVolume, deleteVolume, getVolume, listVolumes, putMember, updateVolume } from '../../../shared/volumes/service';
import { caller, GATEWAY, world } from './fakes';
import { alice, aliceCreates, ROLE } from './operations-helpers';

const bob = caller('bob');

describe('createVolume', () => {
  it('registers a pending volume with a generated external id, the setup, and the owner as admin', async () => {
    const w = world();
    const view = await aliceCreates(w, { prefix: 'runs/2025/', description: 'Sequencing runs' });
    expect(view).toMatchObject({
      id: 'vol-0001',
      name: 'shared-genomes',
      bucket: 'lab-genomes',
      prefix: 'runs/2025',
      region: 'eu-central-1',
      accessMode: 'read-only',
      auth: { type: 'role', roleArn: ROLE },
      requireMfa: false,
      description: 'Sequencing runs',
      status: 'pending',
      owner: 'alice',
      createdAt: '2025-06-01T12:00:00.000Z',
      updatedAt: '2025-06-01T12:00:00.000Z',
      access: { membership: 'admin', data: 'read' },
      externalId: 'ext-0002',
    });
    expect(view.setup!.trustPolicy.Statement[0]).toMatchObject({
      Principal: { AWS: GATEWAY },
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-0002' } },
    });
    expect(view.setup!.commands).toHaveLength(2);
    expect(w.repo.volumes.get('vol-0001')).toMatchObject({ version: 1, ownerSubject: 'alice', externalId: 'ext-0002' });
    expect(w.repo.members.get('vol-0001')!.get('alice')).toEqual({
      volumeId: 'vol-0001',
      subject: 'alice',
      access: 'admin',
      addedBy: 'alice',
      addedAt: '2025-06-01T12:00:00.000Z',
    });
    expect(w.audit.of('vol-0001')).toEqual([
      {
        volumeId: 'vol-0001',
        at: '2025-06-01T12:00:00.000Z',
        subject: 'alice',
        action: 'volume.create',
        outcome: 'succeeded',
        requestId: 'req-alice',
        detail: {
          name: 'shared-genomes',
          bucket: 'lab-genomes',
          prefix: 'runs/2025',
          region: 'eu-central-1',
          accessMode: 'read-only',
          authType: 'role',
        },
      },
    ]);
  });

  it('a web-identity volume has no external id and a setup that registers the provider', async () => {
    const w = world();
    const view = await aliceCreates(w, { auth: { type: 'web-identity', roleArn: ROLE } });
    expect(view.externalId).toBeUndefined();
    expect(w.repo.volumes.get(view.id)!.externalId).toBeUndefined();
    expect(view.setup!.commands[0]).toMatch(/^aws iam get-open-id-connect-provider .* \|\| aws iam create-open-id-connect-provider /);
  });

  it('refuses a web-identity volume when the deployment has no OIDC issuer, naming auth.type, and writes nothing', async () => {
    const w = world({ oidc: false });
    const error = await aliceCreates(w, { auth: { type: 'web-identity', roleArn: ROLE } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error).toMatchObject({ status: 400, details: { field: 'auth.type' } });
    expect(w.repo.writes).toBe(0);
    expect(w.audit.events).toHaveLength(0);
  });

  it.each([
    [{ name: 'Shared' }, 'name'],
    [{ bucket: 'lab..genomes' }, 'bucket'],
    [{ prefix: '../etc' }, 'prefix'],
    [{ region: 'moon-1' }, 'region'],
    [{ accessMode: 'write-only' as never }, 'accessMode'],
    [{ auth: { type: 'role' as const, roleArn: 'arn:aws:iam::123456789012:user/x' } }, 'auth.roleArn'],
    [{ region: 'cn-north-1' }, 'auth.roleArn'],
    [{ region: 'cn-north-1', auth: { type: 'role' as const, roleArn: 'arn:aws-cn:iam::123456789012:role/r' } }, 'region'],
    [{ description: 'x'.repeat(1025) }, 'description'],
  ])('refuses %j naming %s, and writes nothing', async (input, field) => {
    const w = world();
    await expect(aliceCreates(w, input)).rejects.toMatchObject({ status: 400, details: { field } });
    expect(w.repo.writes).toBe(0);
    expect(w.audit.events).toHaveLength(0);
  });

  it('a name another volume holds is a Conflict, and only the first is audited', async () => {
    const w = world();
    await aliceCreates(w);
    await expect(
      createVolume(w.deps, bob, {
        name: 'shared-genomes',
        bucket: 'bobs',
        region: 'us-east-1',
        accessMode: 'read-only',
        auth: { type: 'role', roleArn: ROLE },
      }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'VolumeNameTaken',
    });
    expect(w.audit.events.map((e) => e.action)).toEqual(['volume.create']);
  });
});

describe('listVolumes and getVolume', () => {
  it('lists only the volumes the caller is a member of, without setup', async () => {
    const w = world();
    const mine = await aliceCreates(w);
    await createVolume(w.deps, bob, {
      name: 'bobs-volume',
      bucket: 'bobs',
      region: 'us-east-1',
      accessMode: 'read-write',
      auth: { type: 'role', roleArn: ROLE },
    });
    const page = await listVolumes(w.deps, alice, { limit: 10 });
    expect(page.items.map((v) => v.id)).toEqual([mine.id]);
    expect(page.items[0]!.setup).toBeUndefined();
    expect(page.items[0]!.externalId).toBe(mine.externalId);
    expect(page.nextToken).toBeUndefined();
  });

  it('pages with the limit and hands back the next token', async () => {
    const w = world();
    await aliceCreates(w);
    await aliceCreates(w, { name: 'second-volume' });
    const first = await listVolumes(w.deps, alice, { limit: 1 });
    expect(first.items).toHaveLength(1);
    const second = await listVolumes(w.deps, alice, { limit: 1, nextToken: first.nextToken! });
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    await expect(listVolumes(w.deps, alice, { limit: 0 })).rejects.toMatchObject({ details: { field: 'limit' } });
  });

  it('an admin sees the external id and setup; a read member sees neither, and their effective access', async () => {
    const w = world();
    const { id } = await aliceCreates(w, { accessMode: 'read-write' });
    await putMember(w.deps, alice, id, 'bob', 'write');
    await putMember(w.deps, alice, id, 'carol', 'read');
    const admin = await getVolume(w.deps, alice, id);
    expect(admin.externalId).toBeDefined();
    expect(admin.setup).toBeDefined();
    const writer = await getVolume(w.deps, bob, id);
    expect(writer.access).toEqual({ membership: 'write', data: 'write' });
    expect(writer).not.toHaveProperty('externalId');
    expect(writer).not.toHaveProperty('setup');
    expect((await getVolume(w.deps, caller('carol'), id)).access).toEqual({ membership: 'read', data: 'read' });
  });
});

describe('updateVolume', () => {
  async function activeVolume(accessMode: 'read-only' | 'read-write' = 'read-only') {
    const w = world();
    const view = await aliceCreates(w, { accessMode });
    const stored = w.repo.volumes.get(view.id)!;
    w.repo.volumes.set(view.id, { ...stored, status: 'active' });
    return { w, id: view.id };
  }

  it('widening read-only to read-write sends the volume back to pending with the read-write setup', async () => {
    const { w, id } = await activeVolume('read-only');
    w.clock.advance(1000);
    const view = await updateVolume(w.deps, alice, id, { accessMode: 'read-write' });
    expect(view).toMatchObject({ accessMode: 'read-write', status: 'pending', updatedAt: '2025-06-01T12:00:01.000Z' });
    expect(view.setup!.permissionsPolicy.Statement.map((s) => s.Sid)).toContain('WriteVolumeObjects');
    expect(w.repo.volumes.get(id)).toMatchObject({ accessMode: 'read-write', status: 'pending', version: 2 });
    expect(w.audit.of(id).at(-1)).toMatchObject({
      action: 'volume.update',
      outcome: 'succeeded',
      detail: { changed: ['accessMode'], status: { from: 'active', to: 'pending' } },
    });
  });

  it('narrowing read-write to read-only keeps the status', async () => {
    const { w, id } = await activeVolume('read-write');
    const view = await updateVolume(w.deps, alice, id, { accessMode: 'read-only' });
    expect(view).toMatchObject({ accessMode: 'read-only', status: 'active' });
  });

  it('changes description and requireMfa, auditing the changed field names; "" removes the description', async () => {
    const { w, id } = await activeVolume();
    const view = await updateVolume(w.deps, alice, id, { description: 'Runs', requireMfa: true });
    expect(view).toMatchObject({ description: 'Runs', requireMfa: true, status: 'active' });
    expect(w.audit.of(id).at(-1)!.detail).toEqual({ changed: ['description', 'requireMfa'] });
    const cleared = await updateVolume(w.deps, alice, id, { description: '' });
    expect(cleared).not.toHaveProperty('description');
    expect(w.repo.volumes.get(id)).not.toHaveProperty('description');
  });

  it('a patch that changes nothing writes and audits nothing', async () => {
    const { w, id } = await activeVolume();
    const before = { writes: w.repo.writes, events: w.audit.events.length };
    await updateVolume(w.deps, alice, id, { accessMode: 'read-only', requireMfa: false });
    expect(w.repo.writes).toBe(before.writes);
    expect(w.audit.events).toHaveLength(before.events);
  });

  it('an empty or invalid patch is a ValidationFailed', async () => {
    const { w, id } = await activeVolume();
    await expect(updateVolume(w.deps, alice, id, {})).rejects.toMatchObject({ status: 400 });
    await expect(updateVolume(w.deps, alice, id, { accessMode: 'rw' as never })).rejects.toMatchObject({
      details: { field: 'accessMode' },
    });
  });

  it('a concurrent change surfaces as a Conflict and nothing is audited', async () => {
    const { w, id } = await activeVolume();
    w.repo.raceNextUpdate = true;
    const events = w.audit.events.length;
    await expect(updateVolume(w.deps, alice, id, { description: 'late' })).rejects.toMatchObject({
      status: 409,
      code: 'ConcurrentModification',
    });
    expect(w.audit.events).toHaveLength(events);
  });

  it('a write member may not update: Forbidden, and the denial is audited', async () => {
    const { w, id } = await activeVolume();
    await putMember(w.deps, alice, id, 'bob', 'write');
    await expect(updateVolume(w.deps, bob, id, { accessMode: 'read-write' })).rejects.toMatchObject({
      status: 403,
      code: 'NotVolumeAdmin',
    });
    expect(w.audit.of(id).at(-1)).toMatchObject({
      subject: 'bob',
      action: 'volume.update',
      outcome: 'denied',
      requestId: 'req-bob',
      detail: { reason: 'NotVolumeAdmin', access: 'write' },
    });
    expect(w.repo.volumes.get(id)!.accessMode).toBe('read-only');
  });
});

describe('deleteVolume', () => {
  it('an admin deletes the volume and its memberships; the deletion is audited', async () => {
    const w = world();
    const { id } = await aliceCreates(w);
    await putMember(w.deps, alice, id, 'bob', 'admin');
    await deleteVolume(w.deps, bob, id);
    expect(w.repo.volumes.has(id)).toBe(false);
    expect(w.repo.members.has(id)).toBe(false);
    expect(w.audit.of(id).at(-1)).toMatchObject({
      subject: 'bob',
      action: 'volume.delete',
      outcome: 'succeeded',
      detail: { name: 'shared-genomes' },
    });
    await expect(getVolume(w.deps, alice, id)).rejects.toMatchObject({ status: 404 });
  });

  it('a read member may not delete: Forbidden, audited, and the volume stays', async () => {
    const w = world();
    const { id } = await aliceCreates(w);
    await putMember(w.deps, alice, id, 'bob', 'read');
    await expect(deleteVolume(w.deps, bob, id)).rejects.toMatchObject({ status: 403 });
    expect(w.audit.of(id).at(-1)).toMatchObject({ subject: 'bob', action: 'volume.delete', outcome: 'denied' });
    expect(w.repo.volumes.has(id)).toBe(true);
  });
});
