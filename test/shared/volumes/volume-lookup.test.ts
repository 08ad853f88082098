import { describe, expect, it } from 'vitest';
import { vendCredentials } from '../../../shared/vending/vend';
import { createVolumeLookup, invalidating, VOLUME_STALENESS_MS } from '../../../shared/volumes/volume-lookup';
import { baseVolume, caller, vendingWorld, volumeWith } from '../vending/fakes';

/** The vending world with the container's hot-path cache wired as shared/wiring/volumes.ts wires it. */
function cachedWorld() {
  const w = vendingWorld();
  let reads = 0;
  const counted = {
    get: (id: string) => (reads++, w.repo.get(id)),
    getByName: (name: string) => (reads++, w.repo.getByName(name)),
    getMember: (volumeId: string, subject: string) => (reads++, w.repo.getMember(volumeId, subject)),
  };
  const lookup = createVolumeLookup({ repo: counted, clock: w.clock });
  const deps = { ...w.deps, repo: invalidating(w.repo, lookup), lookup };
  const advance = (ms: number) => (w.clock as { advance(ms: number): void }).advance(ms);
  return { w, deps, lookup, reads: () => reads, advance };
}

describe('the hot paths’ volume and membership cache', () => {
  it('serves repeat vends without reading the volume or the membership again', async () => {
    const c = cachedWorld();
    await volumeWith(c.w, { rita: 'read' });
    await vendCredentials(c.deps, caller('rita'), baseVolume.id);
    await vendCredentials(c.deps, caller('rita'), baseVolume.id);
    expect(c.reads()).toBe(2);
  });

  it('sees a member removed through this container at once', async () => {
    const c = cachedWorld();
    await volumeWith(c.w, { rita: 'read' });
    await vendCredentials(c.deps, caller('rita'), baseVolume.id);
    await c.deps.repo.deleteMember(baseVolume.id, 'rita');
    await expect(vendCredentials(c.deps, caller('rita'), baseVolume.id)).rejects.toMatchObject({ code: 'VolumeNotFound' });
  });

  it('sees a volume archived or made read-only through this container at once, by id and by name', async () => {
    const c = cachedWorld();
    await volumeWith(c.w, { walt: 'write' });
    await vendCredentials(c.deps, caller('walt'), baseVolume.id, { access: 'write' });
    expect((await c.lookup.byName(baseVolume.name))?.accessMode).toBe('read-write');
    await c.deps.repo.update({ ...baseVolume, accessMode: 'read-only', version: baseVolume.version + 1 }, baseVolume.version);
    expect((await c.lookup.byName(baseVolume.name))?.accessMode).toBe('read-only');
    await expect(vendCredentials(c.deps, caller('walt'), baseVolume.id, { access: 'write' })).rejects.toMatchObject({
      code: 'AccessExceedsMembership',
    });
    await c.deps.repo.delete(baseVolume.id);
    expect(await c.lookup.byName(baseVolume.name)).toBeUndefined();
    await expect(vendCredentials(c.deps, caller('walt'), baseVolume.id)).rejects.toMatchObject({ code: 'VolumeNotFound' });
  });

  it('sees a volume created through this container at once, though its absence was cached', async () => {
    const c = cachedWorld();
    expect(await c.lookup.byName(baseVolume.name)).toBeUndefined();
    expect(await c.lookup.member(baseVolume.id, 'alice')).toBeUndefined();
    await c.deps.repo.create(baseVolume, { volumeId: baseVolume.id, subject: 'alice', access: 'admin', addedBy: 'alice', addedAt: '' });
    expect((await c.lookup.byName(baseVolume.name))?.id).toBe(baseVolume.id);
    expect((await c.lookup.member(baseVolume.id, 'alice'))?.access).toBe('admin');
  });

  it('takes up to its staleness to see a change made through another container', async () => {
    const c = cachedWorld();
    await volumeWith(c.w, { rita: 'read' });
    await vendCredentials(c.deps, caller('rita'), baseVolume.id);
    await c.w.repo.deleteMember(baseVolume.id, 'rita'); // another container: the repository itself, not this wrapper
    await vendCredentials(c.deps, caller('rita'), baseVolume.id);
    c.advance(VOLUME_STALENESS_MS);
    await expect(vendCredentials(c.deps, caller('rita'), baseVolume.id)).rejects.toMatchObject({ code: 'VolumeNotFound' });
  });

  it('forgets a membership changed through this container even while a read of it is in flight', async () => {
    const c = cachedWorld();
    await volumeWith(c.w, { rita: 'read' });
    const inFlight = c.lookup.member(baseVolume.id, 'rita');
    await c.deps.repo.deleteMember(baseVolume.id, 'rita');
    await inFlight;
    expect(await c.lookup.member(baseVolume.id, 'rita')).toBeUndefined();
  });

  it('keeps no failed read: the read after a DynamoDB error reads again', async () => {
    const c = cachedWorld();
    await volumeWith(c.w);
    const get = c.w.repo.get.bind(c.w.repo);
    c.w.repo.get = async () => {
      throw new Error('DynamoDB is down');
    };
    await expect(c.lookup.byId(baseVolume.id)).rejects.toThrow('DynamoDB is down');
    c.w.repo.get = get;
    expect((await c.lookup.byId(baseVolume.id))?.id).toBe(baseVolume.id);
  });
});
