/**
 * Which reads reach a volume's audit trail: the first of each kind (the caller's key: volume, subject, operation) in
 * a window (5 minutes), so a client reading or paging through many objects does not write an event per request. The
 * proxy's reads (`shared/proxy/audit.ts`) and the object listing (`shared/objects/listing.ts`) are sampled so. The
 * memory is per warm process, bounded (the oldest keys go first), and forgets windows that ended.
 */
export interface AuditSampler {
  /** True for the first `key` in the current window (and remembers it). */
  firstInWindow(key: string, now: Date): boolean;
  readonly windowSeconds: number;
}

export function createAuditSampler(options: { windowMs?: number; maxEntries?: number } = {}): AuditSampler {
  const windowMs = options.windowMs ?? 300_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const seen = new Map<string, number>();
  return {
    windowSeconds: windowMs / 1000,
    firstInWindow(key, now) {
      const window = Math.floor(now.getTime() / windowMs);
      if (seen.get(key) === window) return false;
      seen.delete(key);
      seen.set(key, window);
      while (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
      return true;
    },
  };
}
