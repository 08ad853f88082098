/** GET /health as declared once. */
import { defineRoutes } from '../../shared/openapi/route-doc';
import { health } from '../../shared/openapi/schemas/misc';

export const specs = defineRoutes({
  handler: { summary: 'Liveness check', auth: 'public', responses: { 200: { description: 'Up.', schema: health } }, tags: ['service'] },
});
