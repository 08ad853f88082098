import { describe, expect, it } from 'vitest';
import { deleteMember, getVolume, listAudit, listMembers, putMember, updateVolume } from '../../../shared/volumes/service';
import { caller, world } from './fakes';
import { alice, aliceCreates } from './operations-helpers';

const bob = caller('bob');
const carol = caller('carol');

async function shared() {
  const w = world();
  const { id } = await aliceCreates(w, { accessMode: 'read-write' });
  return { w, id };
}

describe('putMember', () => {
  it('an admin grants access; the member then sees the volume, and the grant is audited', async () => {
    const { w, id } = await shared();
    w.clock.advance(5000);
    const member = await putMember(w.deps, alice, id, 'bob', 'write');
    expect(member).toEqual({ subject: 'bob', access: 'write', addedBy: 'alice', addedAt: '2025-06-01T12:00:05.000Z', owner: false });
    expect((await getVolume(w.deps, bob, id)).access).toEqual({ membership: 'write', data: 'write' });
    expect(w.audit.of(id).at(-1)).toMatchObject({
      subject: 'alice',
      action: 'member.put',
      outcome: 'succeeded',
      detail: { member: 'bob', access: 'write' },
    });
  });

  it('changing a membership records the previous access', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'write');
    await putMember(w.deps, alice, id, 'bob', 'read');
    expect(w.audit.of(id).at(-1)!.detail).toEqual({ member: 'bob', access: 'read', previous: 'write' });
  });

  it('a read member cannot add members: Forbidden, the denial is audited, and nothing is written', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    const writes = w.repo.writes;
    await expect(putMember(w.deps, bob, id, 'carol', 'read')).rejects.toMatchObject({ status: 403, code: 'NotVolumeAdmin' });
    expect(w.repo.writes).toBe(writes);
    expect(w.audit.of(id).at(-1)).toEqual({
      volumeId: id,
      at: '2025-06-01T12:00:00.000Z',
      subject: 'bob',
      action: 'member.put',
      outcome: 'denied',
      requestId: 'req-bob',
      detail: { reason: 'NotVolumeAdmin', access: 'read' },
    });
    await expect(getVolume(w.deps, carol, id)).rejects.toMatchObject({ status: 404 });
  });

  it('a write member cannot promote themselves', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'write');
    await expect(putMember(w.deps, bob, id, 'bob', 'admin')).rejects.toMatchObject({ code: 'NotVolumeAdmin' });
  });

  it('another admin cannot demote the owner: OwnerMembershipFixed, audited', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'admin');
    await expect(putMember(w.deps, bob, id, 'alice', 'read')).rejects.toMatchObject({ status: 403, code: 'OwnerMembershipFixed' });
    expect(w.repo.members.get(id)!.get('alice')!.access).toBe('admin');
    expect(w.audit.of(id).at(-1)).toMatchObject({
      subject: 'bob',
      action: 'member.put',
      outcome: 'denied',
      detail: { reason: 'OwnerMembershipFixed' },
    });
  });

  it('the owner cannot demote themselves either; putting admin for the owner changes nothing', async () => {
    const { w, id } = await shared();
    await expect(putMember(w.deps, alice, id, 'alice', 'write')).rejects.toMatchObject({ code: 'OwnerMembershipFixed' });
    const writes = w.repo.writes;
    expect(await putMember(w.deps, alice, id, 'alice', 'admin')).toMatchObject({ subject: 'alice', access: 'admin', owner: true });
    expect(w.repo.writes).toBe(writes);
  });

  it.each(['', 'x'.repeat(257), 'bad\nsubject'])('refuses the subject %j naming the field', async (subject) => {
    const { w, id } = await shared();
    await expect(putMember(w.deps, alice, id, subject, 'read')).rejects.toMatchObject({ status: 400, details: { field: 'subject' } });
  });

  it('refuses an unknown access level naming the field', async () => {
    const { w, id } = await shared();
    await expect(putMember(w.deps, alice, id, 'bob', 'owner' as never)).rejects.toMatchObject({
      status: 400,
      details: { field: 'access' },
    });
  });
});

describe('listMembers', () => {
  it('any member may see who else has access, the owner marked', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    const page = await listMembers(w.deps, bob, id, { limit: 10 });
    expect(page.items.map((m) => [m.subject, m.access, m.owner])).toEqual([
      ['alice', 'admin', true],
      ['bob', 'read', false],
    ]);
  });
});

describe('deleteMember', () => {
  it('an admin removes a member, who then gets 404', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'write');
    await deleteMember(w.deps, alice, id, 'bob');
    await expect(getVolume(w.deps, bob, id)).rejects.toMatchObject({ status: 404 });
    expect(w.audit.of(id).at(-1)).toMatchObject({
      subject: 'alice',
      action: 'member.delete',
      outcome: 'succeeded',
      detail: { member: 'bob', access: 'write' },
    });
  });

  it('a read member may remove themselves', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    await deleteMember(w.deps, bob, id, 'bob');
    expect(w.repo.members.get(id)!.has('bob')).toBe(false);
    expect(w.audit.of(id).at(-1)).toMatchObject({ subject: 'bob', action: 'member.delete', outcome: 'succeeded', detail: { self: true } });
  });

  it('a read member may not remove others: Forbidden, audited', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    await putMember(w.deps, alice, id, 'carol', 'read');
    await expect(deleteMember(w.deps, bob, id, 'carol')).rejects.toMatchObject({ status: 403, code: 'NotVolumeAdmin' });
    expect(w.repo.members.get(id)!.has('carol')).toBe(true);
    expect(w.audit.of(id).at(-1)).toMatchObject({ subject: 'bob', action: 'member.delete', outcome: 'denied' });
  });

  it('nobody removes the owner, the owner included', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'admin');
    await expect(deleteMember(w.deps, bob, id, 'alice')).rejects.toMatchObject({ code: 'OwnerMembershipFixed' });
    await expect(deleteMember(w.deps, alice, id, 'alice')).rejects.toMatchObject({ code: 'OwnerMembershipFixed' });
    expect(w.repo.members.get(id)!.get('alice')!.access).toBe('admin');
  });

  it('removing someone who is not a member is MemberNotFound', async () => {
    const { w, id } = await shared();
    await expect(deleteMember(w.deps, alice, id, 'nobody')).rejects.toMatchObject({ status: 404, code: 'MemberNotFound' });
  });
});

describe('listAudit', () => {
  it('admins read the trail newest first, paged', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    await updateVolume(w.deps, alice, id, { description: 'Runs' });
    const page = await listAudit(w.deps, alice, id, { limit: 2 });
    expect(page.items.map((e) => e.action)).toEqual(['volume.update', 'member.put']);
    const rest = await listAudit(w.deps, alice, id, { limit: 2, nextToken: page.nextToken! });
    expect(rest.items.map((e) => e.action)).toEqual(['volume.create']);
  });

  it('a read member may not read it: Forbidden, and the attempt is audited', async () => {
    const { w, id } = await shared();
    await putMember(w.deps, alice, id, 'bob', 'read');
    await expect(listAudit(w.deps, bob, id, {})).rejects.toMatchObject({ status: 403, code: 'NotVolumeAdmin' });
    expect(w.audit.of(id).at(-1)).toMatchObject({ subject: 'bob', action: 'audit.list', outcome: 'denied' });
  });
});
