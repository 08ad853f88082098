import { describe, expect, it } from 'vitest';
import { createVolumeLookup } from '../../../shared/volumes/volume-lookup';
import { baseVolume } from '../vending/fakes';
import { FakeRepository } from '../volumes/fakes';

function setup(ttlMs = 5000) {
  let now = 0;
  const repo = new FakeRepository();
  let reads = 0;
  const counted = {
    getByName: (n: string) => (reads++, repo.getByName(n)),
    getMember: (v: string, s: string) => (reads++, repo.getMember(v, s)),
  };
  const lookup = createVolumeLookup({ repo: counted, clock: { now: () => new Date(now) }, ttlMs, maxEntries: 2 });
  return { repo, lookup, reads: () => reads, advance: (ms: number) => void (now += ms) };
}

describe('volume lookups of the proxy', () => {
  it('are reused for a few seconds, answers of absence included, then read again', async () => {
    const s = setup();
    expect(await s.lookup.byName('shared-genomes')).toBeUndefined();
    await s.repo.create(baseVolume, { volumeId: baseVolume.id, subject: 'alice', access: 'admin', addedBy: 'alice', addedAt: '' });
    expect(await s.lookup.byName('shared-genomes')).toBeUndefined();
    s.advance(5001);
    expect((await s.lookup.byName('shared-genomes'))?.id).toBe(baseVolume.id);
    expect(s.reads()).toBe(2);
  });

  it('share one read between concurrent lookups, and keep no failures', async () => {
    const s = setup();
    await Promise.all([s.lookup.member('v', 'a'), s.lookup.member('v', 'a'), s.lookup.member('v', 'a')]);
    expect(s.reads()).toBe(1);
    s.repo.getByName = async () => {
      throw new Error('down');
    };
    await expect(s.lookup.byName('x')).rejects.toThrow('down');
  });

  it('are bounded, and reset forgets them', async () => {
    const s = setup();
    for (const name of ['a1', 'a2', 'a3']) await s.lookup.byName(name);
    await s.lookup.byName('a1');
    expect(s.reads()).toBe(4);
    s.lookup.reset();
    await s.lookup.byName('a3');
    expect(s.reads()).toBe(5);
  });

  it('with a ttl of 0 share concurrent reads and keep nothing', async () => {
    const s = setup(0);
    await Promise.all([s.lookup.byName('a1'), s.lookup.byName('a1')]);
    await s.lookup.byName('a1');
    expect(s.reads()).toBe(2);
  });

  it('count their few seconds from before the read, so a slow read does not lengthen them', async () => {
    const s = setup();
    const slow = s.repo.getByName.bind(s.repo);
    s.repo.getByName = async (n: string) => {
      s.advance(4000);
      return slow(n);
    };
    await s.lookup.byName('a1');
    s.advance(1001);
    await s.lookup.byName('a1');
    expect(s.reads()).toBe(2);
  });

  it('are read again once exactly ttlMs has passed', async () => {
    const s = setup();
    await s.lookup.byName('a1');
    s.advance(4999);
    await s.lookup.byName('a1');
    expect(s.reads()).toBe(1);
    s.advance(1);
    await s.lookup.byName('a1');
    expect(s.reads()).toBe(2);
  });
});
