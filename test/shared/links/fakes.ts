/** An in-memory link store with the DynamoDB adapter's semantics (one item per token hash; atomic, conditional counts). */
import type { LinkRecord } from '../../../shared/links/model';
import type { LinkStore } from '../../../shared/links/ports';

export class FakeLinkStore implements LinkStore {
  readonly items = new Map<string, LinkRecord>();
  reads = 0;
  /** Called inside `countDownload` before its condition is checked: a test changes the link there (a race). */
  beforeCount?: (link: LinkRecord) => void;

  async put(link: LinkRecord) {
    if (this.items.has(link.tokenHash)) throw new Error('taken');
    this.items.set(link.tokenHash, { ...link });
  }
  async byTokenHash(tokenHash: string) {
    this.reads += 1;
    const link = this.items.get(tokenHash);
    return link ? { ...link } : undefined;
  }
  async byId(volumeId: string, linkId: string) {
    const link = [...this.items.values()].find((l) => l.volumeId === volumeId && l.id === linkId);
    return link ? { ...link } : undefined;
  }
  async list(volumeId: string, createdBy: string | undefined) {
    const items = [...this.items.values()]
      .filter((l) => l.volumeId === volumeId && (createdBy === undefined || l.createdBy === createdBy))
      .sort((a, b) => b.id.localeCompare(a.id));
    return { items };
  }
  async revoke(tokenHash: string, at: string, by: string) {
    const link = this.items.get(tokenHash);
    if (!link) return undefined;
    link.revokedAt ??= at;
    link.revokedBy ??= by;
    return { ...link };
  }
  async countDownload(tokenHash: string, now: Date) {
    const link = this.items.get(tokenHash);
    if (link) this.beforeCount?.(link);
    if (!link || link.revokedAt || Date.parse(link.expiresAt) <= now.getTime()) return 'refused' as const;
    if (link.maxDownloads !== undefined && link.downloads >= link.maxDownloads) return 'refused' as const;
    link.downloads += 1;
    return 'counted' as const;
  }
}
