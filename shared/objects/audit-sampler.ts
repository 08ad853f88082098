/**
 * Which reads reach the audit trail: the first of each kind per volume and subject in a window (5 minutes), as the
 * proxy samples its reads (`shared/proxy/audit.ts`), so a browser paging through a large folder does not write an
 * event per page. The memory is per warm process, bounded, and forgets windows that ended.
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
