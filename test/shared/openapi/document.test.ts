/**
 * The OpenAPI document matches serverless.yml route for route, every route has a spec, and the document is
 * valid OpenAPI 3.1 (checked by @seriousme/openapi-schema-validator against the official 3.1 schema).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { apiDocument } from '../../../functions/openapi/api-document';
import { routeSpecs } from '../../../functions/openapi/registry';
import { loadServerlessModel } from '../../../local/serverless-model';
import { declaredRoutes } from '../../../scripts/build-openapi';
import { openApiPath, pathParameterNames, routeKey, routesWithoutSpec, specOf } from '../../../shared/openapi/document';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const model = loadServerlessModel('serverless.yml');
const routes = declaredRoutes(model.functions);
const document = apiDocument() as { paths: Record<string, Record<string, any>>; openapi: string };

const operationsOf = (doc: typeof document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document against serverless.yml', () => {
  it('has a spec for every HTTP API route of serverless.yml', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routesWithoutSpec(routes, routeSpecs)).toEqual([]);
  });

  it('has one operation per route of serverless.yml and no other', () => {
    const declared = routes.map((route) => routeKey({ method: route.method, path: openApiPath(route.path) })).sort();
    expect(operationsOf(document).sort()).toEqual(declared);
  });

  it('serves itself: GET /openapi.json is a route, without a token', () => {
    expect(document.paths['/openapi.json']?.get?.security).toEqual([]);
  });

  it('refuses to build when a route has no spec, naming it', () => {
    const unknown = [
      ...routes,
      { functionName: 'ghost', method: 'GET', path: '/ghost', sourceFile: 'functions/ghost/handler.ts', exportName: 'handler' },
    ];
    expect(routesWithoutSpec(unknown, routeSpecs)).toEqual(['GET /ghost (functions/ghost/handler.ts handler)']);
  });

  it('keeps no spec that no route of serverless.yml uses', () => {
    const used = new Set(routes.map((route) => `${route.sourceFile}#${route.exportName}`));
    const declared = Object.entries(routeSpecs).flatMap(([file, specs]) => Object.keys(specs).map((name) => `${file}#${name}`));
    expect(declared.filter((key) => !used.has(key))).toEqual([]);
  });

  it('describes exactly the path parameters of each route, all required', () => {
    for (const route of routes) {
      const spec = specOf(route, routeSpecs)!;
      const names = pathParameterNames(route.path);
      const described = spec.params ? Object.keys((spec.params as any).shape) : [];
      expect(described.sort(), routeKey(route)).toEqual([...names].sort());
      const operation = document.paths[openApiPath(route.path)]![route.method.toLowerCase()];
      const inPath = (operation.parameters ?? []).filter((p: any) => p.in === 'path');
      expect(inPath.map((p: any) => p.name).sort(), routeKey(route)).toEqual([...names].sort());
      for (const parameter of inPath) expect(parameter.required).toBe(true);
    }
  });

  it('asks for the bearer token on every route but the public ones', () => {
    for (const route of routes) {
      const spec = specOf(route, routeSpecs)!;
      const operation = document.paths[openApiPath(route.path)]![route.method.toLowerCase()];
      expect(operation.security, routeKey(route)).toEqual(spec.auth === 'jwt' ? [{ bearerAuth: [] }] : []);
      if (spec.auth === 'jwt') expect(Object.keys(operation.responses), routeKey(route)).toContain('401');
    }
  });

  it('documents the body and query the handler validates with, as it accepts them', () => {
    const create = document.paths['/volumes']!.post;
    expect(create.requestBody.required).toBe(true);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'bucket', 'region', 'accessMode', 'auth']),
    );
    // requireMfa has a default, so a request may leave it out.
    expect(create.requestBody.content['application/json'].schema.required).not.toContain('requireMfa');
    const list = document.paths['/volumes']!.get;
    expect(list.parameters.map((p: any) => [p.name, p.in, p.required])).toEqual([
      ['limit', 'query', false],
      ['nextToken', 'query', false],
    ]);
    // Every body field of the vend request is optional, so the body is too.
    expect(document.paths['/volumes/{id}/credentials']!.post.requestBody.required).toBe(false);
  });

  it('describes answers closely enough that an undocumented field fails', () => {
    const ajv = new Ajv2020({ strict: false });
    const schemaOf = (path: string, method: string, status: number) =>
      document.paths[path]![method].responses[String(status)].content['application/json'].schema;
    const health = ajv.compile(schemaOf('/health', 'get', 200));
    expect(health({ status: 'ok' })).toBe(true);
    expect(health({ status: 'ok', secret: 'x' })).toBe(false);
    const error = ajv.compile(schemaOf('/volumes', 'post', 400));
    expect(error({ code: 'ValidationFailed', message: 'name: …', requestId: 'r-1', field: 'name' })).toBe(true);
    expect(error({ code: 'ValidationFailed', message: 'name: …' })).toBe(false);
    // Every operation can fail on our side with the shared error body.
    for (const item of Object.values(document.paths))
      for (const operation of Object.values(item)) expect(operation.responses['500']).toBeDefined();
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as any);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});
