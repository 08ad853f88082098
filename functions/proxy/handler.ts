import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Logger } from '../../shared/log';
import { errorResponse } from '../../shared/proxy/errors';
import { eventBodyProblem, FUNCTION_URL_LIMITS, requestFromEvent, streamedHeaders } from '../../shared/proxy/function-url';
import type { ProxyHandler } from '../../shared/proxy/handle';
import { s3Headers } from '../../shared/s3/header-names';
import { unwiredLogger, wiringFailed } from '../../shared/wiring/lazy';
import { proxyDefaults } from '../../shared/wiring/proxy';

/**
 * The S3 proxy behind the Lambda function URL (RESPONSE_STREAM): the event becomes the core's request, the
 * core's response is streamed back (object bodies are never held whole), without the Content-Encoding the URL
 * would decode (`streamedHeaders`). `log` is asked for only when a refusal is logged before the core is reached.
 */
export const makeHandler = (proxy: ProxyHandler, log: () => Logger) =>
  middy<APIGatewayProxyEventV2, unknown, Error, Context>({ streamifyResponse: true }).handler(async (event, context, { signal }) => {
    const problem = eventBodyProblem(event);
    const request = requestFromEvent(event, context, signal);
    const response = problem ? errorResponse(problem, request.requestId, log(), request.method) : await proxy(request, FUNCTION_URL_LIMITS);
    // The prelude's names reach the client as written: S3's spelling, not the core's lower case.
    return { statusCode: response.status, headers: s3Headers(streamedHeaders(response.headers)), body: response.body };
  });

/** The wiring's proxy; a wiring that cannot be built (a ConfigError) is answered S3's 500 InternalError, and logged. */
const wiredProxy: ProxyHandler = (request, limits) => {
  let wiring: ReturnType<typeof proxyDefaults>;
  try {
    wiring = proxyDefaults();
  } catch (error) {
    const log = unwiredLogger().child({ requestId: request.requestId });
    return Promise.resolve(errorResponse(wiringFailed(error), request.requestId, log, request.method));
  }
  return wiring.proxy(request, limits);
};

const wiredLogger = (): Logger => {
  try {
    return proxyDefaults().logger;
  } catch {
    return unwiredLogger();
  }
};

// The wiring is built at the first event (proxyDefaults keeps it), not when this module loads; the handler itself
// is made here, since the runtime must see it marked as streaming.
export const handler = makeHandler(wiredProxy, wiredLogger);
