import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity';
import type { Logger } from '../log';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** What a route handler receives: the parsed, validated request and who is calling. */
export interface RouteRequest<Body = unknown, Identified extends Identity | undefined = Identity, Query = Record<string, string>> {
  body: Body;
  pathParameters: Record<string, string>;
  query: Query;
  headers: Record<string, string>;
  identity: Identified;
  requestId: string;
  log: Logger;
  /** Aborted shortly before the Lambda times out: forward it to SDK calls. */
  signal: AbortSignal;
  event: HttpEvent;
  context: Context;
}

/**
 * The invocation's context as the route's handler receives it: the middlewares settle the request id, the
 * request's logger and (behind the JWT check) the verified identity on middy's `request.internal`, and the
 * last `before` middleware sets them on the context, as middy's own `setToContext` middlewares do.
 * The identity is `tokenIdentity`, because Lambda's context already has an `identity` (Cognito's).
 */
export interface RouteContext extends Context {
  requestId: string;
  log: Logger;
  tokenIdentity?: Identity;
}

/** What a route handler returns: a status and a JSON-serialisable body. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): RouteResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}
