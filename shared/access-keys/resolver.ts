/**
 * The proxy's view of gateway access keys (`AccessKeyResolver` of `shared/proxy/ports.ts`): the key, with its
 * secret derived from the master key, or undefined when it does not exist, was revoked or has expired.
 *
 * Cache policy:
 * - Positive and negative answers are kept for at most `ttlMs` (30 s by default, never more than a minute):
 *   a revoked key stops resolving within `ttlMs` of its revocation in every warm Lambda, and a key created
 *   after a miss for its id (ids are random: only someone guessing would miss first) resolves within `ttlMs`.
 *   A positive entry also ends when the key expires, to the millisecond.
 * - Ids that are not of our shape (`VGAK` + 16 of A-Z2-7) are answered undefined without a lookup and are not
 *   cached, so JWTs and AWS ids presented as access key ids cost nothing and crowd nothing out.
 * - Bounded: least recently used entries go beyond `maxEntries` (10,000 by default). A flood of well-formed
 *   unknown ids can only evict entries, which costs lookups, never correctness.
 * - Single flight: concurrent lookups of one id share one store read. Store failures (DependencyUnavailable)
 *   are not cached: every waiter gets the error, and the next lookup tries again.
 * - `reset()` forgets entries and calls in flight (their answers are not stored) and zeroes the counters.
 * - A revocation of a volume's sessions noted in this process (`../volumes/revocations.ts`) forgets at once every
 *   key that can reach that volume (limited to it, or to no volume in particular): they are read again. Other
 *   containers learn of it from the volume's `sessionsRevokedAt` (within the volume lookup's 5 s): the proxy then
 *   resolves a key read before it again (`resolve`'s `notBefore`).
 *
 * Secrets: derived once per entry, by the derivation the record names (`secret-derivation.ts`: KMS GenerateMac, or the
 * legacy master key), never per request. Without a KMS client or a master key every lookup answers
 * `AccessKeysDisabled` (503): the deployment offers no keys.
 */
import { LRUCache } from 'lru-cache';
import { onClock, ttlUntil } from '../lru-clock';
import type { AccessKeyResolver, GatewayKey } from '../proxy/ports';
import { onRevocation } from '../volumes/revocations';
import { isAccessKeyId } from './ids';
import type { AccessKeyRecord } from './model';
import type { AccessKeyMac, AccessKeyStore, Clock } from './ports';
import { accessKeysDisabled } from './secret';
import { type SecretSources, secretOf } from './secret-derivation';

export interface AccessKeyResolverOptions {
  store: Pick<AccessKeyStore, 'get'>;
  /** `ACCESS_KEY_MASTER_KEY` (legacy keys); with no `mac` either, every lookup is `AccessKeysDisabled`. */
  masterKey: string | undefined;
  /** KMS GenerateMac, for keys whose record names a `kms-hmac:` derivation. */
  mac?: AccessKeyMac;
  clock: Clock;
  /** How long an answer is reused, 0 to 60,000 ms; 30,000 when absent. 0 caches nothing (single flight only). */
  ttlMs?: number;
  /** 10,000 when absent. */
  maxEntries?: number;
}

export interface ResolverStats {
  /** Answered from a stored entry (positive or negative). */
  hits: number;
  /** Of the hits, those that answered "no such key". */
  negativeHits: number;
  /** Joined a lookup already in flight. */
  shared: number;
  /** Store reads started. */
  lookups: number;
  /** Store reads that failed (not cached). */
  failures: number;
  /** Ids refused for their shape, without a lookup. */
  malformed: number;
  evictions: number;
  size: number;
  inFlight: number;
}

export interface CachingAccessKeyResolver extends AccessKeyResolver {
  stats(): ResolverStats;
  reset(): void;
  /** Forgets the keys that can reach the volume (called on a revocation noted in this process). */
  onRevoked(volumeId: string): void;
}

export const DEFAULT_RESOLVER_TTL_MS = 30_000;
export const MAX_RESOLVER_TTL_MS = 60_000;
export const DEFAULT_RESOLVER_MAX_ENTRIES = 10_000;

/** Boxed: lru-cache keeps no undefined, and "no such key" is an answer worth keeping. */
interface Answer {
  key: GatewayKey | undefined;
  /** False for an answer already as old as it may be (`ttlMs` 0, or the key expired during the read). */
  keep: boolean;
  /** Epoch ms when the store read started: what a volume's revocation (`resolve`'s `notBefore`) is compared with. */
  resolvedAt: number;
}

type Counters = Omit<ResolverStats, 'size'>;
const zero = (): Counters => ({ hits: 0, negativeHits: 0, shared: 0, lookups: 0, failures: 0, malformed: 0, evictions: 0, inFlight: 0 });

/** The record as the proxy needs it, or undefined when it may not be used at `now`. Frozen: entries are shared. */
async function usableKey(record: AccessKeyRecord | undefined, sources: SecretSources, now: number): Promise<GatewayKey | undefined> {
  if (record?.status !== 'active' || !record.owner || !record.salt) return undefined;
  const expiresAt = new Date(record.expiresAt);
  if (!(expiresAt.getTime() > now)) return undefined;
  // A key this deployment cannot derive (legacy, without the master key) is no key.
  const secret = await secretOf(sources, record);
  if (secret === undefined) return undefined;
  const key: GatewayKey = {
    accessKeyId: record.id,
    secretAccessKey: secret,
    subject: record.owner,
    ...(record.volumeIds ? { volumeIds: Object.freeze([...record.volumeIds]) as string[] } : {}),
    ...(record.scopes ? { scopes: Object.freeze(record.scopes.map((scope) => Object.freeze({ ...scope }))) as GatewayKey['scopes'] } : {}),
    expiresAt,
    authMethods: Object.freeze([...record.authMethods]) as string[],
  };
  return Object.freeze(key);
}

export function createAccessKeyResolver(options: AccessKeyResolverOptions): CachingAccessKeyResolver {
  const ttlMs = options.ttlMs ?? DEFAULT_RESOLVER_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_RESOLVER_MAX_ENTRIES;
  if (!Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > MAX_RESOLVER_TTL_MS) {
    throw new RangeError(
      `ttlMs must be a whole number of milliseconds from 0 to ${MAX_RESOLVER_TTL_MS} (revocation must take effect within a minute); ` +
        `got ${ttlMs}`,
    );
  }
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer (got ${maxEntries})`);
  const { store, masterKey, clock } = options;
  const sources: SecretSources = { ...(masterKey ? { masterKey } : {}), ...(options.mac ? { mac: options.mac } : {}) };

  const now = () => clock.now().getTime();
  let counters = zero();
  const entries = new LRUCache<string, Answer, string>({
    max: maxEntries,
    ttl: Math.max(1, ttlMs),
    ...onClock(clock),
    // A reset() while a read is in flight: its waiters get the answer, the cache does not keep it.
    ignoreFetchAbort: true,
    dispose: (_answer, _id, reason) => {
      if (reason === 'evict') counters.evictions++;
    },
    fetchMethod: async (id, _stale, { options: set }) => {
      const c = counters;
      c.lookups++;
      c.inFlight++;
      // The entry's lifetime counts from before the read: an answer is never older than `ttlMs`.
      const startedAt = now();
      try {
        const usable = await usableKey(await store.get(id), sources, now());
        const key = usable && Object.freeze({ ...usable, resolvedAt: new Date(startedAt) });
        const until = Math.min(startedAt + ttlMs, key ? key.expiresAt.getTime() : Infinity);
        const ttl = ttlUntil(until, now());
        set.ttl = ttl ?? 1;
        return { key, keep: ttl !== undefined, resolvedAt: startedAt };
      } catch (error) {
        c.failures++;
        throw error;
      } finally {
        c.inFlight--;
      }
    },
  });

  // Held by the resolver below: the subscription is weak and lives as long as the resolver does.
  const onRevoked = (volumeId: string) => {
    for (const [id, answer] of [...entries.entries()]) {
      const key = answer.key;
      if (key && (!key.volumeIds || key.volumeIds.includes(volumeId))) entries.delete(id);
    }
  };
  onRevocation(onRevoked);

  return {
    onRevoked,
    async resolve(accessKeyId, resolveOptions = {}) {
      if (!masterKey && !options.mac) throw accessKeysDisabled();
      if (!isAccessKeyId(accessKeyId)) {
        counters.malformed++;
        return undefined;
      }
      // Read before a volume's sessions were revoked (another container's revocation, seen on the volume): read again.
      const { notBefore } = resolveOptions;
      const cached = notBefore === undefined ? undefined : entries.peek(accessKeyId);
      if (cached && notBefore !== undefined && cached.resolvedAt < notBefore) entries.delete(accessKeyId);
      const status: LRUCache.Status<string, Answer, string> = {};
      const pending = entries.forceFetch(accessKeyId, { context: '', status });
      if (status.fetch === 'hit') counters.hits++;
      if (status.fetch === 'inflight') counters.shared++;
      const answer = await pending;
      if (status.fetch === 'hit' && !answer.key) counters.negativeHits++;
      if (!answer.keep && entries.peek(accessKeyId) === answer) entries.delete(accessKeyId);
      return answer.key;
    },

    stats: () => ({ ...counters, size: entries.size - counters.inFlight }),

    reset() {
      entries.clear();
      counters = zero();
    },
  };
}
