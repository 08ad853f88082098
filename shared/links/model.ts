/**
 * Share links: a token-free URL (`<API base>/l/<token>`) that downloads one object of a volume until it expires,
 * is used up or is revoked. What is stored per link, and what callers see of it.
 *
 * The token is shown once, in the creation's answer (`url`); the store keeps only its SHA-256 (`tokenHash`), which
 * is also the item's key: using a link is one read by that hash. A link acts as its creator: each use signs with
 * the creator's read credentials for the volume, so a creator who is no longer a reader (or a volume no longer
 * active) ends every link they made (`LinkInactive`).
 */

export const DAY_SECONDS = 24 * 3600;
/** `expiresIn` when omitted: seven days. */
export const DEFAULT_LINK_SECONDS = 7 * DAY_SECONDS;
/** The shortest link: a minute (tests and demos; a link for people is hours or days). */
export const MIN_LINK_SECONDS = 60;
export const MAX_LINK_SECONDS = 30 * DAY_SECONDS;
/** How long an expired or revoked link is kept (and answered 410) before DynamoDB's TTL removes it (then 404). */
export const LINK_GRACE_SECONDS = 7 * DAY_SECONDS;
/** What the redirect's presigned GET lives: five minutes, enough to start a download (S3 checks it at the start only). */
export const REDIRECT_SECONDS = 300;
export const MAX_DOWNLOADS = 1_000_000;

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

/** One link as the store holds it. Nothing here yields the token. */
export interface LinkRecord {
  /** `lnk-` + 26 characters: a time-ordered id (newest sorts last), not a secret. */
  id: string;
  /** SHA-256 of the token, base64url: the item's key. */
  tokenHash: string;
  volumeId: string;
  /** The object's key relative to the volume's root, as given. */
  key: string;
  /** Downloads as this file name (Content-Disposition: attachment). */
  filename?: string;
  createdBy: string;
  /** The creating token's `amr`, so a `requireMfa` volume's links keep honouring it. */
  authMethods: string[];
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  expiresAt: string;
  /** Absent = unlimited. */
  maxDownloads?: number;
  downloads: number;
  revokedAt?: string;
  revokedBy?: string;
}

/** What `GET /volumes/{id}/links` shows of a link: never its token. */
export interface LinkView {
  id: string;
  volumeId: string;
  key: string;
  filename?: string;
  expiresAt: string;
  /** `null` = unlimited. */
  maxDownloads: number | null;
  downloads: number;
  createdBy: string;
  createdAt: string;
  status: LinkStatus;
  revokedAt?: string;
}

/** What `POST /volumes/{id}/links` answers, once: the only time the URL (its token) is shown. */
export interface CreatedLink extends LinkView {
  url: string;
}

export function linkStatus(link: LinkRecord, now: Date): LinkStatus {
  if (link.revokedAt) return 'revoked';
  if (now.getTime() >= Date.parse(link.expiresAt)) return 'expired';
  if (link.maxDownloads !== undefined && link.downloads >= link.maxDownloads) return 'exhausted';
  return 'active';
}

export function linkView(link: LinkRecord, now: Date): LinkView {
  return {
    id: link.id,
    volumeId: link.volumeId,
    key: link.key,
    ...(link.filename !== undefined ? { filename: link.filename } : {}),
    expiresAt: link.expiresAt,
    maxDownloads: link.maxDownloads ?? null,
    downloads: link.downloads,
    createdBy: link.createdBy,
    createdAt: link.createdAt,
    status: linkStatus(link, now),
    ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
  };
}
