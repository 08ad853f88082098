/** Building responses: XML documents and empty answers with the length header S3 always sends. */
import type { AwsResponse } from '../types';

export function xmlResponse(body: string, headers: Record<string, string> = {}, status = 200): AwsResponse {
  return {
    status,
    headers: { ...headers, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) },
    body,
  };
}

/** A response without a body; 204 and 304 carry no Content-Length at all (RFC 9110). */
export function emptyResponse(status: number, headers: Record<string, string> = {}): AwsResponse {
  return { status, headers: status === 204 || status === 304 ? { ...headers } : { ...headers, 'content-length': '0' } };
}

/** RFC 1123, as HTTP headers carry dates (`Last-Modified`). */
export const httpDate = (iso: string | Date) => new Date(iso).toUTCString();

/** ISO 8601 with milliseconds, as S3's XML carries dates (`LastModified`). */
export const isoDate = (iso: string | Date) => new Date(iso).toISOString();
