/**
 * When a volume's sessions were revoked (`POST /volumes/{id}/revoke-sessions`), as every cache of the hot paths
 * checks it. Two sources, the later wins:
 * - the volume record's `sessionsRevokedAt`, which every warm container sees within the volume lookup's staleness
 *   (`VOLUME_STALENESS_MS`, 5 s): the credential caches then never serve a session issued before it;
 * - this process's notice ({@link noteRevocation}), given by the revoke route at once: the credential caches compare
 *   against it, and the caches that subscribed ({@link onRevocation}: the volume lookups, the access-key resolvers)
 *   forget what they hold for the volume, so nothing cached for it is served in this process from that moment.
 */
import type { Volume } from './model';

const noticed = new Map<string, number>();
/** Weakly held: a cache that is gone (a test's, a replaced wiring's) is not kept alive by its subscription. */
const listeners = new Set<WeakRef<(volumeId: string) => void>>();

/** Tells this process's caches that the volume's sessions were revoked at `at`. */
export function noteRevocation(volumeId: string, at: Date): void {
  noticed.set(volumeId, Math.max(noticed.get(volumeId) ?? 0, at.getTime()));
  for (const ref of [...listeners]) {
    const listener = ref.deref();
    if (listener) listener(volumeId);
    else listeners.delete(ref);
  }
}

/**
 * Calls `listener` with the volume's id on each revocation noted in this process. The listener is held weakly: its
 * owner must keep a reference to it (as a field) for as long as it should be called.
 */
export function onRevocation(listener: (volumeId: string) => void): void {
  listeners.add(new WeakRef(listener));
}

/** Epoch ms of the volume's latest revocation (its record's or this process's), or undefined when it has none. */
export function sessionsRevokedAt(volume: Pick<Volume, 'id'> & { sessionsRevokedAt?: string | undefined }): number | undefined {
  // On every proxied request and vend: no allocation, one Map lookup at most.
  const local = noticed.size === 0 ? undefined : noticed.get(volume.id);
  const parsed = volume.sessionsRevokedAt === undefined ? Number.NaN : Date.parse(volume.sessionsRevokedAt);
  const recorded = Number.isFinite(parsed) ? parsed : undefined;
  if (local === undefined) return recorded;
  return recorded === undefined ? local : Math.max(local, recorded);
}
