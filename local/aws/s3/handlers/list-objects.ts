/**
 * ListObjects (V1) and ListObjectsV2 over the bucket's sorted key index: prefix, delimiter roll-up,
 * `max-keys` (at most 1000), V1 `marker`/`NextMarker`, V2 opaque continuation tokens and `start-after`,
 * `fetch-owner`, and `encoding-type=url`.
 */
import type { AwsResponse } from '../../types';
import type { BucketContext } from '../context';
import { invalidArgument } from '../errors';
import { listPage } from '../listing';
import { ownerXml } from '../owner';
import { isoDate, xmlResponse } from '../respond';
import type { BucketState } from '../storage/bucket-state';
import { el, text, xmlDocument } from '../xml';
import { checksumAlgorithmXml } from './object-xml';

export const MAX_KEYS = 1000;

/** Parses `max-keys`-style parameters: a non-negative integer, capped at `cap`. */
export function parseMax(value: string | undefined, name: string, cap: number): number {
  if (value === undefined) return cap;
  if (!/^\d{1,10}$/.test(value.trim())) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  return Math.min(Number(value), cap);
}

/**
 * `encoding-type=url`: percent-encodes like a URI component but keeps `/`, so both `unquote_plus` and
 * `decodeURIComponent` read it back.
 */
export function encoder(value: string | undefined): (s: string) => string {
  if (value === undefined) return (s) => s;
  if (value !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', value);
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/');
}

interface Query {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encode: (s: string) => string;
}

function readQuery(ctx: BucketContext): Query {
  const q = ctx.req.query;
  return {
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') ?? '',
    maxKeys: parseMax(q.get('max-keys'), 'max-keys', MAX_KEYS),
    encode: encoder(q.get('encoding-type')),
  };
}

function page(bucket: BucketState, query: Query, marker: string | undefined) {
  const keys = bucket.keys;
  const start = Math.max(keys.lowerBound(query.prefix), marker ? keys.upperBound(marker) : 0);
  return listPage(keys.items, (k) => k, {
    prefix: query.prefix,
    delimiter: query.delimiter,
    start,
    marker: marker || undefined,
    maxKeys: query.maxKeys,
  });
}

function contentsXml(bucket: BucketState, keys: string[], encode: (s: string) => string, withOwner: boolean): string[] {
  return keys.map((key) => {
    const record = bucket.objects.get(key)!;
    return el(
      'Contents',
      text('Key', encode(key)),
      text('LastModified', isoDate(record.lastModified)),
      text('ETag', record.etag),
      checksumAlgorithmXml(record.checksum),
      text('Size', record.size),
      withOwner && ownerXml(bucket.record.ownerAccountId),
      text('StorageClass', 'STANDARD'),
    );
  });
}

const prefixesXml = (prefixes: string[], encode: (s: string) => string) =>
  prefixes.map((p) => el('CommonPrefixes', text('Prefix', encode(p))));

export async function listObjects(ctx: BucketContext): Promise<AwsResponse> {
  const query = readQuery(ctx);
  const marker = ctx.req.query.get('marker') ?? '';
  const result = page(ctx.bucket, query, marker);
  const { encode } = query;
  const body = xmlDocument(
    'ListBucketResult',
    text('Name', ctx.bucket.name),
    text('Prefix', encode(query.prefix)),
    text('Marker', encode(marker)),
    text('MaxKeys', query.maxKeys),
    query.delimiter !== '' && text('Delimiter', encode(query.delimiter)),
    ctx.req.query.has('encoding-type') && text('EncodingType', 'url'),
    text('IsTruncated', result.isTruncated),
    // Without a delimiter S3 leaves NextMarker out: the client resumes from the last key it got.
    result.isTruncated && query.delimiter !== '' && text('NextMarker', encode(result.last!)),
    ...contentsXml(ctx.bucket, result.contents, encode, true),
    ...prefixesXml(result.commonPrefixes, encode),
  );
  return xmlResponse(body);
}

const TOKEN_VERSION = 'v1:';
const encodeToken = (resumeAfter: string) => Buffer.from(TOKEN_VERSION + resumeAfter, 'utf8').toString('base64url');

function decodeToken(token: string): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith(TOKEN_VERSION))
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  return decoded.slice(TOKEN_VERSION.length);
}

export async function listObjectsV2(ctx: BucketContext): Promise<AwsResponse> {
  const query = readQuery(ctx);
  const q = ctx.req.query;
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after');
  const marker = token !== undefined ? decodeToken(token) : startAfter;
  const result = page(ctx.bucket, query, marker);
  const { encode } = query;
  const body = xmlDocument(
    'ListBucketResult',
    text('Name', ctx.bucket.name),
    text('Prefix', encode(query.prefix)),
    text('ContinuationToken', token),
    result.isTruncated && text('NextContinuationToken', encodeToken(result.last!)),
    text('KeyCount', result.contents.length + result.commonPrefixes.length),
    text('MaxKeys', query.maxKeys),
    query.delimiter !== '' && text('Delimiter', encode(query.delimiter)),
    q.has('encoding-type') && text('EncodingType', 'url'),
    text('IsTruncated', result.isTruncated),
    startAfter !== undefined && text('StartAfter', encode(startAfter)),
    ...contentsXml(ctx.bucket, result.contents, encode, q.get('fetch-owner') === 'true'),
    ...prefixesXml(result.commonPrefixes, encode),
  );
  return xmlResponse(body);
}
