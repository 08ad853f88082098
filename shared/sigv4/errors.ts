/**
 * The one error type of SigV4 verification, an {@link AppError}: its `code` is the S3 error code a client
 * expects (its `s3Code` too) and `status` the HTTP status S3 answers with, so whoever renders errors (S3 XML,
 * JSON) maps it without a table.
 */
import { AppError } from '../errors';

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

export class SigV4Error extends AppError {
  declare readonly code: SigV4ErrorCode;

  constructor(
    code: SigV4ErrorCode,
    message: string,
    /** Extra fields S3 puts inside `<Error>` (`RequestTime`, `ServerTime`, `StringToSign`…). */
    readonly extra: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(STATUS[code], code, message, code, undefined, options);
    this.name = 'SigV4Error';
  }
}

/** The message S3 gives for any signature that does not match, word for word. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
