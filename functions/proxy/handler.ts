import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { s3ErrorXml } from '../../shared/s3/error-xml';

/**
 * The S3 proxy behind the Lambda function URL (RESPONSE_STREAM). Until the proxy is built (its own
 * issue), every request gets S3's NotImplemented error, as XML so S3 clients show it.
 */
export const makeHandler = () =>
  middy<APIGatewayProxyEventV2, unknown, Error, Context>({ executionMode: executionModeStreamifyResponse }).handler(async (event, context) => {
    const requestId = event.requestContext?.requestId || context.awsRequestId;
    return {
      statusCode: 501,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: s3ErrorXml('NotImplemented', 'The S3 proxy is not available in this version of volume-gateway.', requestId),
    };
  });

export const handler = makeHandler();
