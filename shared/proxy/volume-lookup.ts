/**
 * The proxy's volume and membership lookups: the hot paths' one cache, `shared/volumes/volume-lookup.ts`
 * (5 s of staleness, single flight, bounded; a write through this container is seen at once).
 */

export type { VolumeLookup, VolumeLookupOptions } from '../volumes/volume-lookup';
export { createVolumeLookup, VOLUME_STALENESS_MS as DEFAULT_LOOKUP_TTL_MS } from '../volumes/volume-lookup';
