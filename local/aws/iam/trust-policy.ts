/**
 * Checks a role trust policy on write, as IAM does: valid trust-policy syntax, at most 2,048 characters (white
 * space not counted), and every user or role it names must exist. The unique ids of the named users and roles
 * are recorded, so a principal deleted and created again under the same name is not trusted by this policy.
 */
import { AwsError } from '../types';
import { parsePolicy, policySize } from './policy';
import { normaliseAwsPrincipal } from './policy-principal';
import type { IamStore } from './store';

export const TRUST_POLICY_QUOTA = 2048;

/** Validates a trust policy; returns principal ARN → unique id for the users and roles it names. */
export function checkTrustPolicy(store: IamStore, document: string): Record<string, string> {
  const policy = parsePolicy(document, 'trust');
  if (policySize(document) > TRUST_POLICY_QUOTA) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`, 409);
  }
  const bindings: Record<string, string> = {};
  const entries = policy.statements.flatMap((s) => [...(s.principal?.aws ?? []), ...(s.notPrincipal?.aws ?? [])]);
  for (const entry of entries.map(normaliseAwsPrincipal)) {
    const m = /^arn:aws:iam::(\d{12}):(user|role)(\/.*)$/.exec(entry);
    if (!m) continue;
    const [, accountId = '', type, rest = ''] = m;
    if (!store.account(accountId)) continue; // an account this emulator does not hold: nothing to check against
    const name = rest.split('/').pop() ?? '';
    const entity = type === 'role' ? store.roles.get(accountId, name) : store.users.get(accountId, name);
    if (!entity || entity.arn !== entry)
      throw new AwsError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${entry}"`, 400);
    bindings[entry] = 'roleId' in entity ? entity.roleId : entity.userId;
  }
  return bindings;
}
