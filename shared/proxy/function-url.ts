/**
 * The Lambda function URL as a front: its payload-2.0 event becomes the core's neutral request, and what the
 * URL cannot carry is said up front. Lambda refuses an event over 6 MB (413, before the function runs): binary
 * bodies arrive base64-encoded, so about 4.4 MB of raw body fits; no 5 MiB multipart part ever does. A streamed
 * response may be up to 200 MB (the first 6 MB at full speed, then about 2 MB/s), so larger answers are
 * refused before they start, with what to do instead.
 */

import { Readable } from 'node:stream';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { S3Refusal } from './errors';
import type { FrontLimits, ProxyRequest } from './types';

/** RESPONSE_STREAM's limit, in bytes (AWS says 200 MB). */
export const FUNCTION_URL_MAX_RESPONSE_BYTES = 200 * 1000 * 1000;

export const FUNCTION_URL_LIMITS: FrontLimits = { maxResponseBytes: FUNCTION_URL_MAX_RESPONSE_BYTES, name: 'the Lambda function URL' };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

export function requestFromEvent(
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  signal?: AbortSignal,
): ProxyRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const body = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const host = headers.host ?? event.requestContext?.domainName ?? 'localhost';
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    rawPath: event.rawPath || '/',
    rawQuery: event.rawQueryString ?? '',
    headers,
    body: Readable.from(body.length > 0 ? [body] : []),
    requestId: event.requestContext?.requestId || context.awsRequestId,
    // Function URLs are HTTPS; the local stand-in on loopback is plain HTTP.
    origin: `${LOOPBACK.test(host) ? 'http' : 'https'}://${host}`,
    ...(signal ? { signal } : {}),
  };
}

/**
 * A function URL hands text bodies (a `text/*`, JSON, XML, JavaScript or form Content-Type) to the function as a string, not
 * base64. Bytes that are not UTF-8 do not survive that: the decoded body no longer has the length the client
 * declared. Such a request is refused before anything is forwarded, rather than storing altered bytes.
 */
export function eventBodyProblem(event: APIGatewayProxyEventV2): S3Refusal | undefined {
  if (event.isBase64Encoded || event.body === undefined) return undefined;
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if ((headers['content-encoding'] ?? '').includes('aws-chunked')) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || Number(declared) === Buffer.byteLength(event.body, 'utf8')) return undefined;
  // Named as received (printable ASCII, short): curl's --data-binary labels its body application/x-www-form-urlencoded.
  const contentType = (headers['content-type'] ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return new S3Refusal(
    400,
    'InvalidRequest',
    `The body arrived as text (its Content-Type, "${contentType}", is one a function URL passes as text) but is not UTF-8, so the ` +
      `function URL altered it. Send binary data as application/octet-stream (with curl: -T FILE, or -H 'Content-Type: ` +
      `application/octet-stream' with --data-binary), or use the Node front.`,
  );
}

/**
 * The headers of a streamed answer, for what a function URL does to them. A `Content-Encoding` in the prelude has
 * the URL decode the body on the way and drop the header (reported for gzip; other codings are unknown, see
 * docs/function-url.md), so an object stored gzip-encoded would reach the client as other bytes than S3 holds.
 * The proxy sends no Content-Encoding there: the bytes arrive exactly as stored, without the header (the Node
 * front carries it). A Content-Length goes as it is: the URL renames it `x-amzn-Remapped-Content-Length`.
 */
export function streamedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-encoding'));
}
