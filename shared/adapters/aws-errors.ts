/**
 * What the adapters need to know about an error the AWS SDK threw: its code, its HTTP status, and
 * whether the caller gave up (an aborted request is the caller's doing, not a dependency failure).
 */
import { DependencyUnavailable } from '../errors';

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
  const error = new DependencyUnavailable(message, code);
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return error;
}
