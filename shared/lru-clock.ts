/**
 * lru-cache on an injected clock, for the caches whose entries end at an instant (a credential's Expiration,
 * `ttlMs` counted from before a read). Two quirks of lru-cache are kept here, once: it takes a start time of 0
 * for "no expiry" (a test clock may start at 0), and a ttl of 0 for "forever".
 */
import type { Clock } from './volumes/ports';

/** Options that make lru-cache read `clock` on every staleness check. */
export const onClock = (clock: Clock) => ({ ttlResolution: 0, perf: { now: () => clock.now().getTime() + 1 } });

/**
 * The ttl of an entry set at `now` that may be served strictly before `until` (lru-cache serves while its age is
 * at most the ttl), or undefined when there is none left: such an answer goes to its waiters and is not kept.
 */
export function ttlUntil(until: number, now: number): number | undefined {
  const ttl = until - now - 1;
  return ttl >= 1 ? ttl : undefined;
}
