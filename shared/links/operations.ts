/**
 * The link routes' domain functions: create (read access needed; the URL is shown once), list (members see
 * theirs, admins all; never a token) and revoke (the link's creator or an admin).
 *
 * Create and revoke are audited on the volume's trail (`link.create`, `link.revoke`, with the link id); a
 * refused creation is audited like any data route's (`shared/vending/rules.ts`).
 */
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../errors';
import { filenameProblem } from '../vending/content-disposition';
import { objectKey } from '../vending/keys';
import { audited, requireDataAccess } from '../vending/rules';
import { isAdmin, loadVisible } from '../volumes/access';
import { deny, record } from '../volumes/guard';
import type { Page } from '../volumes/model';
import { pageRequest } from '../volumes/paging';
import type { Caller, LinkDeps } from './deps';
import {
  type CreatedLink,
  DEFAULT_LINK_SECONDS,
  type LinkRecord,
  type LinkView,
  linkView,
  MAX_DOWNLOADS,
  MAX_LINK_SECONDS,
  MIN_LINK_SECONDS,
} from './model';
import { hashToken, isLinkId } from './token';

export interface CreateLinkInput {
  key: string;
  /** Seconds the link lives: 60 to 2,592,000 (30 days); seven days when omitted. */
  expiresIn?: number;
  /** Downloads allowed; unlimited when omitted. */
  maxDownloads?: number;
  filename?: string;
}

type PageInput = { limit?: number; nextToken?: string };

export const linkNotFound = (id: string) =>
  new NotFound(`This volume has no link "${String(id).slice(0, 64)}" of yours (it may have been swept after it expired).`, 'LinkNotFound');

export function checkLinkSeconds(value: unknown): number {
  if (value === undefined) return DEFAULT_LINK_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_LINK_SECONDS || value > MAX_LINK_SECONDS) {
    throw new ValidationFailed(
      `expiresIn: must be a whole number of seconds from ${MIN_LINK_SECONDS} to ${MAX_LINK_SECONDS} (30 days).`,
      'expiresIn',
    );
  }
  return value;
}

export function checkMaxDownloads(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DOWNLOADS) {
    throw new ValidationFailed(
      `maxDownloads: must be a whole number from 1 to ${MAX_DOWNLOADS}, or omitted for unlimited.`,
      'maxDownloads',
    );
  }
  return value;
}

function checkFilename(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const problem = typeof value === 'string' ? filenameProblem(value) : 'must be a string.';
  if (problem) throw new ValidationFailed(`filename: ${problem}`, 'filename');
  return value as string;
}

/**
 * A new link to one object, acting as the caller. Errors: `VolumeNotFound` 404, `VolumeNotActive` 409,
 * `MfaRequired` 403, `InvalidKey` 400, `ValidationFailed` 400 (expiresIn, maxDownloads, filename),
 * `LinksNeedGatewayCredentials` 409 (a web-identity volume: only its members' own tokens reach it).
 * `baseUrl` is the API's public base URL; the answer's `url` is `<baseUrl>/l/<token>`.
 */
export async function createLink(
  deps: LinkDeps,
  caller: Caller,
  volumeId: string,
  input: CreateLinkInput,
  baseUrl: string,
): Promise<CreatedLink> {
  const expiresIn = checkLinkSeconds(input.expiresIn);
  const maxDownloads = checkMaxDownloads(input.maxDownloads);
  const filename = checkFilename(input.filename);
  const now = deps.clock.now();
  return audited(
    deps,
    caller,
    volumeId,
    'link.create',
    { key: typeof input.key === 'string' ? input.key.slice(0, 1100) : undefined, expiresIn, maxDownloads: maxDownloads ?? null },
    async (visible) => {
      requireDataAccess(caller, visible, 'read');
      objectKey(visible.volume, input.key);
      if (visible.volume.auth.type === 'web-identity') {
        throw new Conflict(
          "This volume is reached with each member's own token (web-identity), which a link cannot carry: share a presigned URL " +
            '(POST /volumes/{id}/presign) instead.',
          'LinksNeedGatewayCredentials',
        );
      }
      const token = deps.linkIds.token();
      const link: LinkRecord = {
        id: deps.linkIds.linkId(now),
        tokenHash: hashToken(token),
        volumeId: visible.volume.id,
        key: input.key,
        ...(filename !== undefined ? { filename } : {}),
        createdBy: caller.subject,
        authMethods: [...caller.authMethods],
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
        ...(maxDownloads !== undefined ? { maxDownloads } : {}),
        downloads: 0,
      };
      if (!isLinkId(link.id)) throw new Error(`the id source made a link id of the wrong shape: ${JSON.stringify(link.id)}`);
      await deps.links.put(link);
      return {
        value: { ...linkView(link, now), url: `${baseUrl.replace(/\/+$/, '')}/l/${token}` },
        detail: { linkId: link.id, expiresAt: link.expiresAt },
      };
    },
    'succeeded',
  );
}

/** The volume's links: a member's own, every one for an admin; newest first, never a token. */
export async function listLinks(deps: LinkDeps, caller: Caller, volumeId: string, page?: PageInput): Promise<Page<LinkView>> {
  const request = pageRequest(page);
  const visible = await loadVisible(deps.repo, volumeId, caller.subject);
  const result = await deps.links.list(visible.volume.id, isAdmin(visible.member) ? undefined : caller.subject, request);
  const now = deps.clock.now();
  return { items: result.items.map((link) => linkView(link, now)), ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}

/**
 * Revokes a link at once: its next use is 410 `LinkRevoked`. Its creator or a volume admin may; another member
 * gets `NotLinkCreator` (403, audited). An unknown id is `LinkNotFound` (404). Revoking twice is fine (204).
 */
export async function revokeLink(deps: LinkDeps, caller: Caller, volumeId: string, linkId: string): Promise<void> {
  const visible = await loadVisible(deps.repo, volumeId, caller.subject);
  const link = isLinkId(linkId) ? await deps.links.byId(visible.volume.id, linkId) : undefined;
  if (!link) throw linkNotFound(linkId);
  if (link.createdBy !== caller.subject && !isAdmin(visible.member)) {
    await deny(
      deps,
      caller,
      visible,
      'link.revoke',
      new Forbidden("Only the link's creator or a volume admin may revoke it.", 'NotLinkCreator'),
    );
  }
  if (link.revokedAt) return;
  const revoked = await deps.links.revoke(link.tokenHash, deps.clock.now().toISOString(), caller.subject);
  if (!revoked) throw linkNotFound(linkId);
  await record(deps, caller, visible.volume.id, 'link.revoke', 'succeeded', { linkId, createdBy: link.createdBy });
}
