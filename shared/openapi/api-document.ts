/**
 * This API's document: serverless.yml's routes plus every handler's spec. serverless.yml is read where it is at
 * run time: the repository root locally, and the package root in the Lambda, where the openapi function's
 * `package.patterns` puts it (serverless-esbuild copies it beside the bundles). Both are two levels above
 * `functions/openapi/handler.*`, so the handler passes that path and nothing depends on the working directory.
 */
import { loadServerlessModel } from '../../local/serverless-model';
import { buildDocument, type DocumentOptions } from './document';
import { routeSpecs } from './registry';
import { declaredRoutes } from './routes';

export const API_VERSION = '0.1.0';

export function apiDocument(serverlessYml: string, options: Partial<DocumentOptions> = {}) {
  const model = loadServerlessModel(serverlessYml);
  return buildDocument(declaredRoutes(model.functions), routeSpecs, {
    title: model.service,
    version: API_VERSION,
    description: 'Scoped, short-lived access to S3 buckets: volumes, members, credential vending, presigned URLs and gateway access keys. The S3 proxy itself speaks S3 behind a function URL and is not part of this API.',
    ...options,
  });
}
