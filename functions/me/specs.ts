/** GET /me as declared once. */
import { defineRoutes } from '../../shared/openapi/route-doc';
import { errors } from '../../shared/openapi/schemas/errors';
import { me } from '../../shared/openapi/schemas/misc';

export const specs = defineRoutes({
  handler: {
    summary: 'Who am I',
    auth: 'jwt',
    responses: { 200: { description: 'The caller as the token says.', schema: me }, ...errors(401) },
    tags: ['identity'],
  },
});
