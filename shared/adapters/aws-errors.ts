/**
 * What the adapters need to know about an error the AWS SDK threw: its code, its HTTP status, whether the
 * caller gave up (an aborted request is the caller's doing, not a dependency failure), and whether AWS refused
 * the service itself (its own permissions or resources: 500, an operator must look) or is throttling or down
 * (503, try again).
 */
import { type AppError, DependencyMisconfigured, DependencyUnavailable } from '../errors';

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The service's error code (`AccessDenied`, `NoSuchBucket`, …), or the JS error name for local failures. */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Unknown';
  const e = error as SdkErrorShape;
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  return typeof e.name === 'string' && e.name ? e.name : 'Unknown';
}

/** The HTTP status the service answered with; undefined when no answer came (network, timeout). */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export function errorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const message = (error as SdkErrorShape).message;
  return typeof message === 'string' ? message : '';
}

/** True when the request was abandoned because `signal` aborted: rethrow as is, it is not a dependency failure. */
export function wasAborted(error: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || errorCode(error) === 'AbortError';
}

/** A 503 whose message names the dependency and nothing of the SDK's detail; the SDK error stays as `cause` for logs. */
export function unavailable(message: string, code: string, cause: unknown): DependencyUnavailable {
  return new DependencyUnavailable(message, code, { cause });
}

/** Codes that mean "slow down" or "not now": the same request may succeed later. */
const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'LimitExceededException',
  'TransactionInProgressException',
  'TransactionConflictException',
  // A transaction cancelled for anything but a failed condition (which the adapters answer themselves): throttling or a conflict.
  'TransactionCanceledException',
  'RequestTimeout',
  'RequestTimeoutException',
  'RequestExpired',
  'ExpiredToken',
  'ExpiredTokenException',
  'IDPCommunicationError',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
]);

/**
 * Codes that say AWS refused the service's own request, whatever the status it came with: its role lacks a
 * permission (or a KMS key's), its credentials are not accepted, or a resource it was deployed with is missing.
 */
const MISCONFIGURATION = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'NotAuthorized',
  'ResourceNotFoundException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSInvalidKeyUsageException',
]);

/**
 * True when AWS answered the service's own request with a refusal that retrying cannot mend: one of the
 * {@link MISCONFIGURATION} codes, or any 4xx but 429 and the {@link TRANSIENT} codes (a request AWS finds
 * invalid is our bug, not an outage). Throttling, 5xx and no answer at all (network, timeout) are not.
 */
export function isMisconfiguration(error: unknown): boolean {
  const code = errorCode(error);
  if (TRANSIENT.has(code)) return false;
  if (MISCONFIGURATION.has(code)) return true;
  const status = httpStatus(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/**
 * The error an adapter throws when an AWS call of the service's own (its tables, its STS calls) failed: a 500
 * `DependencyMisconfigured` when AWS refused the service itself ({@link isMisconfiguration}), else a 503 with
 * `code` ("`dependency` did not answer; try again shortly."). Neither message names SDK detail; the SDK error
 * stays as `cause`, which the renderers log (name, code, status, request ids).
 */
export function dependencyFailure(dependency: string, code: string, cause: unknown): AppError {
  if (!isMisconfiguration(cause)) return unavailable(`${dependency} did not answer; try again shortly.`, code, cause);
  return new DependencyMisconfigured(
    `${dependency} refused a request of this service's own: the deployment is misconfigured (a permission or resource of the ` +
      `service), and retrying will not help. An operator must look; quote the request id.`,
    undefined,
    { cause },
  );
}
