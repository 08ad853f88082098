/**
 * Volumes and memberships as the hot paths read them (the proxy on every request; vending, presigning and
 * uploads on every call), kept a few seconds per warm container. One rule for all of them:
 * - answers (including "no such volume" and "not a member") are reused for `ttlMs`, {@link VOLUME_STALENESS_MS}
 *   (5 s) by default, counted from before the read: a member removed, a volume archived, made read-only or
 *   otherwise changed through ANOTHER container is seen by every warm one within that time;
 * - a write through THIS container's repository (wrapped by {@link invalidating}) forgets what it changed at once:
 *   the volume (by id and by name, its memberships too), or the one membership;
 * - single flight: concurrent lookups of one key share one read; failures are not kept (a DynamoDB outage is
 *   never cached: the next lookup reads again);
 * - bounded: least recently used entries go beyond `maxEntries` (1,000 by default); `reset()` forgets all;
 * - revoked: a revocation of the volume's sessions noted in this process (`revocations.ts`) forgets the volume and its
 *   memberships at once; other containers see the record's `sessionsRevokedAt` within `ttlMs`, as any change.
 * Admin routes (updates, membership changes) read the repository itself, never this cache.
 */
import { LRUCache } from 'lru-cache';
import { onClock, ttlUntil } from '../lru-clock';
import type { Member, Volume } from './model';
import type { Clock, VolumeRepository } from './ports';
import { onRevocation } from './revocations';

/** How stale a hot path's view of a volume or a membership may be: the one rule of this module. */
export const VOLUME_STALENESS_MS = 5000;

export interface VolumeLookupOptions {
  repo: Partial<Pick<VolumeRepository, 'get' | 'getByName' | 'getMember'>>;
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
}

export interface VolumeLookup {
  byId(id: string): Promise<Volume | undefined>;
  byName(name: string): Promise<Volume | undefined>;
  member(volumeId: string, subject: string): Promise<Member | undefined>;
  /** Forgets the volume (by id, by the names given and any name it was seen under) and all its memberships. */
  forgetVolume(id: string, ...names: string[]): void;
  forgetMember(volumeId: string, subject: string): void;
  reset(): void;
}

type Load = () => Promise<Volume | Member | undefined>;
/** Boxed: lru-cache keeps no undefined, and "no such volume" is an answer worth keeping. */
type Answer = { value: Volume | Member | undefined; keep: boolean };

const idKey = (id: string) => `id\n${id}`;
const nameKey = (name: string) => `name\n${name}`;
const memberKey = (volumeId: string, subject: string) => `member\n${volumeId}\n${subject}`;

export function createVolumeLookup(options: VolumeLookupOptions): VolumeLookup {
  const { repo, clock } = options;
  const ttlMs = options.ttlMs ?? VOLUME_STALENESS_MS;
  const now = () => clock.now().getTime();
  const entries = new LRUCache<string, Answer, Load>({
    max: options.maxEntries ?? 1000,
    ttl: Math.max(1, ttlMs),
    ...onClock(clock),
    // A reset() or a forget while a read is in flight: its waiters get the answer, the cache does not keep it.
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
  const missing = (method: string) => () => Promise.reject(new TypeError(`the lookup's repository has no ${method}`));

  const lookup: VolumeLookup & { onRevoked: (id: string) => void } = {
    byId: async (id) => (await cached(idKey(id), repo.get ? () => repo.get!(id) : missing('get'))) as Volume | undefined,
    byName: async (name) =>
      (await cached(nameKey(name), repo.getByName ? () => repo.getByName!(name) : missing('getByName'))) as Volume | undefined,
    member: async (volumeId, subject) =>
      (await cached(memberKey(volumeId, subject), repo.getMember ? () => repo.getMember!(volumeId, subject) : missing('getMember'))) as
        | Member
        | undefined,
    forgetVolume(id, ...names) {
      const members = `member\n${id}\n`;
      for (const k of [...entries.keys()]) {
        const value = entries.peek(k, { allowStale: true })?.value;
        if (k.startsWith(members) || (k.startsWith('name\n') && value && 'name' in value && value.id === id)) entries.delete(k);
      }
      entries.delete(idKey(id));
      for (const name of names) entries.delete(nameKey(name));
    },
    forgetMember: (volumeId, subject) => void entries.delete(memberKey(volumeId, subject)),
    reset: () => entries.clear(),
    // Held by the lookup itself: the subscription is weak, and lives as long as the lookup does.
    onRevoked: (id) => lookup.forgetVolume(id),
  };
  onRevocation(lookup.onRevoked);
  return lookup;
}

/**
 * `repo` whose writes make `lookup` forget what they changed, once they are done (a lookup in flight during the
 * write is not kept either): a change through this container is seen by its hot paths at once.
 */
export function invalidating(repo: VolumeRepository, lookup: VolumeLookup): VolumeRepository {
  const after = async <T>(write: Promise<T>, forget: () => void): Promise<T> => {
    try {
      return await write;
    } finally {
      // Also after a failed write: it may have been applied (a timeout after DynamoDB took it).
      forget();
    }
  };
  return {
    get: (id) => repo.get(id),
    getByName: (name) => repo.getByName(name),
    getMember: (volumeId, subject) => repo.getMember(volumeId, subject),
    getIdempotency: (subject, key) => repo.getIdempotency(subject, key),
    listForSubject: (subject, page) => repo.listForSubject(subject, page),
    listMembers: (volumeId, page) => repo.listMembers(volumeId, page),
    create: (volume, owner, also) => after(repo.create(volume, owner, also), () => lookup.forgetVolume(volume.id, volume.name)),
    update: (volume, expectedVersion, also) =>
      after(repo.update(volume, expectedVersion, also), () => lookup.forgetVolume(volume.id, volume.name)),
    delete: (id, also) => after(repo.delete(id, also), () => lookup.forgetVolume(id)),
    putMember: (member, also) => after(repo.putMember(member, also), () => lookup.forgetMember(member.volumeId, member.subject)),
    deleteMember: (volumeId, subject, also) =>
      after(repo.deleteMember(volumeId, subject, also), () => lookup.forgetMember(volumeId, subject)),
  };
}
