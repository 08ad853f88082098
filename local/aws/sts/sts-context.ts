/** What the STS actions share: the store, the authorizer, the clock, the OIDC fetcher; and their XML pieces. */
import { evaluatePolicy, type PolicyOutcome, parsePolicyCached } from '../iam/policy';
import type { PrincipalIdentity } from '../iam/policy-principal';
import type { IamStore } from '../iam/store';
import type { RoleRecord } from '../iam/store-model';
import type { SessionCredentials } from '../iam/store-sessions';
import { xmlElement, xmlText } from '../query-protocol';
import type { Authorizer, ConditionContext } from '../types';

/** Fetches and parses a JSON document (OIDC discovery, JWKS). Injected so tests and air-gapped runs can stub it. */
export type FetchJson = (url: string) => Promise<unknown>;

export interface StsContext {
  store: IamStore;
  authorize: Authorizer;
  now: () => Date;
  fetchJson: FetchJson;
}

/** Evaluates the role's trust policy for one action (`sts:AssumeRole`, `sts:TagSession`, …). */
export function trustPolicyAllows(role: RoleRecord, who: PrincipalIdentity, action: string, context: ConditionContext): PolicyOutcome {
  let policy;
  try {
    policy = parsePolicyCached(role.assumeRolePolicyDocument, 'trust');
  } catch {
    return { effect: 'NoMatch' };
  }
  return evaluatePolicy(policy, { action, resource: role.arn, context, principal: who, principalBindings: role.trustBindings });
}

/** `aws:RequestTag/K`, `aws:TagKeys` for the tags a request passes. */
export function requestTagContext(tags: Record<string, string>): ConditionContext {
  const keys = Object.keys(tags);
  return {
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    ...(keys.length > 0 ? { 'aws:TagKeys': keys } : {}),
  };
}

export function credentialsXml(c: SessionCredentials): string {
  return xmlElement(
    'Credentials',
    xmlText('AccessKeyId', c.accessKeyId) +
      xmlText('SecretAccessKey', c.secretAccessKey) +
      xmlText('SessionToken', c.sessionToken) +
      xmlText('Expiration', c.expiration),
  );
}

export function assumedRoleUserXml(c: SessionCredentials): string {
  return xmlElement('AssumedRoleUser', xmlText('AssumedRoleId', c.caller.userId) + xmlText('Arn', c.caller.arn));
}
