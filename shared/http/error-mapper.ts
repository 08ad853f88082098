import { AppError, causeFields } from '../errors';
import type { Logger } from '../log';
import { countMetric } from '../metrics';
import type { HttpResult } from './types';

/** Seconds a client should wait before retrying a 503 (a throttled or unavailable dependency). */
export const RETRY_AFTER_SECONDS = 1;

/** The one place API errors become responses: JSON `{code, message, requestId}` plus safe details. */
export function errorResponse(error: unknown, requestId: string, log: Logger): HttpResult {
  if (error instanceof AppError) {
    const level = error.status >= 500 ? 'error' : 'info';
    // The cause (an AWS SDK error) is what tells an operator a missing permission from an outage.
    const cause = causeFields(error.cause);
    log[level]('request refused', { status: error.status, code: error.code, reason: error.message, ...(cause ? { cause } : {}) });
    if (error.status === 401 || error.status === 403) countMetric('Denials', { Reason: error.code });
    // A dependency that did not answer: tell clients when to retry (SDKs and browsers honour Retry-After).
    const retry = error.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
    return json(error.status, { code: error.code, message: error.message, requestId, ...error.details }, requestId, retry);
  }
  // Unknown: a bug or an unmapped dependency failure. Log what it was, tell the caller nothing more.
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  log.error('unhandled error', { errorName: name, errorMessage: message, cause: causeFields(error) });
  return json(
    500,
    { code: 'InternalError', message: 'Something went wrong on our side. Quote the request id if you report it.', requestId },
    requestId,
  );
}

export function json(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
