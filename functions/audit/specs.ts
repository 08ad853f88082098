/** The audit route as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { auditPage } from '../../shared/openapi/schemas/volumes';
import { AUDIT_READ_BUDGET } from '../../shared/volumes/audit-filter';
import { auditQuery } from '../../shared/volumes/schemas';

export const specs = defineRoutes({
  handler: {
    summary: "A volume's audit trail",
    description:
      'Every attempt on the volume, newest first (admins only); narrowed, when asked, to one `subject`, one `action` (exact, or a ' +
      'prefix when it ends in `*`, e.g. `link.*`) and a time window (`since` inclusive, `until` exclusive). A filtered page is read ' +
      `server-side, examining at most ${AUDIT_READ_BUDGET} events per request: it may hold fewer than \`limit\` events (even none) ` +
      'and a `nextToken` that reads on from where it stopped. A `nextToken` is only good with the filters it was given with; any other ' +
      'is 400 `InvalidNextToken`.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    query: auditQuery,
    responses: { 200: { description: 'Audit events, newest first.', schema: auditPage }, ...errors(400, 401, 403, 404) },
    tags: ['volumes'],
  },
});
