/**
 * One ListObjectsV2 page with a member's vended credentials (`objects/ports.ts`), sent by the proxy's upstream (its
 * SigV4 signing by `@smithy/signature-v4`, path-style addressing, kept-alive connections, the configured endpoint)
 * and read with the SDK's own XML parser (`@aws-sdk/core`'s `parseXmlBody`). No S3 client: in a split bundle even a
 * lazily imported one drags the SDK's REST-XML protocol modules into the cold start (the route was 404 KB with it,
 * over issue 13's 400), and a listing needs one GET.
 *
 * Keys travel URL-encoded (`encoding-type=url`): S3 keys may hold control characters that XML 1.0 cannot carry, and
 * the key rule keeps them. S3 encodes a space as `+` (and a `+` as `%2B`); the local S3 as `%20`: both decode here.
 * S3 answering "no" (a 3xx or 4xx: AccessDenied, NoSuchBucket, PermanentRedirect, …) is `S3AccessDenied` with S3's code;
 * S3 not answering, a 5xx or throttling is 503 `S3Unavailable`.
 */
import type { Readable } from 'node:stream';
import { loadRestXmlErrorCode, parseXmlBody } from '@aws-sdk/core/protocols';
import { DependencyUnavailable } from '../errors';
import type { ListedObject, ObjectLister } from '../objects/ports';
import type { Upstream } from '../proxy/types';
import { S3AccessDenied } from '../volumes/ports';

/** The SHA-256 of an empty body, which a GET signs. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** What the XML reader needs besides the bytes: how to make them text. */
const serde = {
  utf8Encoder: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
} as unknown as Parameters<typeof parseXmlBody>[1];

/** A key as S3 wrote it with `encoding-type=url`. */
export const urlDecoded = (value: string): string => decodeURIComponent(value.replace(/\+/g, '%20'));

/** An element S3 may repeat: absent, one (an object) or several (an array). */
const many = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

async function bytesOf(body: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface ListBucketResult {
  Contents?: RawObject | RawObject[];
  CommonPrefixes?: { Prefix?: string } | Array<{ Prefix?: string }>;
  IsTruncated?: string;
}
interface RawObject {
  Key?: string;
  Size?: string;
  LastModified?: string;
  ETag?: string;
}

const objectOf = (raw: RawObject): ListedObject => ({
  key: urlDecoded(raw.Key ?? ''),
  size: Number(raw.Size ?? 0),
  lastModified: new Date(raw.LastModified ?? 0),
  etag: raw.ETag ?? '',
});

/** S3's error answer: a refusal (4xx but throttling) or S3's trouble. */
async function failure(status: number, body: Readable): Promise<Error> {
  let code: string | undefined;
  let message = '';
  try {
    const parsed = await parseXmlBody(await bytesOf(body), serde);
    code = loadRestXmlErrorCode({ statusCode: status } as never, parsed);
    message = typeof parsed?.Message === 'string' ? parsed.Message : '';
  } catch {
    // No error document (a proxy's HTML page, a cut answer): the status alone says what happened.
  }
  const throttled = status === 429 || code === 'SlowDown' || code === 'RequestTimeout';
  if (status >= 300 && status < 500 && !throttled)
    return new S3AccessDenied(code ?? `Http${status}`, message || `S3 refused the listing (${status}).`);
  return new DependencyUnavailable('S3 did not answer; try again shortly.', 'S3Unavailable', {
    cause: new Error(`S3 answered ${status} ${code ?? ''}`),
  });
}

export function createS3ObjectLister(options: { upstream: Upstream }): ObjectLister {
  return {
    async listPage(credentials, request, signal) {
      const query: Array<[string, string]> = [
        ['list-type', '2'],
        ['prefix', request.prefix],
        ['max-keys', String(request.maxKeys)],
        ['encoding-type', 'url'],
        ...(request.delimiter === undefined ? [] : ([['delimiter', request.delimiter]] as Array<[string, string]>)),
        ...(request.startAfter === undefined ? [] : ([['start-after', request.startAfter]] as Array<[string, string]>)),
      ];
      const answer = await options.upstream.send({
        method: 'GET',
        region: request.region,
        bucket: request.bucket,
        query,
        headers: {},
        payloadHash: EMPTY_SHA256,
        credentials,
        ...(signal ? { signal } : {}),
      });
      if (answer.status !== 200) throw await failure(answer.status, answer.body);
      const result = (await parseXmlBody(await bytesOf(answer.body), serde)) as ListBucketResult;
      return {
        objects: many(result.Contents).map(objectOf),
        prefixes: many(result.CommonPrefixes).map((p) => urlDecoded(p.Prefix ?? '')),
        truncated: result.IsTruncated === 'true',
      };
    },
  };
}
