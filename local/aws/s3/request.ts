/**
 * Addressing: which bucket and key a request names. Path style (`/bucket/key`) works on any host; virtual-host
 * style when the Host is `bucket.localhost` or `bucket.s3.localhost` (any port). The key is percent-decoded
 * from the raw path exactly once and never normalised: `a//b`, `../x`, `dir/` and `a+b` are keys as sent.
 */
import type { Readable } from 'node:stream';
import { AwsError, type AwsRequest, type Caller } from '../types';

export interface S3Request {
  id: string;
  method: string;
  /** Undefined for service-level requests (ListBuckets). */
  bucket: string | undefined;
  /** Undefined for bucket-level requests; never empty. */
  key: string | undefined;
  /** Decoded query parameters; the first occurrence of a name wins. */
  query: ReadonlyMap<string, string>;
  headers: Record<string, string>;
  body: Readable;
  caller: Caller | null;
  /** The Host header as sent (for `Location` in CompleteMultipartUpload). */
  host: string;
  virtualHost: boolean;
  /** The aws-chunked trailer (checksums); call only after the body has ended. */
  trailer: () => Promise<Record<string, string> | undefined>;
}

const invalidUri = (uri: string) => new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400, { URI: uri });

function decode(raw: string, whole: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUri(whole);
  }
}

/** Parses a raw query string; `+` means a space there (form encoding), unlike in the path. */
export function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  if (!rawQuery) return query;
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = decode(rawName.replace(/\+/g, ' '), rawQuery);
    if (!query.has(name)) query.set(name, decode(rawValue.replace(/\+/g, ' '), rawQuery));
  }
  return query;
}

/** The bucket named by a virtual-host style Host header, if it is one. */
export function bucketFromHost(host: string): string | undefined {
  let name = host.toLowerCase();
  if (name.startsWith('[')) return undefined; // an IPv6 literal
  name = name.replace(/:\d+$/, '');
  for (const suffix of ['.s3.localhost', '.localhost']) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      const bucket = name.slice(0, -suffix.length);
      return bucket === 's3' && suffix === '.localhost' ? undefined : bucket;
    }
  }
  return undefined;
}

export function parseRequest(req: AwsRequest): S3Request {
  const host = req.headers.host ?? '';
  const rawPath = req.rawPath.startsWith('/') ? req.rawPath : `/${req.rawPath}`;
  let bucket = bucketFromHost(host);
  const virtualHost = bucket !== undefined;
  let rawKey: string;
  if (virtualHost) {
    rawKey = rawPath.slice(1);
  } else {
    const slash = rawPath.indexOf('/', 1);
    const rawBucket = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash);
    bucket = rawBucket ? decode(rawBucket, rawPath) : undefined;
    rawKey = slash < 0 ? '' : rawPath.slice(slash + 1);
  }
  const key = rawKey ? decode(rawKey, rawPath) : undefined;
  // The dispatcher's S3 body (`local/aws/s3-body.ts`) also carries its trailer as `body.trailers`.
  const trailer = req.checksums ?? (req.body as Readable & { trailers?: Promise<Record<string, string>> }).trailers;
  return {
    id: req.requestId,
    method: req.method.toUpperCase(),
    bucket,
    key,
    query: parseQuery(req.rawQuery),
    headers: req.headers,
    body: req.body,
    caller: req.caller,
    host,
    virtualHost,
    trailer: async () => (trailer ? await trailer : undefined),
  };
}
