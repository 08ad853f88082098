/**
 * `Principal` / `NotPrincipal` in trust (and other resource-based) policies.
 *
 * A principal is named by a chain of identifiers, most general first: the account (`arn:aws:iam::A:root`), then
 * the user, or the role and its session. A policy entry matches when it names any link of the chain; naming the
 * account (or `*`) delegates the decision to the account's own identity policies, which AWS then also requires.
 * IAM binds a user or role ARN in a trust policy to the entity's unique id when the policy is written, so a role
 * deleted and created again under the same name is not trusted by policies written for the old one.
 */
import type { Caller } from '../types';

export interface PrincipalSet {
  /** `"Principal": "*"`: everyone, federated and anonymous callers included. */
  everyone: boolean;
  aws: string[];
  federated: string[];
  service: string[];
  canonicalUser: string[];
}

/** Who is asking, as a trust policy sees them. */
export interface PrincipalIdentity {
  accountId?: string;
  /** `arn:aws:iam::A:user/NAME`, or the role ARN then the session ARN. The account root is implied by accountId. */
  arns: string[];
  /** Unique ids (AIDA…, AROA…) of the entities in {@link arns}, by ARN. */
  uniqueIds: Record<string, string>;
  /** For web identity federation: the IAM OIDC provider ARN. */
  federated?: string;
}

export interface PrincipalMatch {
  matched: boolean;
  /** True when a user, role or session ARN matched (not only the account or `*`). */
  explicit: boolean;
}

export const rootArn = (accountId: string) => `arn:aws:iam::${accountId}:root`;

/** The principal chain of an authenticated caller. */
export function principalOf(caller: Caller): PrincipalIdentity {
  if (caller.kind === 'root') return { accountId: caller.accountId, arns: [], uniqueIds: {} };
  if (caller.kind === 'user') {
    return { accountId: caller.accountId, arns: [caller.arn], uniqueIds: { [caller.arn]: caller.userId } };
  }
  const roleArn = caller.roleArn ?? '';
  const roleId = caller.userId.split(':')[0] ?? '';
  return { accountId: caller.accountId, arns: [roleArn, caller.arn], uniqueIds: { [roleArn]: roleId } };
}

/** Normalises an `AWS` principal entry: a bare account id means the account root. */
export function normaliseAwsPrincipal(entry: string): string {
  return /^\d{12}$/.test(entry) ? rootArn(entry) : entry;
}

function awsEntryMatches(entry: string, who: PrincipalIdentity, bindings: Record<string, string>) {
  if (entry === '*') return { matched: who.accountId !== undefined, explicit: false };
  const arn = normaliseAwsPrincipal(entry);
  if (who.accountId && arn === rootArn(who.accountId)) return { matched: true, explicit: false };
  if (!who.arns.includes(arn)) return { matched: false, explicit: false };
  const bound = bindings[arn];
  const matched = bound === undefined || bound === who.uniqueIds[arn];
  return { matched, explicit: matched };
}

/** Does a `Principal` element name this caller? */
export function principalMatches(set: PrincipalSet, who: PrincipalIdentity, bindings: Record<string, string> = {}): PrincipalMatch {
  if (set.everyone) return { matched: true, explicit: false };
  let result: PrincipalMatch = { matched: false, explicit: false };
  for (const entry of set.aws) {
    const m = awsEntryMatches(entry, who, bindings);
    if (m.matched) result = { matched: true, explicit: result.explicit || m.explicit };
  }
  if (who.federated && set.federated.includes(who.federated)) result = { matched: true, explicit: true };
  return result;
}

/**
 * Does a `NotPrincipal` element exclude this caller? Only when it names every link of the caller's chain (the
 * account, the role and the session): AWS evaluates the links separately, so leaving one out still applies the
 * statement to the caller.
 */
export function notPrincipalExcludes(set: PrincipalSet, who: PrincipalIdentity, bindings: Record<string, string> = {}): boolean {
  if (set.everyone) return true;
  if (who.federated) return set.federated.includes(who.federated);
  if (!who.accountId) return false;
  const names = (arn: string) => set.aws.some((e) => e === '*' || normaliseAwsPrincipal(e) === arn);
  if (!names(rootArn(who.accountId))) return false;
  return who.arns.every((arn) => names(arn) && (bindings[arn] === undefined || bindings[arn] === who.uniqueIds[arn]));
}
