/** The share-link routes as declared once. */
import * as z from 'zod/mini';
import { createLinkBody, linksPageQuery } from '../../shared/links/schemas';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errorBody, errors } from '../../shared/openapi/schemas/errors';
import { createdLink, linkPage } from '../../shared/openapi/schemas/links';

const tags = ['links'];
const token = z.object({
  token: z.string().check(z.describe("The link's token: the last segment of the `url` its creation answered.")),
});

const gone = {
  description:
    'The link existed but will not work again: `LinkExpired`, `LinkRevoked`, `LinkExhausted` (used `maxDownloads` times), or ' +
    '`LinkInactive` (its creator can no longer read the volume, or the volume is not active). JSON, or a short HTML page when the ' +
    'client prefers text/html.',
  schema: errorBody,
};
const notFound = { description: '`LinkNotFound`: no such link (or swept a week after it ended).', schema: errorBody };
const use = (method: string) => ({
  summary: `Use a share link (${method})`,
  description:
    'Public: no Authorization. Redirects (302) to a fresh presigned ' +
    `${method} of the object that lives 5 minutes, signed with the creator's read credentials for the volume (Content-Disposition ` +
    `from the link's \`filename\`). ${method === 'GET' ? 'Counts one download, atomically.' : 'Not counted as a download.'} ` +
    'Every use is audited on the volume (link id, outcome, source IP), never the token.',
  auth: 'public' as const,
  params: token,
  responses: {
    302: { description: 'To the presigned URL.', headers: { location: { description: 'The presigned URL (5 minutes).' } } },
    404: notFound,
    410: gone,
    ...errors(503),
  },
  tags,
});

export const specs = defineRoutes({
  create: {
    summary: 'Create a share link',
    description:
      'A URL (`<API base>/l/<token>`) anyone can download one object from, without a token, for `expiresIn` seconds (7 days when ' +
      'omitted, 30 at most), at most `maxDownloads` times. Needs read access. The token is in this answer only (sent with ' +
      '`cache-control: no-store`); only its SHA-256 is stored.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    body: createLinkBody,
    responses: { 201: { description: 'The link and its URL.', schema: createdLink }, ...errors(400, 401, 403, 404, 409, 503) },
    tags,
  },
  list: {
    summary: "List a volume's share links",
    description: 'A member sees the links they made; an admin every link of the volume. Never a URL or token.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    query: linksPageQuery,
    responses: { 200: { description: 'The links, newest first.', schema: linkPage }, ...errors(400, 401, 404, 503) },
    tags,
  },
  revoke: {
    summary: 'Revoke a share link',
    description:
      "Its creator or a volume admin: the link's next use is 410 `LinkRevoked`. Another member is refused (403 `NotLinkCreator`); an " +
      'unknown id is 404 `LinkNotFound`.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam, linkId: z.string().check(z.describe('The link id (`lnk-…`).')) }),
    responses: { 204: { description: 'Revoked.' }, ...errors(401, 403, 404, 503) },
    tags,
  },
  download: use('GET'),
  head: use('HEAD'),
});
