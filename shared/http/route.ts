/**
 * The one middy stack every API route uses: request id and logger, CORS, the JWT check, JSON body
 * parsing and validation, and the error mapper. A route declares whether it needs a token and the
 * schema of its body; the stack does the rest.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import type { Context } from 'aws-lambda';
import type { ZodMiniType as ZodType } from 'zod/mini';
import { bearerToken } from '../auth/bearer';
import type { Identity } from '../auth/identity';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Config } from '../config';
import type { Logger } from '../log';
import { countMetric, withMetrics } from '../metrics';
import { parseBody, validate } from './body';
import { errorResponse, json } from './error-mapper';
import type { HttpEvent, HttpResult, RouteContext, RouteRequest, RouteResponse } from './types';

export interface HttpDeps {
  config: Pick<Config, 'cors'>;
  /** Needed by a route that reads a token; a public function's wiring has none (`publicHttpDefaults`). */
  verifier?: TokenVerifier;
  logger: Logger;
}

export interface RouteSpec<Body, Query> {
  /** `jwt`: a valid bearer token is required (the default). `public`: no token is read at all. */
  auth?: 'jwt' | 'public';
  body?: ZodType<Body>;
  /** Validates and converts the query string (all values arrive as strings). */
  query?: ZodType<Query>;
}

/**
 * Per-invocation state, shared between the middlewares on middy's `request.internal` (a fresh object for each
 * invocation). Partial: an early failure reaches the error mapper before `request-context` has filled it.
 */
type Internal = Partial<{ requestId: string; log: Logger; identity: Identity }>;

type Mw = MiddlewareObj<HttpEvent, HttpResult, Error, Context, Internal>;

const lowerCaseHeaders = (headers: HttpEvent['headers']): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));

/** The invocation's one correlation id: API Gateway's request id (answered as `x-request-id`), else Lambda's. */
const requestIdOf = (event: HttpEvent, context: Context): string => event.requestContext?.requestId || context.awsRequestId;

function requestContext(logger: Logger): Mw {
  return {
    name: 'request-context',
    before: (request) => {
      request.event.headers = lowerCaseHeaders(request.event.headers);
      const requestId = requestIdOf(request.event, request.context);
      request.internal.requestId = requestId;
      request.internal.log = logger.child({ requestId, route: request.event.routeKey });
    },
  };
}

function jwtCheck(verifier: TokenVerifier): Mw {
  return {
    name: 'jwt-check',
    before: async (request) => {
      const identity = await verifier.verify(bearerToken(request.event.headers?.authorization));
      request.internal.identity = identity;
      request.internal.log = request.internal.log!.child({ subject: identity.subject });
    },
  };
}

/** The last `before`: hands the route what the middlewares settled, on its context (middy's `setToContext` idiom). */
const toContext: Mw = {
  name: 'route-context',
  before: ({ internal, context }) => {
    const settled: Omit<RouteContext, keyof Context> = {
      requestId: internal.requestId!,
      log: internal.log!,
      tokenIdentity: internal.identity,
    };
    Object.assign(context, settled);
  },
};

function errorMapper(logger: Logger): Mw {
  return {
    name: 'error-mapper',
    onError: (request) => {
      const requestId = request.internal.requestId ?? requestIdOf(request.event, request.context);
      const log = request.internal.log ?? logger.child({ requestId, route: request.event.routeKey });
      request.response = errorResponse(request.error, requestId, log);
      countRequest(request.event, request.response.statusCode ?? 500);
    },
  };
}

/** Every answer counts once under its route; 5xx answers count again as server errors. */
function countRequest(event: HttpEvent, status: number): void {
  const route = { Route: event.routeKey };
  countMetric('ApiRequests', route);
  if (status >= 500) countMetric('ApiServerErrors', route);
}

const queryOf = (event: HttpEvent): Record<string, string> =>
  Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));

export function route<Body = undefined, Identified extends Identity | undefined = Identity, Query = Record<string, string>>(
  spec: RouteSpec<Body, Query>,
  run: (request: RouteRequest<Body, Identified, Query>) => Promise<RouteResponse> | RouteResponse,
) {
  return (deps: HttpDeps) => {
    const handler = middy<HttpEvent, HttpResult, Error, Context, Internal>({ timeoutEarlyInMillis: 50 })
      // A preflight must name the non-safelisted headers (the bearer token, JSON bodies, Idempotency-Key) and methods,
      // or browsers refuse the call.
      .use(
        httpCors({
          origins: deps.config.cors.allowedOrigins,
          headers: 'authorization, content-type, idempotency-key',
          methods: 'GET, POST, PUT, PATCH, DELETE',
          exposeHeaders: 'x-request-id, idempotent-replayed, retry-after',
          maxAge: 600,
        }) as unknown as Mw,
      )
      .use(errorMapper(deps.logger))
      .use(requestContext(deps.logger));
    if ((spec.auth ?? 'jwt') === 'jwt') {
      // A wiring mistake (a token route wired as a public one), caught when the handler is built, never per request.
      if (!deps.verifier) throw new Error('a route that reads a token was wired without a token verifier: wire it with httpDefaults()');
      handler.use(jwtCheck(deps.verifier));
    }
    handler.use(toContext);
    const stage = deps.logger.fields?.stage;
    const metrics = typeof stage === 'string' ? { base: { Stage: stage } } : {};
    const routed = handler.handler(async (event, invocation, { signal }) => {
      const context = invocation as RouteContext;
      const response = await run({
        body: parseBody(event, spec.body),
        pathParameters: Object.fromEntries(Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
        query: spec.query ? validate(spec.query, queryOf(event)) : (queryOf(event) as Query),
        headers: event.headers as Record<string, string>,
        identity: context.tokenIdentity as Identified,
        requestId: context.requestId,
        log: context.log,
        signal,
        event,
        context,
      });
      context.log.info('request served', { status: response.status });
      countRequest(event, response.status);
      return json(response.status, response.body, context.requestId, response.headers);
    });
    // One metrics scope per invocation around the whole stack (the JWT check's refusals count too), flushed at its end.
    return (event: HttpEvent, context: Context): Promise<HttpResult> => withMetrics(metrics, () => routed(event, context));
  };
}
