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

/** What a route handler returns: a status and a JSON-serialisable body. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): RouteResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}
