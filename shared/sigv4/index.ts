/**
 * Verifying AWS Signature Version 4 from a raw request: parse the claim, verify it against the access key's
 * secret, then pipe the body through {@link bodyVerifier}. Signing stays with `@smithy/signature-v4`.
 */
export { SigV4Error, SIGNATURE_MISMATCH_MESSAGE, type SigV4ErrorCode } from './errors';
export { parseSigV4, parseAmzDate, checkHeadersSigned, isS3Service, ALGORITHM, MAX_PRESIGNED_EXPIRES_SECONDS, type ParsedSigV4, type SigV4Request } from './parse';
export { canonicalPath, canonicalQuery, canonicalHeaders, canonicalRequest, stringToSign, headersFromRaw, sha256Hex } from './canonical';
export { checkScopeRegion, checkScopeService } from './scope';
export { verifySigV4, signingKey, clearSigningKeyCache, DEFAULT_MAX_SKEW_SECONDS, type VerifyOptions } from './verify';
export { bodyVerifier, awsChunkedDecoder, announcedTrailers } from './body-verifier';
export { AwsChunkedDecoder, type AwsChunkedOptions, type ChunkSigning, type Trailers } from './chunked';
export { createChecksum, checksumAlgorithmOf, checksumBase64Length, type Checksum, type ChecksumAlgorithm } from './checksums';
export {
  createPayloadHashCheck,
  isSha256Hex,
  isStreamingMode,
  EMPTY_SHA256,
  UNSIGNED_PAYLOAD,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  type StreamingMode,
} from './payload-hash';
