/** GET /openapi.json as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';

export const specs = defineRoutes({
  handler: {
    summary: "This API's OpenAPI 3.1 description",
    auth: 'public',
    responses: {
      200: {
        description: 'The OpenAPI document, generated from the routes of serverless.yml and the schemas the handlers validate with.',
        schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
      },
    },
    tags: ['service'],
  },
});
