/**
 * What credential vending and presigning need beyond the volume ports: signing URLs with vended
 * credentials, and the multipart calls a browser upload needs from the server side. Adapters in
 * `shared/adapters/`; domain code never imports `@aws-sdk/*`.
 */
import type { TemporaryCredentials } from '../volumes/ports';

export type PresignMethod = 'GET' | 'PUT' | 'HEAD' | 'DELETE';

export interface ObjectTarget {
  bucket: string;
  /** The full S3 key (volume prefix included). */
  key: string;
  region: string;
}

export interface PresignRequest extends ObjectTarget {
  credentials: TemporaryCredentials;
  method: PresignMethod;
  expiresInSeconds: number;
  /** Injected so tests (and `expiresAt`) are exact. */
  signingDate: Date;
  /** PUT: the Content-Type the uploader must send (signed). */
  contentType?: string;
  /** GET: `response-content-disposition`, e.g. `attachment; filename="x.fa"`. */
  responseContentDisposition?: string;
  /** UploadPart: both set. */
  uploadId?: string;
  partNumber?: number;
}

export interface UrlSigner {
  presign(request: PresignRequest): Promise<string>;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/**
 * Server-side multipart calls, with vended credentials. A missing upload rejects with
 * `NotFound(…, 'UploadNotFound')`, bad parts with `ValidationFailed(…, 'parts', 'InvalidPart')`,
 * a denial with S3AccessDenied, S3 unreachable with DependencyUnavailable.
 */
export interface MultipartStore {
  create(
    credentials: TemporaryCredentials,
    target: ObjectTarget & { contentType?: string },
    signal?: AbortSignal,
  ): Promise<{ uploadId: string }>;
  complete(
    credentials: TemporaryCredentials,
    target: ObjectTarget & { uploadId: string; parts: CompletedPart[] },
    signal?: AbortSignal,
  ): Promise<{ etag: string }>;
  abort(credentials: TemporaryCredentials, target: ObjectTarget & { uploadId: string }, signal?: AbortSignal): Promise<void>;
  /** Resolves when S3 has the upload open for this key (ListParts, one part); `NotFound(UploadNotFound)` when not. */
  check(credentials: TemporaryCredentials, target: ObjectTarget & { uploadId: string }, signal?: AbortSignal): Promise<void>;
}
