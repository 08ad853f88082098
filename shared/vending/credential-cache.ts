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
 * - Bounded: least recently used entries are evicted beyond `maxEntries` (1,000 by default); expired entries go
 *   when they are next looked at.
 * - `reset()` forgets every entry, forgets calls in flight (their results are not stored) and zeroes counters.
 *
 * Time comes from the injected clock. Counters feed metrics and the benchmark.
 */
import { DependencyUnavailable } from '../errors';
import type { DataAccess, VolumeStatus } from '../volumes/model';
import type { Clock, TemporaryCredentials } from '../volumes/ports';

export interface CredentialKey {
  volumeId: string;
  volumeVersion: number;
  volumeStatus: VolumeStatus;
  subject: string;
  access: DataAccess;
  durationSeconds: number;
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
}

interface Flight {
  promise: Promise<TemporaryCredentials>;
  controller: AbortController;
  /** Requests still waiting; those without a signal never leave. */
  waiters: number;
  settled: boolean;
}

const keyOf = (k: CredentialKey) => JSON.stringify([k.volumeId, k.volumeVersion, k.volumeStatus, k.subject, k.access, k.durationSeconds]);

const zero = (): CacheCounters => ({ hits: 0, misses: 0, shared: 0, issuerCalls: 0, failures: 0, stale: 0, evictions: 0 });

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private flights = new Map<string, Flight>();
  private counters = zero();
  private generation = 0;
  private readonly clock: Clock;
  readonly maxEntries: number;

  constructor(options: CredentialCacheOptions) {
    this.clock = options.clock;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer (got ${this.maxEntries})`);
  }

  /** The credentials for `key`: a stored entry with enough life left, a call in flight for it, or a new call of `issue`. */
  async get(key: CredentialKey, issue: Issue, options: LookupOptions = {}): Promise<CachedCredentials> {
    options.signal?.throwIfAborted();
    const k = keyOf(key);
    const now = this.clock.now().getTime();
    const entry = this.entries.get(k);
    if (entry) {
      const remaining = entry.credentials.expiration.getTime() - now;
      if (remaining > Math.max(entry.marginMs, options.minRemainingMs ?? 0)) {
        this.counters.hits++;
        this.entries.delete(k);
        this.entries.set(k, entry);
        return { credentials: entry.credentials, source: 'hit' };
      }
      if (remaining <= STALE_FLOOR_MS) this.entries.delete(k);
    }
    this.counters.misses++;
    try {
      const running = this.flights.get(k);
      if (running && !running.controller.signal.aborted) {
        this.counters.shared++;
        return { credentials: await this.wait(running, options.signal), source: 'shared' };
      }
      return { credentials: await this.wait(this.start(k, issue, now), options.signal), source: 'issued' };
    } catch (error) {
      const alive = entry !== undefined && entry.credentials.expiration.getTime() - this.clock.now().getTime() > STALE_FLOOR_MS;
      if (!alive || !(error instanceof DependencyUnavailable) || options.signal?.aborted) throw error;
      this.counters.stale++;
      return { credentials: entry.credentials, source: 'stale' };
    }
  }

  stats(): CacheStats {
    return { ...this.counters, size: this.entries.size, inFlight: this.flights.size };
  }

  /** Forgets every entry and call in flight, and zeroes the counters. */
  reset(): void {
    this.entries.clear();
    this.flights = new Map();
    this.counters = zero();
    this.generation++;
  }

  private start(k: string, issue: Issue, startedAt: number): Flight {
    this.counters.issuerCalls++;
    const generation = this.generation;
    const controller = new AbortController();
    const flight: Flight = { promise: Promise.resolve(undefined as never), controller, waiters: 0, settled: false };
    flight.promise = (async () => {
      try {
        const credentials = await issue(controller.signal);
        if (generation === this.generation) {
          this.store(k, { credentials, marginMs: reuseMarginMs(credentials.expiration.getTime() - startedAt) });
        }
        return credentials;
      } catch (error) {
        if (generation === this.generation) this.counters.failures++;
        throw error;
      } finally {
        flight.settled = true;
        if (this.flights.get(k) === flight) this.flights.delete(k);
      }
    })();
    // A flight every waiter abandoned still settles; nobody may be left to observe its rejection.
    flight.promise.catch(() => undefined);
    this.flights.set(k, flight);
    return flight;
  }

  private wait(flight: Flight, signal: AbortSignal | undefined): Promise<TemporaryCredentials> {
    flight.waiters++;
    if (!signal) return flight.promise;
    return new Promise((resolve, reject) => {
      const leave = () => {
        flight.waiters--;
        if (flight.waiters === 0 && !flight.settled) flight.controller.abort(signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      flight.promise.then(
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

  private store(k: string, entry: Entry): void {
    this.entries.delete(k);
    this.entries.set(k, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.counters.evictions++;
    }
  }
}

/** A cache for one warm Lambda (module scope): bounded, with the injected clock. */
export const createCredentialCache = (options: CredentialCacheOptions): CredentialCache => new CredentialCache(options);
