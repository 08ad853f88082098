/**
 * This API's document: serverless.yml's routes plus every handler's spec. The routes come from
 * routes.generated.ts, written from serverless.yml at build time (`npm run build:openapi`, kept equal by
 * test/functions/openapi/routes-generated.test.ts), so the function reads no file and parses no YAML at cold start.
 */
import { buildDocument, type DocumentOptions } from '../../shared/openapi/document';
import { routeSpecs } from './registry';
import { declaredRoutes, service } from './routes.generated';

export const API_VERSION = '0.1.0';

export function apiDocument(options: Partial<DocumentOptions> = {}) {
  return buildDocument(declaredRoutes, routeSpecs, {
    title: service,
    version: API_VERSION,
    description:
      'Scoped, short-lived access to S3 buckets: volumes, members, credential vending, presigned URLs and gateway access keys. The S3 ' +
      'proxy itself speaks S3 behind a function URL and is not part of this API.',
    ...options,
  });
}
