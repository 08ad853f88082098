/**
 * Verifying AWS Signature Version 4 from a raw request: parse the claim, verify it against the access key's
 * secret, then pipe the body through {@link bodyVerifier}. Signing stays with `@smithy/signature-v4`.
 */

export { announcedTrailers, awsChunkedDecoder, bodyVerifier } from './body-verifier';
export { canonicalHeaders, canonicalPath, canonicalQuery, canonicalRequest, headersFromRaw, sha256Hex, stringToSign } from './canonical';
export { type Checksum, type ChecksumAlgorithm, checksumAlgorithmOf, checksumBase64Length, createChecksum } from './checksums';
export { AwsChunkedDecoder, type AwsChunkedOptions, type ChunkSigning, type Trailers } from './chunked';
export { SIGNATURE_MISMATCH_MESSAGE, SigV4Error, type SigV4ErrorCode } from './errors';
export {
  ALGORITHM,
  checkHeadersSigned,
  isS3Service,
  MAX_PRESIGNED_EXPIRES_SECONDS,
  type ParsedSigV4,
  parseAmzDate,
  parseSigV4,
  type SigV4Request,
} from './parse';
export {
  createPayloadHashCheck,
  EMPTY_SHA256,
  isSha256Hex,
  isStreamingMode,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  type StreamingMode,
  UNSIGNED_PAYLOAD,
} from './payload-hash';
export { checkScopeRegion, checkScopeService } from './scope';
export { clearSigningKeyCache, DEFAULT_MAX_SKEW_SECONDS, signingKey, type VerifyOptions, verifySigV4 } from './verify';
