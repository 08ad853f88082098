/**
 * The request S3 gets for a client's request: the real bucket and key, the listing parameters moved under the
 * volume's root (`prefix` is always sent, so a listing never reaches beyond the root whatever the client asks),
 * the headers that cross (`headers.ts`), the rewritten copy source, and the body with its length and hash.
 */
import { checksumAlgorithmOf, EMPTY_SHA256 } from '../sigv4';
import type { Volume } from '../volumes/model';
import { dropDefaultAcl } from './acl-headers';
import type { Authenticated } from './authenticate';
import { planBody } from './body';
import { rewriteDeleteBody } from './delete-objects';
import { forwardedHeaders } from './headers';
import { realKey, realPrefix, rootOf } from './keys';
import { checkResponseOverrides, type Operation } from './operations';
import type { ProxyRequest, UpstreamRequest } from './types';

/** Listing parameters that name keys, per operation. */
const KEY_PARAMS: Partial<Record<Operation['name'], readonly string[]>> = {
  ListObjects: ['prefix', 'marker'],
  ListObjectsV2: ['prefix', 'start-after'],
  ListMultipartUploads: ['prefix', 'key-marker'],
};

/** The query S3 gets: key-naming listing parameters under the root, and always a `prefix` for listings. */
export function upstreamQuery(
  operation: Operation,
  volume: Pick<Volume, 'prefix'>,
  query: Array<[string, string]>,
): Array<[string, string]> {
  const keyParams = KEY_PARAMS[operation.name];
  if (!keyParams) return query;
  const out = query.map(([name, value]): [string, string] => {
    if (!keyParams.includes(name)) return [name, value];
    // An empty marker means none; an empty prefix means the whole volume.
    return name === 'prefix' || value !== '' ? [name, realPrefix(volume, value)] : [name, value];
  });
  if (rootOf(volume) !== '' && !out.some(([name]) => name === 'prefix')) out.push(['prefix', rootOf(volume)]);
  return out;
}

export type UnsignedUpstreamRequest = Omit<UpstreamRequest, 'credentials'> & {
  /** Audit detail the request adds (how many keys a DeleteObjects named). */
  detail: Record<string, unknown>;
};

const SENDS_BODY_HEADERS = new Set(['PUT', 'POST']);

export async function upstreamRequest(
  req: ProxyRequest,
  auth: Authenticated,
  operation: Operation,
  volume: Volume,
  key: string | undefined,
  query: Array<[string, string]>,
  copySource: string | undefined,
): Promise<UnsignedUpstreamRequest> {
  checkResponseOverrides(query);
  const headers = forwardedHeaders(req.headers);
  dropDefaultAcl(headers);
  if (copySource !== undefined) headers['x-amz-copy-source'] = copySource;
  const base = {
    method: req.method,
    region: volume.region,
    bucket: volume.bucket,
    ...(key === undefined ? {} : { key: realKey(volume, key) }),
    query: upstreamQuery(operation, volume, query),
    headers,
    ...(req.signal ? { signal: req.signal } : {}),
  };
  if (operation.body === 'stream') {
    const plan = await planBody(req, auth.parsed, auth.secret);
    for (const name of plan.drop) delete headers[name];
    Object.assign(headers, plan.set, { 'content-length': String(plan.length) });
    return { ...base, body: plan.body, payloadHash: plan.payloadHash, detail: { bytes: plan.decodedLength } };
  }
  if (operation.body === 'rewrite') {
    const rewritten = await rewriteDeleteBody(req, auth.parsed, auth.secret, volume);
    // The client's digests were of its body; S3 gets another body, with its own Content-MD5.
    for (const name of Object.keys(headers)) if (checksumAlgorithmOf(name) || name === 'x-amz-sdk-checksum-algorithm') delete headers[name];
    Object.assign(headers, {
      'content-length': String(rewritten.body.length),
      'content-md5': rewritten.contentMd5,
      'content-type': 'application/xml',
    });
    return { ...base, body: rewritten.body, payloadHash: rewritten.sha256, detail: { keys: rewritten.keys } };
  }
  // No body: S3 gets none, and an explicit zero where a body could be (else Node would send it chunked, which S3 refuses).
  delete headers['content-length'];
  delete headers['content-md5'];
  if (SENDS_BODY_HEADERS.has(req.method) || req.method === 'DELETE') headers['content-length'] = '0';
  return { ...base, payloadHash: EMPTY_SHA256, detail: {} };
}
