/** The audit route as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { auditPage } from '../../shared/openapi/schemas/volumes';
import { pageQuery } from '../../shared/volumes/schemas';

export const specs = defineRoutes({
  handler: {
    summary: "A volume's audit trail",
    description: 'Every attempt on the volume, newest first (admins only).',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    query: pageQuery,
    responses: { 200: { description: 'Audit events, newest first.', schema: auditPage }, ...errors(400, 401, 403, 404) },
    tags: ['volumes'],
  },
});
