/**
 * `GET`/`HEAD /l/{token}`: what a share link's use answers. No token of the caller's: the link acts as its creator.
 *
 * In order: the token's hash is looked up (one consistent DynamoDB read; a malformed token reads nothing) →
 * `LinkNotFound` 404; revoked → `LinkRevoked` 410; expired → `LinkExpired` 410; used up → `LinkExhausted` 410; the
 * volume gone or not active, or the creator no longer a member who may read it → `LinkInactive` 410. Then the
 * creator's read credentials for the volume (the credential cache presign uses), the download is counted
 * atomically (a GET only: a HEAD, which probes and downloads nothing, is never counted), and the answer is a fresh
 * presigned URL of the same method that lives five minutes, with the link's file name as Content-Disposition.
 *
 * Every use of a known link is audited on its volume's trail (`link.download`: link id, method, outcome, reason,
 * source IP); an unknown token has no volume, and is only logged. Never the token, anywhere.
 */
import { AppError } from '../errors';
import { attachmentDisposition } from '../vending/content-disposition';
import { objectKey } from '../vending/keys';
import { dataCredentials, type SignParams, signUrls } from '../vending/presign';
import { requireDataAccess } from '../vending/rules';
import { hotReads, type Visible } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import { record } from '../volumes/guard';
import type { LinkDownloadDeps } from './deps';
import { type LinkRecord, linkStatus, REDIRECT_SECONDS } from './model';
import { hashToken, isToken } from './token';

export type LinkMethod = 'GET' | 'HEAD';

export interface LinkUse {
  method: LinkMethod;
  sourceIp?: string;
  requestId: string;
  signal?: AbortSignal;
}

/** 410: the link existed, and will not work again. */
export class LinkGone extends AppError {
  constructor(code: 'LinkExpired' | 'LinkRevoked' | 'LinkExhausted' | 'LinkInactive', message: string) {
    super(410, code, message, 'AccessDenied');
  }
}

export class LinkUnknown extends AppError {
  constructor() {
    super(
      404,
      'LinkNotFound',
      'There is no such link: check that it was copied whole. Links are removed a week after they end.',
      'NoSuchKey',
    );
  }
}

const GONE = {
  revoked: () => new LinkGone('LinkRevoked', 'This link was revoked by its creator or a volume admin.'),
  expired: () => new LinkGone('LinkExpired', 'This link has expired: ask whoever shared it for a new one.'),
  exhausted: () =>
    new LinkGone('LinkExhausted', 'This link has been used as many times as it allows: ask whoever shared it for a new one.'),
  inactive: () =>
    new LinkGone(
      'LinkInactive',
      'This link no longer works: its volume is not active, or whoever shared it may no longer read it. Ask them for a new one.',
    ),
};

/** The link's creator, as the caller of the volume's rules and of STS: no token (links refuse web-identity volumes). */
const creatorOf = (link: LinkRecord, use: LinkUse): Caller => ({
  subject: link.createdBy,
  token: '',
  authMethods: link.authMethods,
  requestId: use.requestId,
  ...(use.signal ? { signal: use.signal } : {}),
});

/** The volume as the creator sees it, if they may still read it; else `LinkInactive`. */
async function creatorVolume(deps: LinkDownloadDeps, link: LinkRecord, creator: Caller): Promise<Visible> {
  const reads = hotReads(deps);
  const [volume, member] = await Promise.all([reads.get(link.volumeId), reads.getMember(link.volumeId, link.createdBy)]);
  if (!volume || !member || volume.auth.type === 'web-identity') throw GONE.inactive();
  const visible = { volume, member };
  try {
    requireDataAccess(creator, visible, 'read');
  } catch (error) {
    if (error instanceof AppError) throw GONE.inactive();
    throw error;
  }
  return visible;
}

/** Why a count was refused, from the link as it is now. */
async function refusalAfterRace(deps: LinkDownloadDeps, tokenHash: string): Promise<AppError> {
  const now = await deps.links.byTokenHash(tokenHash);
  if (!now) return new LinkUnknown();
  const status = linkStatus(now, deps.clock.now());
  return status === 'active' ? GONE.exhausted() : GONE[status]();
}

async function answer(deps: LinkDownloadDeps, link: LinkRecord, use: LinkUse): Promise<string> {
  const status = linkStatus(link, deps.clock.now());
  if (status !== 'active') throw GONE[status]();
  const creator = creatorOf(link, use);
  const visible = await creatorVolume(deps, link, creator);
  const key = objectKey(visible.volume, link.key);
  const { credentials } = await dataCredentials(deps, creator, visible, 'read', REDIRECT_SECONDS);
  if (use.method === 'GET' && (await deps.links.countDownload(link.tokenHash, deps.clock.now())) === 'refused') {
    throw await refusalAfterRace(deps, link.tokenHash);
  }
  const params: SignParams = {
    method: use.method,
    expiresIn: REDIRECT_SECONDS,
    // S3 applies response-content-disposition to GETs; a HEAD URL carrying it is refused by the signer (a 500 before).
    ...(link.filename !== undefined && use.method === 'GET' ? { responseContentDisposition: attachmentDisposition(link.filename) } : {}),
  };
  const signed = await signUrls(deps, visible, credentials, params, [{ key }]);
  return signed.urls[0]!;
}

/**
 * The presigned URL a use of the link redirects to, or the refusal (see the module's comment). Audited for a
 * known link; `log` gets one line for an unknown token (its hash's first characters, never the token).
 */
export async function openLink(
  deps: LinkDownloadDeps,
  token: string,
  use: LinkUse,
  log?: { info(message: string, fields?: Record<string, unknown>): void },
): Promise<string> {
  const tokenHash = isToken(token) ? hashToken(token) : undefined;
  const link = tokenHash ? await deps.links.byTokenHash(tokenHash) : undefined;
  if (!link) {
    log?.info('link refused', { code: 'LinkNotFound', method: use.method, sourceIp: use.sourceIp });
    throw new LinkUnknown();
  }
  const creator = creatorOf(link, use);
  const detail = { linkId: link.id, method: use.method, key: link.key, ...(use.sourceIp ? { sourceIp: use.sourceIp } : {}) };
  try {
    const url = await answer(deps, link, use);
    await record(deps, creator, link.volumeId, 'link.download', 'allowed', detail);
    return url;
  } catch (error) {
    if (error instanceof AppError) {
      await record(deps, creator, link.volumeId, 'link.download', error.status === 410 ? 'denied' : 'failed', {
        ...detail,
        reason: error.code,
      });
    }
    throw error;
  }
}
