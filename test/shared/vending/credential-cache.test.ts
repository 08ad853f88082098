import { describe, expect, it } from 'vitest';
import { DependencyUnavailable, Forbidden } from '../../../shared/errors';
import { CredentialCache, type CredentialKey, reuseMarginMs } from '../../../shared/vending/credential-cache';
import type { TemporaryCredentials } from '../../../shared/volumes/ports';

const T0 = new Date('2025-06-01T12:00:00.000Z').getTime();
const MIN = 60_000;

function setup(maxEntries?: number) {
  let now = T0;
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const cache = new CredentialCache({ clock, ...(maxEntries ? { maxEntries } : {}) });
  let n = 0;
  /** An issuer whose credentials live `seconds` from the clock's now. */
  const issuer =
    (seconds = 3600) =>
    async (): Promise<TemporaryCredentials> => {
      n++;
      return { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now + seconds * 1000) };
    };
  return { cache, clock, issuer, issued: () => n };
}

const key = (overrides: Partial<CredentialKey> = {}): CredentialKey => ({
  volumeId: 'vol-1',
  volumeVersion: 2,
  volumeStatus: 'active',
  subject: 'alice',
  access: 'read',
  durationSeconds: 3600,
  ...overrides,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('credential cache', () => {
  it('a thousand concurrent lookups of one key share one issuer call', async () => {
    const { cache } = setup();
    const gate = deferred<TemporaryCredentials>();
    let calls = 0;
    const issue = () => (calls++, gate.promise);
    const lookups = Array.from({ length: 1000 }, () => cache.get(key(), issue));
    gate.resolve({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date(T0 + 3600_000) });
    const results = await Promise.all(lookups);
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.credentials.accessKeyId))).toEqual(new Set(['ASIA1']));
    expect(results.filter((r) => r.source === 'issued')).toHaveLength(1);
    expect(results.filter((r) => r.source === 'shared')).toHaveLength(999);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1000, shared: 999, issuerCalls: 1, failures: 0, size: 1, inFlight: 0 });
  });

  it('later lookups are hits until five minutes before an hour-long credential expires', async () => {
    const { cache, clock, issuer, issued } = setup();
    await cache.get(key(), issuer());
    clock.advance(55 * MIN - 1);
    expect((await cache.get(key(), issuer())).source).toBe('hit');
    clock.advance(1);
    expect((await cache.get(key(), issuer())).source).toBe('issued');
    expect(issued()).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, issuerCalls: 2 });
  });

  it('the margin is a fifth of the lifetime when that is under five minutes', async () => {
    expect(reuseMarginMs(3600_000)).toBe(5 * MIN);
    expect(reuseMarginMs(900_000)).toBe(3 * MIN);
    const { cache, clock, issuer } = setup();
    await cache.get(key({ durationSeconds: 900 }), issuer(900));
    clock.advance(12 * MIN - 1);
    expect((await cache.get(key({ durationSeconds: 900 }), issuer(900))).source).toBe('hit');
    clock.advance(1);
    expect((await cache.get(key({ durationSeconds: 900 }), issuer(900))).source).toBe('issued');
  });

  it('a caller who wants more remaining life gets a fresh credential, which then serves everyone', async () => {
    const { cache, clock, issuer } = setup();
    const first = await cache.get(key(), issuer());
    clock.advance(50 * MIN);
    expect((await cache.get(key(), issuer())).credentials).toBe(first.credentials);
    const fresh = await cache.get(key(), issuer(), { minRemainingMs: 15 * MIN });
    expect(fresh.source).toBe('issued');
    expect((await cache.get(key(), issuer())).credentials).toBe(fresh.credentials);
  });

  it('a failed call is not cached: its waiters all get the error, and the next lookup calls again', async () => {
    const { cache, issuer } = setup();
    const gate = deferred<TemporaryCredentials>();
    const failing = () => gate.promise;
    const waiting = [cache.get(key(), failing), cache.get(key(), failing), cache.get(key(), failing)];
    gate.reject(new Error('STS is down'));
    for (const w of waiting) await expect(w).rejects.toThrow('STS is down');
    expect(cache.stats()).toMatchObject({ issuerCalls: 1, failures: 1, size: 0, inFlight: 0 });
    expect((await cache.get(key(), issuer())).source).toBe('issued');
    expect(cache.stats().issuerCalls).toBe(2);
  });

  it('while the issuer is unavailable, an entry short of the life asked is served until a minute before it expires', async () => {
    const { cache, clock, issuer } = setup();
    const first = await cache.get(key(), issuer());
    const down = () => Promise.reject(new DependencyUnavailable('STS did not answer; try again shortly.', 'StsUnavailable'));
    clock.advance(50 * MIN);
    expect(await cache.get(key(), down, { minRemainingMs: 15 * MIN })).toEqual({ credentials: first.credentials, source: 'stale' });
    clock.advance(9 * MIN - 1);
    expect((await cache.get(key(), down)).source).toBe('stale');
    clock.advance(1);
    await expect(cache.get(key(), down)).rejects.toThrow('STS did not answer');
    expect(cache.stats()).toMatchObject({ stale: 2, failures: 3, size: 0 });
  });

  it('a refusal is never answered from the entry it would have replaced', async () => {
    const { cache, clock, issuer } = setup();
    await cache.get(key(), issuer());
    clock.advance(56 * MIN);
    await expect(
      cache.get(key(), () => Promise.reject(new Forbidden("The volume's role refused the gateway.", 'RoleRefused'))),
    ).rejects.toThrow('refused');
  });

  it('different access, subject, duration or volume version are different entries', async () => {
    const { cache, issuer, issued } = setup();
    await cache.get(key(), issuer());
    await cache.get(key({ access: 'write' }), issuer());
    await cache.get(key({ subject: 'bob' }), issuer());
    await cache.get(key({ durationSeconds: 900 }), issuer(900));
    await cache.get(key({ volumeVersion: 3 }), issuer());
    await cache.get(key({ volumeStatus: 'pending' }), issuer());
    expect(issued()).toBe(6);
    expect((await cache.get(key({ access: 'write' }), issuer())).source).toBe('hit');
    expect(cache.stats().size).toBe(6);
  });

  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const { cache, issuer } = setup(3);
    for (const subject of ['a', 'b', 'c']) await cache.get(key({ subject }), issuer());
    await cache.get(key({ subject: 'a' }), issuer()); // a is now the most recent
    await cache.get(key({ subject: 'd' }), issuer()); // evicts b
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 1 });
    expect((await cache.get(key({ subject: 'a' }), issuer())).source).toBe('hit');
    expect((await cache.get(key({ subject: 'b' }), issuer())).source).toBe('issued');
  });

  it('is bounded at 1,000 entries by default', async () => {
    const { cache, issuer } = setup();
    for (let i = 0; i < 1200; i++) await cache.get(key({ subject: `user-${i}` }), issuer());
    expect(cache.stats()).toMatchObject({ size: 1000, evictions: 200 });
    expect(cache.maxEntries).toBe(1000);
  });

  it('reset forgets entries, counters, and the result of a call in flight', async () => {
    const { cache, issuer } = setup();
    await cache.get(key(), issuer());
    const gate = deferred<TemporaryCredentials>();
    const inFlight = cache.get(key({ subject: 'bob' }), () => gate.promise);
    cache.reset();
    expect(cache.stats()).toEqual({
      hits: 0,
      misses: 0,
      shared: 0,
      issuerCalls: 0,
      failures: 0,
      stale: 0,
      evictions: 0,
      size: 0,
      inFlight: 0,
    });
    gate.resolve({ accessKeyId: 'OLD', secretAccessKey: 's', sessionToken: 't', expiration: new Date(T0 + 3600_000) });
    expect((await inFlight).credentials.accessKeyId).toBe('OLD');
    expect((await cache.get(key({ subject: 'bob' }), issuer())).source).toBe('issued');
    expect((await cache.get(key(), issuer())).source).toBe('issued');
  });

  it('a waiter that gives up stops waiting; the call is aborted only when every waiter has', async () => {
    const { cache } = setup();
    const gate = deferred<TemporaryCredentials>();
    let signalSeen: AbortSignal | undefined;
    const issue = (signal: AbortSignal) => ((signalSeen = signal), gate.promise);
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.get(key(), issue, { signal: a.signal });
    const second = cache.get(key(), issue, { signal: b.signal });
    a.abort(new Error('client went away'));
    await expect(first).rejects.toThrow('client went away');
    expect(signalSeen!.aborted).toBe(false);
    b.abort(new Error('second went away too'));
    await expect(second).rejects.toThrow('second went away too');
    expect(signalSeen!.aborted).toBe(true);
    gate.reject(signalSeen!.reason);
    await Promise.resolve();
    expect(cache.stats().inFlight).toBe(0);
  });

  it('a waiter without a signal keeps the shared call alive', async () => {
    const { cache } = setup();
    const gate = deferred<TemporaryCredentials>();
    let signalSeen: AbortSignal | undefined;
    const issue = (signal: AbortSignal) => ((signalSeen = signal), gate.promise);
    const a = new AbortController();
    const first = cache.get(key(), issue, { signal: a.signal });
    const second = cache.get(key(), issue);
    a.abort(new Error('gone'));
    await expect(first).rejects.toThrow('gone');
    expect(signalSeen!.aborted).toBe(false);
    gate.resolve({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date(T0 + 3600_000) });
    expect((await second).credentials.accessKeyId).toBe('ASIA1');
  });

  it('a lookup after every waiter gave up starts a call of its own, without waiting for the abandoned one to settle', async () => {
    const { cache, clock, issuer } = setup();
    const first = await cache.get(key(), issuer());
    clock.advance(56 * MIN);
    const never = new Promise<TemporaryCredentials>(() => undefined);
    const a = new AbortController();
    const abandoned = cache.get(key(), () => never, { signal: a.signal });
    a.abort(new Error('gone'));
    await expect(abandoned).rejects.toThrow('gone');
    // The entry it was replacing stays: a new call that finds STS down serves it stale.
    const down = () => Promise.reject(new DependencyUnavailable('STS did not answer; try again shortly.', 'StsUnavailable'));
    expect(await cache.get(key(), down)).toEqual({ credentials: first.credentials, source: 'stale' });
    expect((await cache.get(key(), issuer())).source).toBe('issued');
    expect(cache.stats()).toMatchObject({ issuerCalls: 4, inFlight: 0 });
  });

  it('a prefix is an entry of its own: the same prefix hits, another prefix or none is a new session', async () => {
    const { cache, issuer } = setup();
    const a = await cache.get(key({ prefix: 'runs/1/' }), issuer());
    expect((await cache.get(key({ prefix: 'runs/1/' }), issuer())).credentials).toBe(a.credentials);
    const b = await cache.get(key({ prefix: 'runs/2/' }), issuer());
    const whole = await cache.get(key(), issuer());
    expect(new Set([a, b, whole].map((r) => r.credentials.accessKeyId)).size).toBe(3);
  });

  it('never serves an entry issued before notBefore (a revocation), not even while the issuer is unavailable', async () => {
    const { cache, clock, issuer } = setup();
    const old = await cache.get(key(), issuer());
    clock.advance(MIN);
    const revokedAt = clock.now().getTime();
    clock.advance(1000);
    const fresh = await cache.get(key(), issuer(), { notBefore: revokedAt });
    expect(fresh.source).toBe('issued');
    expect(fresh.credentials.accessKeyId).not.toBe(old.credentials.accessKeyId);
    // The new session is after the revocation: a hit from now on.
    expect(await cache.get(key(), issuer(), { notBefore: revokedAt })).toMatchObject({ source: 'hit', credentials: fresh.credentials });

    const other = key({ subject: 'bob' });
    await cache.get(other, issuer());
    clock.advance(1000);
    const down = async (): Promise<TemporaryCredentials> => {
      throw new DependencyUnavailable('STS is down', 'StsUnavailable');
    };
    await expect(cache.get(other, down, { notBefore: clock.now().getTime() })).rejects.toBeInstanceOf(DependencyUnavailable);
  });

  it('does not join a call in flight that started before notBefore', async () => {
    const { cache, clock, issuer } = setup();
    const gate = deferred<TemporaryCredentials>();
    const before = cache.get(key(), () => gate.promise);
    clock.advance(1000);
    const after = await cache.get(key(), issuer(), { notBefore: clock.now().getTime() });
    expect(after.source).toBe('issued');
    gate.resolve({ accessKeyId: 'ASIA-OLD', secretAccessKey: 's', sessionToken: 't', expiration: new Date(T0 + 3600_000) });
    expect((await before).credentials.accessKeyId).toBe('ASIA-OLD');
    expect((await cache.get(key(), issuer())).credentials).toBe(after.credentials);
  });
});
