/** OPTIONS on any path (CORS preflight) as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';

export const specs = defineRoutes({
  handler: {
    summary: 'CORS preflight',
    description: "Answers browsers' preflight requests for every API path from the deployment's allowed origins.",
    auth: 'public',
    params: z.object({ proxy: z.string().check(z.describe('Any path.')) }),
    responses: { 204: { description: 'The CORS headers (`access-control-allow-*`) when the origin is allowed.' } },
    tags: ['service'],
  },
});
