/**
 * The local STS endpoint (AWS Query protocol, API version 2011-06-15): AssumeRole, AssumeRoleWithWebIdentity
 * (the one action an anonymous request may call) and GetCallerIdentity (which needs no permission, as at AWS).
 */

import type { IamStore } from '../iam/store';
import { missingAuthentication } from '../iam/validation';
import { dispatchQuery, type QueryHandler, STS_QUERY, xmlText } from '../query-protocol';
import type { Authorizer, AwsRequest, AwsResponse } from '../types';
import { assumeRole } from './assume-role';
import { defaultFetchJson } from './oidc-discovery';
import type { FetchJson, StsContext } from './sts-context';
import { assumeRoleWithWebIdentity } from './web-identity';

export { defaultFetchJson } from './oidc-discovery';
export type { FetchJson } from './sts-context';

export interface StsServiceDeps {
  store: IamStore;
  authorize: Authorizer;
  now?: () => Date;
  /** Fetches OIDC discovery documents and JWKS; defaults to `fetch` with a timeout. */
  fetchJson?: FetchJson;
}

export interface StsService {
  handle(req: AwsRequest, form: URLSearchParams): Promise<AwsResponse>;
}

export function createStsService(deps: StsServiceDeps): StsService {
  const ctx: StsContext = {
    store: deps.store,
    authorize: deps.authorize,
    now: deps.now ?? (() => new Date()),
    fetchJson: deps.fetchJson ?? defaultFetchJson,
  };
  const handlers: Record<string, QueryHandler> = {
    AssumeRole: (req, form) => assumeRole(ctx, req.caller, form),
    AssumeRoleWithWebIdentity: (_req, form) => assumeRoleWithWebIdentity(ctx, form),
    GetCallerIdentity: (req) => {
      if (!req.caller) throw missingAuthentication();
      return xmlText('Arn', req.caller.arn) + xmlText('UserId', req.caller.userId) + xmlText('Account', req.caller.accountId);
    },
  };
  return { handle: (req, form) => dispatchQuery(STS_QUERY, req, form, handlers) };
}
