/**
 * The OpenAPI 3.1 document, derived from the two declarations that exist anyway: the routes of serverless.yml
 * (method, path, handler) and each handler's spec (shared/openapi/route-doc.ts). Requests are described as the
 * handlers accept them (`io: 'input'`), responses as the domain produces them (`io: 'output'`), both as JSON
 * Schema draft 2020-12, the dialect OpenAPI 3.1 uses. Pure: the caller supplies the routes and the specs.
 */

import type { ZodMiniType as ZodType } from 'zod/mini';
import * as z from 'zod/mini';
import type { ResponseDoc, RouteDoc } from './route-doc';
import { internalError } from './schemas/errors';

/** One HTTP API route of serverless.yml and the handler serving it. */
export interface DeclaredRoute {
  /** The serverless.yml function name; becomes the operationId. */
  functionName: string;
  method: string;
  path: string;
  /** `functions/volumes/handler.ts` */
  sourceFile: string;
  exportName: string;
}

export interface DocumentOptions {
  title: string;
  version: string;
  description?: string;
  servers?: Array<{ url: string; description?: string }>;
}

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

export const routeKey = (route: Pick<DeclaredRoute, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

/** API Gateway's greedy `{key+}` is `{key}` in OpenAPI path templating (the value may then contain `/`). */
export const openApiPath = (path: string) => path.replace(/\{(\w+)\+\}/g, '{$1}');

export const pathParameterNames = (path: string) => [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);

export function specOf(route: DeclaredRoute, specs: Record<string, Record<string, RouteDoc>>): RouteDoc | undefined {
  return specs[route.sourceFile]?.[route.exportName];
}

/** Routes with no spec, as `METHOD /path (handler)`; the document refuses to build while there are any. */
export function routesWithoutSpec(routes: DeclaredRoute[], specs: Record<string, Record<string, RouteDoc>>): string[] {
  return routes.filter((route) => !specOf(route, specs)).map((route) => `${routeKey(route)} (${route.sourceFile} ${route.exportName})`);
}

export function jsonSchema(schema: ZodType, io: Io): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  return rest;
}

function parameters(schema: ZodType | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function requestBody(schema: ZodType | undefined): Json | undefined {
  if (!schema) return undefined;
  // A body the handler accepts when it is left out (parseBody validates `{}`) is optional.
  return { required: !schema.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(schema, 'input') } } };
}

function response(doc: ResponseDoc): Json {
  return {
    description: doc.description,
    ...(doc.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(doc.headers).map(([name, h]) => [name, { description: h.description, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    ...(doc.schema ? { content: { 'application/json': { schema: jsonSchema(doc.schema, 'output') } } } : {}),
  };
}

function operation(route: DeclaredRoute, spec: RouteDoc): Json {
  const declared = new Set(pathParameterNames(route.path));
  const pathParams = parameters(spec.params, 'path');
  const named = new Set(pathParams.map((p) => p.name as string));
  // A path parameter the spec does not describe is still a required string.
  for (const name of declared) if (!named.has(name)) pathParams.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  const allParams = [
    ...pathParams.filter((p) => declared.has(p.name as string)),
    ...parameters(spec.query, 'query'),
    ...parameters(spec.headers, 'header'),
  ];
  const body = requestBody(spec.body);
  const description = spec.description;
  const responses = { ...spec.responses, ...(spec.responses[500] ? {} : { 500: internalError }) };
  return {
    operationId: route.functionName,
    summary: spec.summary,
    ...(description ? { description } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    security: spec.auth === 'jwt' ? [{ bearerAuth: [] }] : [],
    ...(allParams.length ? { parameters: allParams } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, doc]) => [status, response(doc)])),
  };
}

export function buildDocument(routes: DeclaredRoute[], specs: Record<string, Record<string, RouteDoc>>, options: DocumentOptions): Json {
  const missing = routesWithoutSpec(routes, specs);
  if (missing.length) throw new Error(`OpenAPI: no spec for ${missing.join(', ')}`);
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    paths[path] ??= {};
    if (paths[path]![method]) throw new Error(`OpenAPI: two routes for ${routeKey(route)}`);
    paths[path]![method] = operation(route, specOf(route, specs)!);
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, ...(options.description ? { description: options.description } : {}) },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.servers?.length ? { servers: options.servers } : {}),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "An access or id token from the deployment's OpenID Connect issuer (or Cognito user pool).",
        },
      },
    },
  };
}
