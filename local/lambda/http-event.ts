/**
 * Builds the payload-2.0 event that API Gateway HTTP APIs and Lambda function URLs send,
 * from a raw Node request, the way AWS builds it: lower-case headers joined with commas,
 * cookies split out, text bodies as text and everything else base64-encoded.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

export interface EventInput {
  request: IncomingMessage;
  body: Buffer;
  routeKey: string;
  pathParameters?: Record<string, string>;
  domainName: string;
}

export function httpEvent({ request, body, routeKey, pathParameters, domainName }: EventInput): APIGatewayProxyEventV2 {
  // Parsed as a path on a fixed origin: `new URL('//', base)` would read a path starting with `//` as a host (and throw).
  const url = new URL(`http://local${(request.url ?? '/').startsWith('/') ? request.url : '/'}`);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const target = request.url ?? '/';
  const rawPath = target.split('?')[0]!;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    // As sent: `url.search` would escape ' " < > (a function URL passes the query verbatim, docs/function-url.md §4).
    rawQueryString: target.includes('?') ? target.slice(target.indexOf('?') + 1) : '',
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/** Lambda's synchronous invocation limit, which applies to the whole serialised event. */
export const MAX_EVENT_BYTES = 6_291_456;

export function eventBytes(event: APIGatewayProxyEventV2): number {
  const { body, ...rest } = event;
  if (body === undefined || !event.isBase64Encoded) return Buffer.byteLength(JSON.stringify(event));
  // Base64 needs no escaping in JSON: its serialised length is its own plus the quotes (counted with `body: ''`).
  // Serialising megabytes only to measure them was most of the local function URL's CPU per 4 MiB upload.
  return Buffer.byteLength(JSON.stringify({ ...rest, body: '' })) + body.length;
}
