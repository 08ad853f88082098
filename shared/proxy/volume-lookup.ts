/**
 * Volumes by name and memberships, as the proxy looks them up on every request, kept a few seconds.
 *
 * An S3 client sends many small requests in a row (Nextflow HEADs every file it stages); without this, each
 * costs two DynamoDB reads before S3 is even asked. Policy:
 * - answers (including "no such volume" and "not a member") are reused for `ttlMs`, 5 s by default: a removed
 *   member, a volume made inactive or a changed access is seen by every warm proxy within that time;
 * - single flight: concurrent lookups of one name or membership share one read; failures are not kept;
 * - bounded: least recently used entries go beyond `maxEntries` (1,000 by default); `reset()` forgets all.
 */
import { LRUCache } from 'lru-cache';
import { onClock, ttlUntil } from '../lru-clock';
import type { Member, Volume } from '../volumes/model';
import type { Clock, VolumeRepository } from '../volumes/ports';

export interface VolumeLookupOptions {
  repo: Pick<VolumeRepository, 'getByName' | 'getMember'>;
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
}

export interface VolumeLookup {
  byName(name: string): Promise<Volume | undefined>;
  member(volumeId: string, subject: string): Promise<Member | undefined>;
  reset(): void;
}

export const DEFAULT_LOOKUP_TTL_MS = 5000;

type Load = () => Promise<Volume | Member | undefined>;
/** Boxed: lru-cache keeps no undefined, and "no such volume" is an answer worth keeping. */
type Answer = { value: Volume | Member | undefined; keep: boolean };

export function createVolumeLookup(options: VolumeLookupOptions): VolumeLookup {
  const { repo, clock } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_LOOKUP_TTL_MS;
  const now = () => clock.now().getTime();
  const entries = new LRUCache<string, Answer, Load>({
    max: options.maxEntries ?? 1000,
    ttl: Math.max(1, ttlMs),
    ...onClock(clock),
    // A reset() while a read is in flight: its waiters get the answer, the cache does not keep it.
    ignoreFetchAbort: true,
    fetchMethod: async (_k, _stale, { options: set, context: load }) => {
      const startedAt = now();
      const value = await load();
      // The entry's life counts from before the read: an answer is never older than `ttlMs`.
      const ttl = ttlUntil(startedAt + ttlMs, now());
      set.ttl = ttl ?? 1;
      return { value, keep: ttl !== undefined };
    },
  });
  const cached = async (k: string, load: Load) => {
    const answer = await entries.forceFetch(k, { context: load });
    // An answer already as old as `ttlMs` (`ttlMs` 0: single flight only) is handed to its waiters, not kept.
    if (!answer.keep && entries.peek(k) === answer) entries.delete(k);
    return answer.value;
  };

  return {
    byName: async (name) => (await cached(`name\n${name}`, () => repo.getByName(name))) as Volume | undefined,
    member: async (volumeId, subject) =>
      (await cached(`member\n${volumeId}\n${subject}`, () => repo.getMember(volumeId, subject))) as Member | undefined,
    reset: () => entries.clear(),
  };
}
