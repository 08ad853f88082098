/**
 * Vended credentials, reused until shortly before they expire: a thousand vends by one member for one volume
 * cost one STS call.
 *
 * Policy:
 * - Keyed by volume id, the volume's version and status, subject, access and the duration asked. A verified or
 *   changed volume has a new version, so it never gets credentials minted before the change. The duration is in
 *   the key because it is an upper bound: a member who asks for 900 s is never handed a credential that lives
 *   an hour. Within one key the remaining life only shrinks, so a credential whose remaining life is below the
 *   duration asked is served (its `Expiration` says the truth, and clients renew at it).
 * - An entry is reused while more than a margin of it remains: five minutes, or a fifth of its lifetime,
 *   whichever is smaller (an hour-long credential is reused for 55 minutes; a 15-minute one for 12). A caller may
 *   ask for more remaining life (`minRemainingMs`: a presigned URL that should live its full 15 minutes, an SDK
 *   that renews 15 minutes before expiry); an entry short of it is replaced by a fresh one.
 * - Single flight: concurrent misses for one key share one issuer call. A failed call is not cached: its
 *   waiters all get the error, the next lookup calls again. The call is aborted only when every waiter has gone.
 * - Stale if unavailable: when the call that should replace an entry fails because the issuer is unavailable
 *   (STS throttled or down: {@link DependencyUnavailable}), the entry is served as it is while more than a
 *   minute of it remains, past the margin and short of `minRemainingMs` (its `Expiration` says the truth). An
 *   outage thus costs callers nothing until the credentials they already have really run out. A refusal (the
 *   role's trust changed) is never answered from the entry.
 * - Bounded: least recently used entries are evicted beyond `maxEntries` (1,000 by default); an entry goes when
 *   it can serve no more (neither as a hit nor stale) and is next looked at.
 * - `reset()` forgets every entry, forgets calls in flight (their results are not stored) and zeroes counters.
 * - Revoked: a lookup may name `notBefore` (the volume's `sessionsRevokedAt`, see `../volumes/revocations.ts`): an
 *   entry whose issuer call started before it is never served, neither as a hit nor stale, and a call in flight that
 *   started before it is not joined; a new call replaces them. Narrowed sessions (`prefix`) are entries of their own.
 *
 * Time comes from the injected clock. Counters feed metrics and the benchmark. Storage, recency, expiry and
 * single flight are lru-cache's (`max`, per-entry `ttl`, `fetchMethod`); what it lacks is kept here: the hit
 * rule (margin and `minRemainingMs`), stale-if-unavailable, and aborting a shared call only when all have left.
 */
import { LRUCache } from 'lru-cache';
import { DependencyUnavailable } from '../errors';
import { onClock, ttlUntil } from '../lru-clock';
import type { DataAccess, VolumeStatus } from '../volumes/model';
import type { Clock, TemporaryCredentials } from '../volumes/ports';

export interface CredentialKey {
  volumeId: string;
  volumeVersion: number;
  volumeStatus: VolumeStatus;
  subject: string;
  access: DataAccess;
  durationSeconds: number;
  /** The narrowed prefix (relative to the root) of a session that covers only `root/prefix*`; absent = the whole volume. */
  prefix?: string;
}

/**
 * Where a credential came from: a stored entry, a call another request had in flight, a call of its own, or a
 * stored entry short of the life asked, served because the issuer was unavailable.
 */
export type CredentialSource = 'hit' | 'shared' | 'issued' | 'stale';

export interface CachedCredentials {
  credentials: TemporaryCredentials;
  source: CredentialSource;
}

export interface CacheCounters {
  /** Served from a stored entry. */
  hits: number;
  /** Not served from a stored entry (shared or issued). */
  misses: number;
  /** Misses that joined a call already in flight. */
  shared: number;
  /** Issuer calls started (misses minus shared). */
  issuerCalls: number;
  /** Issuer calls that failed (not cached). */
  failures: number;
  /** Misses answered with a stored entry because the issuer was unavailable. */
  stale: number;
  /** Entries dropped to stay within `maxEntries`. */
  evictions: number;
}

export interface CacheStats extends CacheCounters {
  size: number;
  inFlight: number;
}

export interface CredentialCacheOptions {
  clock: Clock;
  /** 1,000 when absent. */
  maxEntries?: number;
}

export interface LookupOptions {
  /** The caller's abort signal: it stops waiting; the shared call is aborted when all its waiters have. */
  signal?: AbortSignal;
  /** Remaining life the caller wants at least; entries with less (but above the margin) are replaced. */
  minRemainingMs?: number;
  /** Epoch ms: entries (and calls in flight) issued before it are revoked, never served; undefined = none revoked. */
  notBefore?: number | undefined;
}

/** Makes the credentials on a miss; `signal` aborts when every request waiting for them has given up. */
export type Issue = (signal: AbortSignal) => Promise<TemporaryCredentials>;

export const DEFAULT_MAX_ENTRIES = 1000;
const FIVE_MINUTES_MS = 5 * 60_000;
/** An entry with no more life than this is never served, not even while the issuer is unavailable. */
export const STALE_FLOOR_MS = 60_000;

/** How long before expiry an entry stops being reused: five minutes or a fifth of its lifetime, whichever is smaller. */
export const reuseMarginMs = (lifetimeMs: number): number => Math.min(FIVE_MINUTES_MS, Math.max(0, lifetimeMs) / 5);

interface Entry {
  credentials: TemporaryCredentials;
  marginMs: number;
  /** Epoch ms when its issuer call started: what a revocation (`notBefore`) is compared with. */
  issuedAt: number;
  /** False when the credentials came back already too short to serve anyone after the call: handed out, not kept. */
  keep: boolean;
}

/** A call in flight: its waiters, and the abort its issuer sees once every waiter has given up. */
interface Flight {
  controller: AbortController;
  /** Requests still waiting; those without a signal never leave. */
  waiters: number;
  settled: boolean;
  /** It replaces a stored entry (which stays meanwhile) rather than filling an empty key. */
  replacing: boolean;
  /** Epoch ms when the call started. */
  startedAt: number;
}

const keyOf = (k: CredentialKey) =>
  JSON.stringify([k.volumeId, k.volumeVersion, k.volumeStatus, k.subject, k.access, k.durationSeconds, k.prefix ?? null]);

const zero = (): CacheCounters => ({ hits: 0, misses: 0, shared: 0, issuerCalls: 0, failures: 0, stale: 0, evictions: 0 });

/** The longest STS lifetime (12 hours): a cap; every entry gets its own ttl from its `Expiration`. */
const LONGEST_LIFETIME_MS = 12 * 3600_000;

export class CredentialCache {
  private readonly entries: LRUCache<string, Entry, Issue>;
  private flights = new Map<string, Flight>();
  private counters = zero();
  private readonly clock: Clock;
  readonly maxEntries: number;

  constructor(options: CredentialCacheOptions) {
    this.clock = options.clock;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer (got ${this.maxEntries})`);
    this.entries = new LRUCache<string, Entry, Issue>({
      max: this.maxEntries,
      ttl: LONGEST_LIFETIME_MS,
      ...onClock(options.clock),
      // reset() (or an eviction) while a call is in flight: its waiters get the credentials, the cache does not keep them.
      ignoreFetchAbort: true,
      // A failed replacement leaves the entry it would have replaced: stale-if-unavailable serves it.
      noDeleteOnFetchRejection: true,
      dispose: (_entry, _k, reason) => {
        if (reason === 'evict') this.counters.evictions++;
      },
      fetchMethod: (k, stale, { options: set, context: issue }) => this.call(k, issue, stale !== undefined, set),
    });
  }

  /** The credentials for `key`: a stored entry with enough life left, a call in flight for it, or a new call of `issue`. */
  async get(key: CredentialKey, issue: Issue, options: LookupOptions = {}): Promise<CachedCredentials> {
    options.signal?.throwIfAborted();
    const k = keyOf(key);
    // allowStale: the entry a call in flight is replacing, too (for the hit rule and stale-if-unavailable).
    const stored = this.entries.get(k, { allowStale: true });
    const entry = this.revoked(k, stored, options.notBefore) ? undefined : stored;
    if (entry && entry.credentials.expiration.getTime() - this.now() > Math.max(entry.marginMs, options.minRemainingMs ?? 0)) {
      this.counters.hits++;
      return { credentials: entry.credentials, source: 'hit' };
    }
    this.counters.misses++;
    try {
      const status: LRUCache.Status<string, Entry, Issue> = {};
      const pending = this.entries.forceFetch(k, { forceRefresh: true, context: issue, status });
      const joined = status.fetch === 'inflight';
      if (joined) this.counters.shared++;
      const fresh = await this.wait(k, this.flights.get(k), pending, options.signal);
      if (!fresh.keep && this.entries.peek(k) === fresh) this.entries.delete(k);
      return { credentials: fresh.credentials, source: joined ? 'shared' : 'issued' };
    } catch (error) {
      const alive = entry !== undefined && entry.credentials.expiration.getTime() - this.now() > STALE_FLOOR_MS;
      if (!alive || !(error instanceof DependencyUnavailable) || options.signal?.aborted) throw error;
      this.counters.stale++;
      return { credentials: entry.credentials, source: 'stale' };
    }
  }

  stats(): CacheStats {
    const filling = [...this.flights.values()].filter((f) => !f.replacing).length;
    return { ...this.counters, size: this.entries.size - filling, inFlight: this.flights.size };
  }

  /** Forgets every entry and call in flight, and zeroes the counters. */
  reset(): void {
    this.entries.clear();
    this.flights = new Map();
    this.counters = zero();
  }

  /** Whether the entry or the call in flight for `k` was issued before `notBefore`; if so both are forgotten (waiters keep theirs). */
  private revoked(k: string, entry: Entry | undefined, notBefore: number | undefined): boolean {
    if (notBefore === undefined) return false;
    const flight = this.flights.get(k);
    const old = (entry !== undefined && entry.issuedAt < notBefore) || (flight !== undefined && flight.startedAt < notBefore);
    if (!old) return false;
    if (flight) this.flights.delete(k);
    this.entries.delete(k);
    return true;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** lru-cache's fetchMethod: one issuer call, and the entry it makes, with its ttl. */
  private async call(k: string, issue: Issue, replacing: boolean, set: { ttl?: number }): Promise<Entry> {
    const counters = this.counters;
    const flights = this.flights;
    counters.issuerCalls++;
    const startedAt = this.now();
    const flight: Flight = { controller: new AbortController(), waiters: 0, settled: false, replacing, startedAt };
    flights.set(k, flight);
    try {
      const credentials = await issue(flight.controller.signal);
      const expiresAt = credentials.expiration.getTime();
      const marginMs = reuseMarginMs(expiresAt - startedAt);
      // Kept while it can serve: as a hit (above the margin) or stale (above the floor).
      const ttl = ttlUntil(expiresAt - Math.min(marginMs, STALE_FLOOR_MS), this.now());
      set.ttl = ttl ?? 1;
      return { credentials, marginMs, issuedAt: startedAt, keep: ttl !== undefined };
    } catch (error) {
      counters.failures++;
      throw error;
    } finally {
      flight.settled = true;
      if (flights.get(k) === flight) flights.delete(k);
    }
  }

  /** Waits for the call; a caller whose signal aborts stops waiting, and the last to leave aborts the call. */
  private wait(k: string, flight: Flight | undefined, pending: Promise<Entry>, signal: AbortSignal | undefined): Promise<Entry> {
    if (!flight || flight.settled) return pending;
    flight.waiters++;
    if (!signal) return pending;
    return new Promise((resolve, reject) => {
      const leave = () => {
        flight.waiters--;
        if (flight.waiters === 0 && !flight.settled) this.abandon(k, flight, signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      pending.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }

  /** Aborts a call nobody waits for, and stops lookups joining it: the next one starts a new call. */
  private abandon(k: string, flight: Flight, reason: unknown): void {
    flight.controller.abort(reason);
    if (this.flights.get(k) !== flight) return;
    this.flights.delete(k);
    // Deleting the call in flight also deletes the entry it was replacing: put that back, with the life it had left.
    const replaced = this.entries.peek(k, { allowStale: true });
    const ttl = this.entries.getRemainingTTL(k);
    this.entries.delete(k);
    if (replaced && ttl > 0) this.entries.set(k, replaced, { ttl });
  }
}

/** A cache for one warm Lambda (module scope): bounded, with the injected clock. */
export const createCredentialCache = (options: CredentialCacheOptions): CredentialCache => new CredentialCache(options);
