/**
 * The headers an object keeps (Content-Type, Content-Encoding minus `aws-chunked`, Content-Disposition,
 * Cache-Control, Content-Language, Expires, `x-amz-meta-*`) and the headers GET/HEAD answer with,
 * including the `response-*` overrides of a (presigned) GET.
 */
import { headerValueProblem } from '../../../shared/s3/header-value';
import { AwsError } from '../types';
import { checksumHeader } from './checksums';
import { httpDate } from './respond';
import type { ObjectRecord, StoredChecksum, StoredHeaders } from './storage/records';

const MAX_USER_METADATA_BYTES = 2048;

/** Content-Encoding as stored: the transfer-only `aws-chunked` token removed. */
function storedEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kept = value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t && t.toLowerCase() !== 'aws-chunked');
  return kept.length > 0 ? kept.join(', ') : undefined;
}

export function storedHeadersFrom(headers: Record<string, string>): StoredHeaders {
  const userMetadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    const short = name.slice('x-amz-meta-'.length);
    userMetadata[short] = value;
    metadataBytes += Buffer.byteLength(short) + Buffer.byteLength(value);
  }
  if (metadataBytes > MAX_USER_METADATA_BYTES) {
    throw new AwsError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', 400, {
      Size: String(metadataBytes),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
  const optional = (name: string) => (headers[name] !== undefined ? headers[name] : undefined);
  const stored: StoredHeaders = { contentType: headers['content-type'] || 'binary/octet-stream', userMetadata };
  const encoding = storedEncoding(headers['content-encoding']);
  if (encoding !== undefined) stored.contentEncoding = encoding;
  const disposition = optional('content-disposition');
  if (disposition !== undefined) stored.contentDisposition = disposition;
  const cacheControl = optional('cache-control');
  if (cacheControl !== undefined) stored.cacheControl = cacheControl;
  const language = optional('content-language');
  if (language !== undefined) stored.contentLanguage = language;
  const expires = optional('expires');
  if (expires !== undefined) stored.expires = expires;
  return stored;
}

/** Query parameters of a GET that replace a stored header in the response, as S3 allows on signed requests. */
const OVERRIDES: [query: string, header: string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** Headers describing an object on GET/HEAD (Content-Length and Content-Range are the caller's). */
export function objectResponseHeaders(record: ObjectRecord, query?: ReadonlyMap<string, string>): Record<string, string> {
  const h = record.headers;
  const out: Record<string, string> = {
    'content-type': h.contentType,
    etag: record.etag,
    'last-modified': httpDate(record.lastModified),
    'accept-ranges': 'bytes',
  };
  if (h.contentEncoding !== undefined) out['content-encoding'] = h.contentEncoding;
  if (h.contentDisposition !== undefined) out['content-disposition'] = h.contentDisposition;
  if (h.cacheControl !== undefined) out['cache-control'] = h.cacheControl;
  if (h.contentLanguage !== undefined) out['content-language'] = h.contentLanguage;
  if (h.expires !== undefined) out.expires = h.expires;
  for (const [name, value] of Object.entries(h.userMetadata)) out[`x-amz-meta-${name}`] = value;
  if (query)
    for (const [param, header] of OVERRIDES) {
      const value = query.get(param);
      if (value === undefined) continue;
      // A value no header can carry is the client's mistake (400), not a writeHead that throws (500).
      const problem = headerValueProblem(value);
      if (problem)
        throw new AwsError('InvalidArgument', problem.message, 400, {
          ArgumentName: param,
          ...(problem.echo ? { ArgumentValue: value } : {}),
        });
      out[header] = value;
    }
  return out;
}

export function checksumResponseHeaders(checksum: StoredChecksum | undefined): Record<string, string> {
  if (!checksum) return {};
  return { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': checksum.type };
}
