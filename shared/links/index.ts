/**
 * Share links: token-free, revocable downloads of one object (`POST/GET /volumes/{id}/links`,
 * `DELETE /volumes/{id}/links/{linkId}`, `GET`/`HEAD /l/{token}`).
 */
export type { LinkDeps, LinkDownloadDeps } from './deps';
export { LinkGone, type LinkMethod, LinkUnknown, type LinkUse, openLink } from './download';
export { errorPage, prefersHtml } from './html-page';
export { type CreatedLink, type LinkRecord, type LinkView, linkStatus, linkView } from './model';
export { type CreateLinkInput, createLink, listLinks, revokeLink } from './operations';
export type { LinkIds, LinkStore } from './ports';
export { createLinkBody, linksPageQuery } from './schemas';
export { hashToken, isToken, randomLinkIds } from './token';
