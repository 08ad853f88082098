/**
 * The one error type of SigV4 verification. Its `code` is the S3 error code a client expects and `status`
 * the HTTP status S3 answers with, so whoever renders errors (S3 XML, JSON) maps it without a table.
 */

const STATUS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  IncompleteBody: 400,
  InvalidArgument: 400,
  InvalidChunkSizeError: 400,
  InvalidRequest: 400,
  MalformedTrailerError: 400,
  MissingSecurityHeader: 400,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type SigV4ErrorCode = keyof typeof STATUS;

export class SigV4Error extends Error {
  readonly status: number;

  constructor(
    readonly code: SigV4ErrorCode,
    message: string,
    /** Extra fields S3 puts inside `<Error>` (`RequestTime`, `ServerTime`, `StringToSign`…). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SigV4Error';
    this.status = STATUS[code];
  }
}

/** The message S3 gives for any signature that does not match, word for word. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
