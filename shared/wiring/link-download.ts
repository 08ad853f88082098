/**
 * Wiring for `GET`/`HEAD /l/{token}`, once per cold start: the URL signing wiring (`url-signing.ts`: STS, the
 * credential cache, the URL signer, the audit stream) plus the link store (`links.ts`).
 */
import type { Config } from '../config';
import type { HttpDeps } from '../http/route';
import type { LinkDownloadDeps } from '../links/deps';
import { buildLinkStore } from './links';
import { urlSigningDefaults } from './url-signing';

export interface LinkDownloadHandlerDeps extends HttpDeps {
  download: LinkDownloadDeps;
}

let cached: LinkDownloadHandlerDeps | undefined;

export function linkDownloadDefaults(): LinkDownloadHandlerDeps {
  if (cached) return cached;
  const base = urlSigningDefaults();
  cached = { ...base, download: { ...base.vending, links: buildLinkStore(base.config as Config) } };
  return cached;
}
