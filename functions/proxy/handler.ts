import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { FUNCTION_URL_LIMITS, requestFromEvent } from '../../shared/proxy/function-url';
import type { ProxyHandler } from '../../shared/proxy/handle';
import { proxyDefaults } from '../../shared/wiring/proxy';

/**
 * The S3 proxy behind the Lambda function URL (RESPONSE_STREAM): the event becomes the core's request, the
 * core's response is streamed back (object bodies are never held whole).
 */
export const makeHandler = (proxy: ProxyHandler) =>
  middy<APIGatewayProxyEventV2, unknown, Error, Context>({ executionMode: executionModeStreamifyResponse }).handler(async (event, context, { signal }) => {
    const response = await proxy(requestFromEvent(event, context, signal), FUNCTION_URL_LIMITS);
    return { statusCode: response.status, headers: response.headers, body: response.body };
  });

export const handler = makeHandler(proxyDefaults().proxy);
