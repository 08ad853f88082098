/**
 * Reaching a volume's data without the proxy: temporary credentials, presigned URLs, download links and browser
 * multipart uploads. Every function takes the ports (`VendingDeps`) and the caller; a caller who is not a member
 * gets `VolumeNotFound` (404), and every attempt of a member is written to the volume's audit trail.
 */

export {
  type CacheStats,
  CredentialCache,
  type CredentialCacheOptions,
  type CredentialKey,
  createCredentialCache,
  reuseMarginMs,
} from './credential-cache';
export type { Caller, VendingDeps } from './deps';
export { keyProblem, objectKey } from './keys';
export type { CompletedPart, MultipartStore, PresignMethod, PresignRequest, UrlSigner } from './ports';
export { downloadUrl, type PresignedUrl, type PresignInput, presignObject } from './presign';
export { abortUploadBody, completeUploadBody, downloadQuery, partUrlsBody, presignBody, startUploadBody, vendBody } from './schemas';
export { SESSION_POLICY_MAX_CHARS, sessionPolicy } from './session-policy';
export {
  abortUpload,
  type CompleteUploadInput,
  completeUpload,
  type PartUrls,
  type PartUrlsInput,
  presignParts,
  type StartedUpload,
  type StartUploadInput,
  startUpload,
} from './uploads';
export { type VendedCredentials, type VendInput, vendCredentials } from './vend';
