/**
 * Presigned S3 URLs, signed with the vended credentials of the call (never our service's own), at the
 * signing date the caller gives, so a URL and its expiry are exact and reproducible.
 *
 * What a browser or `curl` can satisfy is all the URL asks for: flexible checksums are off
 * (`requestChecksumCalculation: 'WHEN_REQUIRED'`), else the SDK puts `x-amz-checksum-crc32` of an empty
 * body and `x-amz-sdk-checksum-algorithm` in PUT and UploadPart URLs and S3 refuses every real body.
 * A PUT's Content-Type is signed, so the uploader must send exactly that type.
 *
 * Signing needs a client, and a client holds its credentials; building one costs about as much as the
 * signing itself, so clients are kept per (region, access key) in a small bounded cache: the vending
 * cache hands out the same session again and again. Signing opens no connection, so a dropped client
 * needs no clean-up.
 *
 * The SDK's `getSignedUrl` clones the client's middleware stack, serialises the command and runs S3's
 * endpoint rules on every call, which costs more than the signature. Here the endpoint rules run once per
 * (client, bucket) — they depend on the bucket, the region and the client's settings (path style, endpoint),
 * never on the key — and each URL is the request those rules and S3's REST binding give (`/{Key+}` with each
 * segment URI-encoded, the same `x-id` and query parameters), signed by the SDK's own `S3RequestPresigner`,
 * the class `getSignedUrl` signs with, with the same options. The URL is byte for byte the one `getSignedUrl`
 * gives for the same inputs and clock (a test compares them for every method and awkward keys). An endpoint
 * whose auth scheme is not plain SigV4 (SigV4a multi-region access points, S3 Express) goes through `getSignedUrl`.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { formatUrl } from '@aws-sdk/core/util';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { HttpRequest } from '@smithy/protocol-http';
import { LRUCache } from 'lru-cache';
import type { PresignRequest, UrlSigner } from '../vending/ports';
import type { TemporaryCredentials } from '../volumes/ports';

export interface S3UrlSignerOptions {
  /** Path-style URLs (`endpoint/bucket/key`), needed by endpoints that are IP addresses such as the local stack's. */
  forcePathStyle: boolean;
  /** Overrides the SDK's own endpoint resolution (which already honours `AWS_ENDPOINT_URL`). */
  endpoint?: string;
  /** Signing clients kept at once (one per region and session; lru-cache, the least recently used goes first). */
  maxClients?: number;
}

export interface S3UrlSigner extends UrlSigner {
  /** Forgets every cached signing client. */
  clear(): void;
  readonly size: number;
}

/** Where a bucket's URLs point and how they are signed, from S3's endpoint rules run once. */
interface Target {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The endpoint's path without its trailing slash: `/bucket` path-style, empty virtual-hosted. */
  basePath: string;
  presigner: S3RequestPresigner;
  signingRegion: string;
  signingService: string;
}

interface Entry {
  client: S3Client;
  credentials: TemporaryCredentials;
  /** Per bucket; undefined where the endpoint needs `getSignedUrl` (not plain SigV4). */
  targets: Map<string, Promise<Target | undefined>>;
}

/** S3's REST binding of a greedy `{Key+}` label: each segment as `encodeURIComponent`, plus `!'()*` (smithy's extended encoding). */
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

async function resolveTarget(client: S3Client, bucket: string): Promise<Target | undefined> {
  // The rules read the key only to pick S3 Express session auth, which the scheme check below sends to getSignedUrl.
  const endpoint = await getEndpointFromInstructions({ Bucket: bucket, Key: 'k' }, GetObjectCommand, client.config);
  const scheme = endpoint.properties?.authSchemes?.[0] as { name?: string; signingRegion?: string; signingName?: string } | undefined;
  if (scheme?.name !== 'sigv4' || !scheme.signingRegion) return undefined;
  const { signingRegion, signingName = 's3' } = scheme;
  const { url } = endpoint;
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    basePath: url.pathname.replace(/\/$/, ''),
    // As getSignedUrl builds it for this endpoint.
    presigner: new S3RequestPresigner({ ...client.config, signingName, region: async () => signingRegion }),
    signingRegion,
    signingService: signingName,
  };
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
  const clients = new LRUCache<string, Entry>({ max: options.maxClients ?? 256 });

  function entryFor(credentials: TemporaryCredentials, region: string): Entry {
    const cacheKey = `${region}\n${credentials.accessKeyId}`;
    const cached = clients.get(cacheKey);
    if (cached && sameCredentials(cached.credentials, credentials)) return cached;
    const client = new S3Client({
      region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
        expiration: credentials.expiration,
      },
    });
    const entry: Entry = { client, credentials, targets: new Map() };
    clients.set(cacheKey, entry);
    return entry;
  }

  function targetFor(entry: Entry, bucket: string): Promise<Target | undefined> {
    let target = entry.targets.get(bucket);
    if (!target) {
      target = resolveTarget(entry.client, bucket);
      // A failed resolution is not kept: the next call tries again.
      target.catch(() => entry.targets.delete(bucket));
      entry.targets.set(bucket, target);
    }
    return target;
  }

  return {
    async presign(request) {
      const uploadPart = isUploadPart(request);
      const entry = entryFor(request.credentials, request.region);
      const target = await targetFor(entry, request.bucket);
      if (target) {
        const { query, headers } = operation(request, uploadPart);
        const presigned = await target.presigner.presign(
          new HttpRequest({
            protocol: target.protocol,
            hostname: target.hostname,
            port: target.port,
            method: request.method,
            path: `${target.basePath}/${encodeKey(request.key)}`,
            query,
            headers,
          }),
          {
            expiresIn: request.expiresInSeconds,
            signingDate: request.signingDate,
            signingRegion: target.signingRegion,
            signingService: target.signingService,
            ...(request.contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
          },
        );
        return formatUrl(presigned);
      }
      const { client } = entry;
      const { bucket: Bucket, key: Key } = request;
      const options = {
        expiresIn: request.expiresInSeconds,
        signingDate: request.signingDate,
        // The presigner leaves Content-Type unsigned by default; signed, S3 refuses an upload of another type.
        ...(request.contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
      };
      switch (request.method) {
        case 'GET':
          return getSignedUrl(
            client,
            new GetObjectCommand({ Bucket, Key, ResponseContentDisposition: request.responseContentDisposition }),
            options,
          );
        case 'PUT':
          return uploadPart
            ? getSignedUrl(
                client,
                new UploadPartCommand({ Bucket, Key, UploadId: request.uploadId, PartNumber: request.partNumber }),
                options,
              )
            : getSignedUrl(client, new PutObjectCommand({ Bucket, Key, ContentType: request.contentType }), options);
        case 'HEAD':
          return getSignedUrl(client, new HeadObjectCommand({ Bucket, Key }), options);
        case 'DELETE':
          return getSignedUrl(client, new DeleteObjectCommand({ Bucket, Key }), options);
        default:
          throw new TypeError(`cannot presign method ${JSON.stringify(request.method satisfies never)}`);
      }
    },
    clear() {
      for (const { client } of clients.values()) client.destroy();
      clients.clear();
    },
    get size() {
      return clients.size;
    },
  };
}
