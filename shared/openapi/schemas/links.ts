/** What the share-link routes answer with (shared/links/model.ts). */
import * as z from 'zod/mini';
import { isoDate, page } from './common';

export const linkView = z
  .object({
    id: z.string().check(z.describe('The link id (`lnk-…`): names the link for DELETE; not a secret, and not the URL.')),
    volumeId: z.string(),
    key: z.string().check(z.describe("The object's key relative to the volume's root.")),
    filename: z.optional(z.string()),
    expiresAt: isoDate('When the link stops working'),
    maxDownloads: z.nullable(z.number()).check(z.describe('Downloads allowed; `null` = unlimited.')),
    downloads: z.number().check(z.describe('Downloads so far (GETs redirected; HEADs are not counted).')),
    createdBy: z.string().check(z.describe("The creator's subject: the link acts as them.")),
    createdAt: isoDate('Creation time'),
    status: z.enum(['active', 'expired', 'revoked', 'exhausted']),
    revokedAt: z.optional(isoDate('When it was revoked')),
  })
  .check(z.describe('A share link (never its URL: the token is shown once, at creation).'));

export const createdLink = z
  .extend(linkView, {
    url: z.string().check(z.describe('`<API base>/l/<token>`: anyone holding it can download. Shown this once; never again.')),
  })
  .check(z.describe('A new share link with its URL.'));

export const linkPage = page(linkView, "the volume's links (a member's own; every one for an admin), newest first");
