import { describe, expect, it } from 'vitest';
import { NotFound } from '../../../shared/errors';
import { dataAccessOf, loadVisible, requireAdmin } from '../../../shared/volumes/access';
import { caller, world } from './fakes';
import type { Deps } from './operations-helpers';
import { aliceCreates, everyFunction } from './operations-helpers';

describe('loadVisible', () => {
  it('gives a member the volume and their membership', async () => {
    const w = world();
    const { id } = await aliceCreates(w);
    const { volume, member } = await loadVisible(w.repo, id, 'alice');
    expect(volume.id).toBe(id);
    expect(member).toMatchObject({ subject: 'alice', access: 'admin' });
  });

  it('gives a non-member the same 404 as a volume that does not exist', async () => {
    const w = world();
    const { id } = await aliceCreates(w);
    const outsider = await loadVisible(w.repo, id, 'mallory').catch((e: unknown) => e);
    const missing = await loadVisible(w.repo, 'vol-nope', 'mallory').catch((e: unknown) => e);
    expect(outsider).toBeInstanceOf(NotFound);
    expect(outsider).toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect(missing).toMatchObject({ status: 404, code: 'VolumeNotFound' });
  });

  it('does not look up absurd ids', async () => {
    const w = world();
    await expect(loadVisible(w.repo, 'x'.repeat(500), 'alice')).rejects.toMatchObject({ code: 'VolumeNotFound' });
    await expect(loadVisible(w.repo, '', 'alice')).rejects.toMatchObject({ code: 'VolumeNotFound' });
  });
});

describe('requireAdmin', () => {
  it.each(['read', 'write'] as const)('refuses a %s member with NotVolumeAdmin (403)', (access) => {
    expect(() => requireAdmin({ access })).toThrow(expect.objectContaining({ status: 403, code: 'NotVolumeAdmin' }));
  });

  it('lets an admin through', () => {
    expect(() => requireAdmin({ access: 'admin' })).not.toThrow();
  });
});

describe('effective data access', () => {
  it.each([
    ['read', 'read-only', 'read'],
    ['write', 'read-only', 'read'],
    ['admin', 'read-only', 'read'],
    ['read', 'read-write', 'read'],
    ['write', 'read-write', 'write'],
    ['admin', 'read-write', 'write'],
  ] as const)('a %s member of a %s volume may %s', (access, accessMode, data) => {
    expect(dataAccessOf({ accessMode }, { access })).toBe(data);
  });
});

describe('a non-member', () => {
  it.each(Object.keys(everyFunction))("gets 404 from %s, and nothing is written to the volume's trail", async (name) => {
    const w = world();
    const { id } = await aliceCreates(w);
    const before = { events: w.audit.events.length, writes: w.repo.writes };
    const call = everyFunction[name as keyof typeof everyFunction] as (
      deps: Deps,
      c: ReturnType<typeof caller>,
      id: string,
    ) => Promise<unknown>;
    await expect(call(w.deps, caller('mallory'), id)).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect(w.audit.events).toHaveLength(before.events);
    expect(w.repo.writes).toBe(before.writes);
  });
});
