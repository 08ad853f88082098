/**
 * What one route declares about itself, once, in its handler module's sibling `specs.ts`: the handler
 * validates with `body`/`query` and checks `auth`, and the OpenAPI document is generated from the same object.
 * Specs import no wiring and no AWS SDK, so the document can be built without environment variables.
 */
import type { ZodMiniType as ZodType } from 'zod/mini';

export interface ResponseDoc {
  description: string;
  /** The JSON body; absent when the answer has none (204, 302). */
  schema?: ZodType;
  /** Response headers worth naming (e.g. `location` on a redirect). */
  headers?: Record<string, { description: string }>;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  auth: 'jwt' | 'public';
  body?: ZodType;
  query?: ZodType;
  /** The path parameters, a zod object whose keys match the `{…}` segments of the route's path. */
  params?: ZodType;
  /** Request headers the route reads (documentation: the domain checks their values), a zod object keyed by header name. */
  headers?: ZodType;
  responses: Record<number, ResponseDoc>;
  tags?: string[];
}

/**
 * Declares a handler module's specs keyed by the handler's export name (as serverless.yml names it), keeping each
 * schema's own type so `route(specs.create, …)` infers the validated body and query.
 */
export const defineRoutes = <const T extends Record<string, RouteDoc>>(routes: T): T => routes;
