/**
 * Reaching a volume's data without the proxy: temporary credentials, presigned URLs, download links and browser
 * multipart uploads. Every function takes the ports (`VendingDeps`) and the caller; a caller who is not a member
 * gets `VolumeNotFound` (404), and every attempt of a member is written to the volume's audit trail.
 */
export type { Caller, VendingDeps } from './deps';
export { CredentialCache, createCredentialCache, reuseMarginMs, type CacheStats, type CredentialCacheOptions, type CredentialKey } from './credential-cache';
export { sessionPolicy, SESSION_POLICY_MAX_CHARS } from './session-policy';
export { objectKey, keyProblem } from './keys';
export { vendCredentials, type VendInput, type VendedCredentials } from './vend';
export { downloadUrl, presignObject, type PresignInput, type PresignedUrl } from './presign';
export { abortUpload, completeUpload, presignParts, startUpload, type CompleteUploadInput, type PartUrls, type PartUrlsInput, type StartedUpload, type StartUploadInput } from './uploads';
export { abortUploadBody, completeUploadBody, downloadQuery, partUrlsBody, presignBody, startUploadBody, vendBody } from './schemas';
export type { CompletedPart, MultipartStore, PresignMethod, PresignRequest, UrlSigner } from './ports';
