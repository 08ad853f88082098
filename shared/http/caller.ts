import type { Identity } from '../auth/identity';
import type { RouteRequest } from './types';

/** The caller as domain functions see it: who (from the verified token), for which request. */
export interface RequestCaller {
  subject: string;
  /** The caller's own token, for AssumeRoleWithWebIdentity; never logged or returned. */
  token: string;
  authMethods: string[];
  requestId: string;
  signal?: AbortSignal;
}

export function callerOf(request: RouteRequest<unknown, Identity, unknown>): RequestCaller {
  return {
    subject: request.identity.subject,
    token: request.identity.token,
    authMethods: request.identity.authMethods,
    requestId: request.requestId,
    signal: request.signal,
  };
}
