/**
 * `npm run build:openapi`: writes functions/openapi/routes.generated.ts, serverless.yml's HTTP API routes as the
 * OpenAPI document needs them, so the openapi function ships no serverless.yml and no YAML parser.
 * test/functions/openapi/routes-generated.test.ts regenerates it in memory and expects the committed file.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type FunctionModel, loadServerlessModel } from '../local/serverless-model';
import type { DeclaredRoute } from '../shared/openapi/document';

export const ROUTES_MODULE = 'functions/openapi/routes.generated.ts';

/** serverless.yml's HTTP API routes, one per (function, route), as the document needs them. */
export function declaredRoutes(functions: FunctionModel[]): DeclaredRoute[] {
  return functions.flatMap((fn) =>
    fn.routes.map((route) => ({
      functionName: fn.name,
      method: route.method,
      path: route.path,
      sourceFile: fn.sourceFile,
      exportName: fn.exportName,
    })),
  );
}

const quoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The module's text for serverless.yml at `serverlessYml`: one property per line, routes in serverless.yml's order. */
export function routesModule(serverlessYml = 'serverless.yml'): string {
  const model = loadServerlessModel(serverlessYml);
  const routes = declaredRoutes(model.functions).flatMap((route) => [
    '  {',
    ...Object.entries(route).map(([key, value]) => `    ${key}: ${quoted(value)},`),
    '  },',
  ]);
  return [
    '// Generated from serverless.yml by `npm run build:openapi` (scripts/build-openapi.ts): do not edit.',
    '// test/functions/openapi/routes-generated.test.ts fails when serverless.yml and this file differ.',
    "import type { DeclaredRoute } from '../../shared/openapi/document';",
    '',
    `export const service = ${quoted(model.service)};`,
    '',
    'export const declaredRoutes: DeclaredRoute[] = [',
    ...routes,
    '];',
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(ROUTES_MODULE, routesModule());
  console.log(`wrote ${ROUTES_MODULE}`);
}
