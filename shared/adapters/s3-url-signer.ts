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
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
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

interface Entry {
  client: S3Client;
  credentials: TemporaryCredentials;
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

  function clientFor(credentials: TemporaryCredentials, region: string): S3Client {
    const cacheKey = `${region}\n${credentials.accessKeyId}`;
    const cached = clients.get(cacheKey);
    if (cached && sameCredentials(cached.credentials, credentials)) return cached.client;
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
    clients.set(cacheKey, { client, credentials });
    return client;
  }

  return {
    async presign(request) {
      const uploadPart = isUploadPart(request);
      const client = clientFor(request.credentials, request.region);
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
