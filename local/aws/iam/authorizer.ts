/**
 * The {@link Authorizer} for callers acting in their own account: the account root may do anything; a user is
 * governed by its inline policies; a role session by its role's inline policies AND its session policy.
 * The condition context is the service's plus the global keys derived here from the caller; the principal keys
 * are derived last, so a service cannot (even by mistake) pass a caller's identity that is not the caller's.
 */
import type { AuthorizationDecision, Authorizer, Caller, ConditionContext } from '../types';
import { evaluate, type NamedPolicy, parsePolicyCached } from './policy';
import type { IamStore } from './store';
import type { Tag } from './store-model';

export interface AuthorizerDeps {
  store: IamStore;
  now?: () => Date;
}

const tagsOf = (tags: Tag[]): Record<string, string> => Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** Principal tags: the user's or role's IAM tags, overridden (case-insensitively) by session tags. */
function principalTags(caller: Caller, store: IamStore): Record<string, string> {
  let base: Record<string, string> = {};
  if (caller.kind === 'user') {
    const user = store.users.get(caller.accountId, caller.arn.split('/').pop() ?? '');
    base = tagsOf(user?.tags ?? []);
  } else if (caller.kind === 'assumed-role' && caller.roleArn) {
    base = tagsOf(store.roles.findByArn(caller.roleArn)?.tags ?? []);
  }
  const merged = new Map<string, [string, string]>();
  for (const [k, v] of [...Object.entries(base), ...Object.entries(caller.tags ?? {})]) merged.set(k.toLowerCase(), [k, v]);
  return Object.fromEntries(merged.values());
}

/** Request-independent global keys: `aws:CurrentTime`, `aws:EpochTime`, `aws:SecureTransport` (false: plain http locally). */
export function baseContext(now: Date): ConditionContext {
  return {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': 'false',
    'aws:ViaAWSService': 'false',
  };
}

/** The global keys that describe the caller: `aws:PrincipalArn`, `aws:userid`, `aws:PrincipalTag/…`, … */
export function principalContext(caller: Caller, store: IamStore): ConditionContext {
  const ctx: ConditionContext = {
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalArn': caller.kind === 'assumed-role' ? (caller.roleArn ?? caller.arn) : caller.arn,
    'aws:userid': caller.userId,
    'aws:PrincipalType': caller.kind === 'root' ? 'Account' : caller.kind === 'user' ? 'User' : 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
  };
  if (caller.kind === 'user') ctx['aws:username'] = caller.arn.split('/').pop();
  if (caller.sourceIdentity) ctx['aws:SourceIdentity'] = caller.sourceIdentity;
  if (caller.issuedAt) ctx['aws:TokenIssueTime'] = caller.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const [k, v] of Object.entries(principalTags(caller, store))) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

const PRINCIPAL_KEYS = /^aws:(principal[a-z]*(\/.*)?|userid|username|sourceidentity|tokenissuetime)$/i;

/** The service's context without any key that describes the principal: those come from the caller only. */
function requestKeysOnly(context: ConditionContext): ConditionContext {
  return Object.fromEntries(Object.entries(context).filter(([k]) => !PRINCIPAL_KEYS.test(k)));
}

/** A policy the store holds (validated on write); one that no longer parses grants nothing. */
function named(name: string, document: string, kind: 'identity' | 'session'): NamedPolicy[] {
  try {
    return [{ name, policy: parsePolicyCached(document, kind) }];
  } catch {
    return [];
  }
}

function identityPolicies(caller: Caller, store: IamStore): NamedPolicy[] | string {
  if (caller.kind === 'user') {
    const user = store.users.get(caller.accountId, caller.arn.split('/').pop() ?? '');
    if (!user || user.userId !== caller.userId) return `the user ${caller.arn} no longer exists`;
    return Object.values(user.policies).flatMap((p) => named(`user policy "${p.name}"`, p.document, 'identity'));
  }
  const role = caller.roleArn ? store.roles.findByArn(caller.roleArn) : undefined;
  const roleId = caller.userId.split(':')[0];
  if (!role || role.roleId !== roleId) {
    return `the role ${caller.roleArn ?? '?'} of this session was deleted; its sessions keep no permissions`;
  }
  return Object.values(role.policies).flatMap((p) => named(`role policy "${p.name}"`, p.document, 'identity'));
}

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const now = deps.now ?? (() => new Date());
  return (caller, action, resource, context = {}): AuthorizationDecision => {
    const at = now();
    if (caller.expiresAt && caller.expiresAt.getTime() <= at.getTime()) {
      return { allowed: false, reason: `the session's credentials expired at ${caller.expiresAt.toISOString()}` };
    }
    if (caller.kind === 'root') return { allowed: true, reason: `the root user of account ${caller.accountId}` };
    const policies = identityPolicies(caller, deps.store);
    if (typeof policies === 'string') return { allowed: false, explicitDeny: false, reason: policies };
    const sessionPolicies = caller.sessionPolicy !== undefined ? named('the session policy', caller.sessionPolicy, 'session') : undefined;
    const fullContext = { ...baseContext(at), ...requestKeysOnly(context), ...principalContext(caller, deps.store) };
    return evaluate({ identityPolicies: policies, sessionPolicies, action, resource, context: fullContext });
  };
}
