import { describe, expect, it } from 'vitest';
import { createAccessKey, revokeAccessKey } from '../../../shared/access-keys/operations';
import { type AccessKeyResolverOptions, createAccessKeyResolver } from '../../../shared/access-keys/resolver';
import { DependencyUnavailable } from '../../../shared/errors';
import { keyCaller, keyWorld, MASTER } from './fakes';

const alice = keyCaller('alice', { authMethods: ['pwd', 'mfa'] });
const UNKNOWN = 'VGAKAAAAAAAAAAAAAAAA';

function setup(options: Partial<AccessKeyResolverOptions> = {}) {
  const w = keyWorld();
  const resolver = createAccessKeyResolver({ store: w.store, masterKey: MASTER, clock: w.clock, ...options });
  return { ...w, resolver };
}

function deferred() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('resolving a key', () => {
  it('answers the owner, the volumes, the amr, the expiry and the same secret the API returned', async () => {
    const { deps, resolver, volume } = setup();
    const genomes = await volume('genomes', 'alice');
    const created = await createAccessKey(deps, alice, { volumes: ['genomes'] });
    const key = await resolver.resolve(created.accessKeyId);
    expect(key).toEqual({
      accessKeyId: created.accessKeyId,
      secretAccessKey: created.secretAccessKey,
      subject: 'alice',
      volumeIds: [genomes.id],
      expiresAt: new Date(created.expiresAt),
      authMethods: ['pwd', 'mfa'],
      resolvedAt: deps.clock.now(),
    });
    expect(Object.isFrozen(key)).toBe(true);
    expect(Object.isFrozen(key!.volumeIds)).toBe(true);
  });

  it('leaves volumeIds out for a key limited to no volumes', async () => {
    const { deps, resolver } = setup();
    const created = await createAccessKey(deps, alice);
    expect(await resolver.resolve(created.accessKeyId)).not.toHaveProperty('volumeIds');
  });

  it('answers undefined for an unknown id, and for ids not of our shape without reading the store', async () => {
    const { resolver, store } = setup();
    expect(await resolver.resolve(UNKNOWN)).toBeUndefined();
    expect(store.gets).toBe(1);
    for (const id of ['AKIAIOSFODNN7EXAMPLE', 'eyJhbGciOiJSUzI1NiJ9.e30.sig', '', 'vgakaaaaaaaaaaaaaaaa'])
      expect(await resolver.resolve(id)).toBeUndefined();
    expect(store.gets).toBe(1);
    expect(resolver.stats()).toMatchObject({ malformed: 4, size: 1 });
  });

  it('refuses an expired key', async () => {
    const { deps, resolver, clock } = setup();
    const created = await createAccessKey(deps, alice, { expiresIn: 900 });
    clock.advance(900_000);
    expect(await resolver.resolve(created.accessKeyId)).toBeUndefined();
  });

  it('stops answering a cached key the moment it expires, without waiting for the cache', async () => {
    const { deps, resolver, clock } = setup({ ttlMs: 60_000 });
    const created = await createAccessKey(deps, alice, { expiresIn: 900 });
    clock.advance(900_000 - 10_000);
    expect(await resolver.resolve(created.accessKeyId)).toBeDefined();
    clock.advance(10_000);
    expect(await resolver.resolve(created.accessKeyId)).toBeUndefined();
  });

  it('refuses a key whose status is revoked', async () => {
    const { deps, resolver, store } = setup();
    const created = await createAccessKey(deps, alice);
    store.keys.get(created.accessKeyId)!.status = 'revoked';
    expect(await resolver.resolve(created.accessKeyId)).toBeUndefined();
  });

  it('answers AccessKeysDisabled (503) without a master key', async () => {
    const { resolver } = setup({ masterKey: undefined });
    await expect(resolver.resolve(UNKNOWN)).rejects.toMatchObject({ status: 503, code: 'AccessKeysDisabled' });
  });
});

describe('resolver cache', () => {
  it('reuses an answer for at most ttlMs (30 s by default), then reads the store again', async () => {
    const { deps, resolver, store, clock } = setup();
    const created = await createAccessKey(deps, alice);
    await resolver.resolve(created.accessKeyId);
    clock.advance(29_999);
    await resolver.resolve(created.accessKeyId);
    expect(store.gets).toBe(1);
    clock.advance(1);
    await resolver.resolve(created.accessKeyId);
    expect(store.gets).toBe(2);
    expect(resolver.stats()).toMatchObject({ hits: 1, lookups: 2 });
  });

  it('a revoked key still resolves from the cache until ttlMs has passed, and never after', async () => {
    const { deps, resolver, clock } = setup();
    const created = await createAccessKey(deps, alice);
    expect(await resolver.resolve(created.accessKeyId)).toBeDefined();
    clock.advance(10_000);
    await revokeAccessKey(deps, alice, created.accessKeyId);
    expect(await resolver.resolve(created.accessKeyId)).toBeDefined();
    clock.advance(20_000);
    expect(await resolver.resolve(created.accessKeyId)).toBeUndefined();
    clock.advance(60_000);
    expect(await resolver.resolve(created.accessKeyId)).toBeUndefined();
  });

  it('caches "no such key" too, for ttlMs', async () => {
    const { deps, resolver, store, clock } = setup({ ttlMs: 5_000 });
    expect(await resolver.resolve(UNKNOWN)).toBeUndefined();
    expect(await resolver.resolve(UNKNOWN)).toBeUndefined();
    expect(store.gets).toBe(1);
    expect(resolver.stats()).toMatchObject({ hits: 1, negativeHits: 1 });
    // A key stored under that id meanwhile is seen once the negative entry has aged out.
    await store.put({
      id: UNKNOWN,
      owner: 'alice',
      createdAt: deps.clock.now().toISOString(),
      expiresAt: '2099-01-01T00:00:00.000Z',
      salt: 's',
      authMethods: [],
      status: 'active',
    });
    expect(await resolver.resolve(UNKNOWN)).toBeUndefined();
    clock.advance(5_000);
    expect((await resolver.resolve(UNKNOWN))?.subject).toBe('alice');
  });

  it('shares one store read among concurrent lookups of one id', async () => {
    const { deps, resolver, store } = setup();
    const created = await createAccessKey(deps, alice);
    const gate = deferred();
    store.gate = gate.promise;
    const lookups = Array.from({ length: 100 }, () => resolver.resolve(created.accessKeyId));
    expect(resolver.stats()).toMatchObject({ inFlight: 1, shared: 99, lookups: 1 });
    gate.open();
    const keys = await Promise.all(lookups);
    expect(store.gets).toBe(1);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]?.secretAccessKey).toBe(created.secretAccessKey);
    expect(resolver.stats()).toMatchObject({ inFlight: 0, size: 1 });
  });

  it('does not cache a store outage: every waiter gets it, and the next lookup reads again', async () => {
    const { deps, resolver, store } = setup();
    const created = await createAccessKey(deps, alice);
    store.down = true;
    const gate = deferred();
    store.gate = gate.promise;
    const lookups = [resolver.resolve(created.accessKeyId), resolver.resolve(created.accessKeyId)];
    gate.open();
    for (const lookup of lookups) await expect(lookup).rejects.toBeInstanceOf(DependencyUnavailable);
    store.down = false;
    store.gate = undefined;
    expect((await resolver.resolve(created.accessKeyId))?.subject).toBe('alice');
    expect(resolver.stats()).toMatchObject({ failures: 1, lookups: 2, inFlight: 0 });
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { deps, resolver, store } = setup({ maxEntries: 2 });
    const [a, b, c] = [await createAccessKey(deps, alice), await createAccessKey(deps, alice), await createAccessKey(deps, alice)];
    await resolver.resolve(a.accessKeyId);
    await resolver.resolve(b.accessKeyId);
    await resolver.resolve(a.accessKeyId); // a is now the most recent
    await resolver.resolve(c.accessKeyId); // evicts b
    expect(resolver.stats()).toMatchObject({ size: 2, evictions: 1 });
    const before = store.gets;
    await resolver.resolve(a.accessKeyId);
    expect(store.gets).toBe(before);
    await resolver.resolve(b.accessKeyId);
    expect(store.gets).toBe(before + 1);
  });

  it('reset() forgets entries and counters, and a lookup in flight across it is not stored', async () => {
    const { deps, resolver, store } = setup();
    const created = await createAccessKey(deps, alice);
    await resolver.resolve(created.accessKeyId);
    const gate = deferred();
    store.gate = gate.promise;
    resolver.reset();
    expect(resolver.stats()).toMatchObject({ size: 0, hits: 0, lookups: 0 });
    const inFlight = resolver.resolve(created.accessKeyId);
    resolver.reset();
    gate.open();
    expect((await inFlight)?.subject).toBe('alice');
    expect(resolver.stats().size).toBe(0);
  });

  it('with ttlMs 0 caches nothing but still shares reads in flight', async () => {
    const { deps, resolver, store } = setup({ ttlMs: 0 });
    const created = await createAccessKey(deps, alice);
    await Promise.all([resolver.resolve(created.accessKeyId), resolver.resolve(created.accessKeyId)]);
    await resolver.resolve(created.accessKeyId);
    expect(store.gets).toBe(2);
    expect(resolver.stats().size).toBe(0);
  });

  it('refuses a ttlMs over a minute (revocation must take effect within one) and a maxEntries below 1', () => {
    const { store, clock } = keyWorld();
    expect(() => createAccessKeyResolver({ store, masterKey: MASTER, clock, ttlMs: 60_001 })).toThrow(/within a minute/);
    expect(() => createAccessKeyResolver({ store, masterKey: MASTER, clock, maxEntries: 0 })).toThrow(RangeError);
  });

  it('reads the store again for a resolution older than notBefore (a volume revoked in another container), once', async () => {
    const { deps, resolver, store, clock } = setup();
    const created = await createAccessKey(deps, alice);
    const first = await resolver.resolve(created.accessKeyId);
    expect(first!.resolvedAt).toEqual(clock.now());
    clock.advance(2000);
    const revokedAt = clock.now().getTime() - 1000;
    const reads = store.gets;
    const again = await resolver.resolve(created.accessKeyId, { notBefore: revokedAt });
    expect(store.gets).toBe(reads + 1);
    expect(again!.resolvedAt!.getTime()).toBeGreaterThanOrEqual(revokedAt);
    await resolver.resolve(created.accessKeyId, { notBefore: revokedAt });
    expect(store.gets).toBe(reads + 1);
  });
});
