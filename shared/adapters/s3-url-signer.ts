/**
 * Presigned S3 URLs, signed with the vended credentials of the call (never our service's own), at the
 * signing date the caller gives, so a URL and its expiry are exact and reproducible.
 *
 * What a browser or `curl` can satisfy is all the URL asks for: no flexible checksum parameters (the SDK, unless
 * told `requestChecksumCalculation: 'WHEN_REQUIRED'`, puts `x-amz-checksum-crc32` of an empty body and
 * `x-amz-sdk-checksum-algorithm` in PUT and UploadPart URLs, and S3 refuses every real body).
 * A PUT's Content-Type is signed, so the uploader must send exactly that type.
 *
 * No S3 client: the SDK's `getSignedUrl` clones a client's middleware stack, serialises the command and runs S3's
 * endpoint rules on every call, and the client is most of a data route's bundle (its operation schemas, middleware
 * and checksums). Here the endpoint is S3's rules for the gateway's cases (`s3-endpoint.ts`, kept per bucket and
 * region), each URL is the request S3's REST binding gives (`/{Key+}` with each segment URI-encoded, the same `x-id`
 * and query parameters), signed by the SDK's SigV4 signer as `getSignedUrl`'s `S3RequestPresigner` signs (the
 * same headers added first, the same options). The URL is byte for byte the one `getSignedUrl` gives for the same
 * inputs and clock (a test compares them for every method, endpoint kind, partition and awkward keys). No S3 client
 * is imported here, not even lazily: in a split bundle, a lazily imported client still drags the shared SDK modules it
 * uses into the cold start.
 *
 * Presigners hold their credentials (and SigV4's signing key, cached per day and region), so they are kept per
 * (region, access key) in a small bounded cache: the vending cache hands out the same session again and again.
 */
import { formatUrl } from '@aws-sdk/core/util';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { LRUCache } from 'lru-cache';
import type { PresignRequest, UrlSigner } from '../vending/ports';
import type { TemporaryCredentials } from '../volumes/ports';
import { encodeKey, type S3ObjectEndpoint, s3ObjectEndpoint } from './s3-endpoint';

export interface S3UrlSignerOptions {
  /** Path-style URLs (`endpoint/bucket/key`), needed by endpoints that are IP addresses such as the local stack's. */
  forcePathStyle: boolean;
  /** Overrides the endpoint the environment gives (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`), as the S3 client's option does. */
  endpoint?: string;
  /** Signing sessions kept at once (one per region and session; lru-cache, the least recently used goes first). */
  maxClients?: number;
}

export interface S3UrlSigner extends UrlSigner {
  /** Forgets every cached presigner. */
  clear(): void;
  readonly size: number;
}

interface Entry {
  presigner: SignatureV4;
  credentials: TemporaryCredentials;
}

/** The query and headers S3's REST binding gives each operation presigned here. */
function operation(request: PresignRequest, uploadPart: boolean): { query: Record<string, string>; headers: Record<string, string> } {
  switch (request.method) {
    case 'GET':
      return {
        query: {
          'x-id': 'GetObject',
          ...(request.responseContentDisposition !== undefined
            ? { 'response-content-disposition': request.responseContentDisposition }
            : {}),
        },
        headers: {},
      };
    case 'PUT':
      return uploadPart
        ? { query: { 'x-id': 'UploadPart', partNumber: String(request.partNumber), uploadId: request.uploadId! }, headers: {} }
        : { query: { 'x-id': 'PutObject' }, headers: request.contentType !== undefined ? { 'content-type': request.contentType } : {} };
    case 'HEAD':
      return { query: {}, headers: {} };
    case 'DELETE':
      return { query: { 'x-id': 'DeleteObject' }, headers: {} };
    default:
      throw new TypeError(`cannot presign method ${JSON.stringify(request.method satisfies never)}`);
  }
}

/** Rejects combinations the port does not define, which are the caller's bug; true for an UploadPart URL. */
function isUploadPart(request: PresignRequest): boolean {
  const multipart = request.uploadId !== undefined || request.partNumber !== undefined;
  if (multipart && (request.method !== 'PUT' || request.uploadId === undefined || request.partNumber === undefined)) {
    throw new TypeError('an UploadPart URL is a PUT with both uploadId and partNumber');
  }
  if (request.contentType !== undefined && (request.method !== 'PUT' || multipart))
    throw new TypeError('contentType applies to a PutObject URL only');
  if (request.responseContentDisposition !== undefined && request.method !== 'GET')
    throw new TypeError('responseContentDisposition applies to a GET URL only');
  return multipart;
}

const sameCredentials = (a: TemporaryCredentials, b: TemporaryCredentials) =>
  a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey && a.sessionToken === b.sessionToken;

export function createS3UrlSigner(options: S3UrlSignerOptions): S3UrlSigner {
  const presigners = new LRUCache<string, Entry>({ max: options.maxClients ?? 256 });
  /** Per region and bucket (they depend on nothing else but the process's environment and the options). */
  const endpoints = new LRUCache<string, S3ObjectEndpoint>({ max: 1024 });

  function presignerFor(credentials: TemporaryCredentials, region: string): SignatureV4 {
    const cacheKey = `${region}\n${credentials.accessKeyId}`;
    const cached = presigners.get(cacheKey);
    if (cached && sameCredentials(cached.credentials, credentials)) return cached.presigner;
    // As S3RequestPresigner builds its SigV4 signer: S3 signs the path as it is (no second escaping).
    const presigner = new SignatureV4({
      region,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
        expiration: credentials.expiration,
      },
    });
    presigners.set(cacheKey, { presigner, credentials });
    return presigner;
  }

  function endpointFor(bucket: string, region: string): S3ObjectEndpoint {
    const cacheKey = `${region}\n${bucket}`;
    let endpoint = endpoints.get(cacheKey);
    if (!endpoint) {
      endpoint = s3ObjectEndpoint(bucket, region, options);
      endpoints.set(cacheKey, endpoint);
    }
    return endpoint;
  }

  return {
    async presign(request) {
      const uploadPart = isUploadPart(request);
      const endpoint = endpointFor(request.bucket, request.region);
      const { query, headers } = operation(request, uploadPart);
      // What S3RequestPresigner adds before it signs: the unsigned payload's hash and the host (hoisted and signed).
      headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
      headers.host = `${endpoint.hostname}${endpoint.port != null ? `:${endpoint.port}` : ''}`;
      const presigned = await presignerFor(request.credentials, request.region).presign(
        new HttpRequest({
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          method: request.method,
          path: `${endpoint.basePath}/${encodeKey(request.key)}`,
          query,
          headers,
        }),
        {
          expiresIn: request.expiresInSeconds,
          signingDate: request.signingDate,
          // Unsigned by default, as S3RequestPresigner leaves it; signed for a PUT's type, S3 refuses an upload of another.
          unsignableHeaders: new Set(['content-type']),
          unhoistableHeaders: new Set(),
          ...(request.contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
        },
      );
      return formatUrl(presigned);
    },
    clear() {
      presigners.clear();
      endpoints.clear();
    },
    get size() {
      return presigners.size;
    },
  };
}
