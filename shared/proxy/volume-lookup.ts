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

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

export const DEFAULT_LOOKUP_TTL_MS = 5000;

export function createVolumeLookup(options: VolumeLookupOptions): VolumeLookup {
  const ttlMs = options.ttlMs ?? DEFAULT_LOOKUP_TTL_MS;
  const maxEntries = options.maxEntries ?? 1000;
  let entries = new Map<string, Entry<unknown>>();

  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = options.clock.now().getTime();
    const entry = entries.get(key) as Entry<T> | undefined;
    entries.delete(key);
    if (entry && entry.expiresAt > now) {
      entries.set(key, entry);
      return entry.value;
    }
    const map = entries;
    const value = load();
    const fresh: Entry<T> = { value, expiresAt: now + ttlMs };
    map.set(key, fresh);
    value.catch(() => {
      if (map.get(key) === fresh) map.delete(key);
    });
    while (map.size > maxEntries) map.delete(map.keys().next().value as string);
    return value;
  }

  return {
    byName: (name) => cached(`name\n${name}`, () => options.repo.getByName(name)),
    member: (volumeId, subject) => cached(`member\n${volumeId}\n${subject}`, () => options.repo.getMember(volumeId, subject)),
    reset: () => {
      entries = new Map();
    },
  };
}
