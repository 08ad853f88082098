/**
 * IAM policy evaluation for one account: an explicit Deny in any policy wins; otherwise an identity policy must
 * Allow, and for a role session the session policy must Allow as well (the session gets the intersection).
 * Trust policies are evaluated with {@link evaluatePolicy} and a principal.
 */
import type { ConditionContext } from '../types';
import { type ContextValues, conditionHolds } from './policy-conditions';
import { actionMatches, globMatch, patternParts, type VariableLookup } from './policy-match';
import { type ParsedPolicy, type ParsedStatement, type PolicyKind, parsePolicy } from './policy-parse';
import { notPrincipalExcludes, type PrincipalIdentity, principalMatches } from './policy-principal';

export { type ParsedPolicy, type PolicyKind, parsePolicy, policySize } from './policy-parse';

export interface NamedPolicy {
  /** How an operator finds it: `role policy "read-data"`, `session policy`. */
  name: string;
  policy: ParsedPolicy;
}

export interface PolicyRequest {
  action: string;
  resource: string;
  context: ConditionContext;
  /** For trust policies: who is asking. */
  principal?: PrincipalIdentity;
  /** For trust policies: principal ARN → unique id recorded when the policy was written. */
  principalBindings?: Record<string, string>;
}

export interface PolicyOutcome {
  effect: 'Allow' | 'Deny' | 'NoMatch';
  /** The deciding statement's Sid (first Deny, else first Allow). */
  sid?: string;
  /** For trust policies: the allowing statement named the caller itself, not only its account or `*`. */
  explicitPrincipal?: boolean;
}

export interface Decision {
  allowed: boolean;
  explicitDeny: boolean;
  reason: string;
}

/** Context keys compare case-insensitively: one lookup table of lower-cased keys, values as lists. */
export function contextValues(context: ConditionContext): ContextValues {
  const table = new Map<string, string[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    table.set(key.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return (key) => table.get(key.toLowerCase());
}

function variablesOf(values: ContextValues): VariableLookup {
  return (key) => {
    const v = values(key);
    return v && v.length === 1 ? v[0] : undefined;
  };
}

function statementApplies(s: ParsedStatement, policy: ParsedPolicy, req: PolicyRequest, values: ContextValues) {
  const vars = policy.variables ? variablesOf(values) : undefined;
  if (s.actions && !s.actions.some((a) => actionMatches(a, req.action))) return undefined;
  if (s.notActions?.some((a) => actionMatches(a, req.action))) return undefined;
  const resourceMatches = (r: string) => {
    const parts = patternParts(r, vars);
    return parts !== undefined && globMatch(parts, req.resource);
  };
  if (s.resources && !s.resources.some(resourceMatches)) return undefined;
  if (s.notResources?.some(resourceMatches)) return undefined;
  let explicit = false;
  if (s.principal) {
    if (!req.principal) return undefined;
    const m = principalMatches(s.principal, req.principal, req.principalBindings);
    if (!m.matched) return undefined;
    explicit = m.explicit;
  }
  if (s.notPrincipal && (!req.principal || notPrincipalExcludes(s.notPrincipal, req.principal, req.principalBindings))) {
    return undefined;
  }
  if (!s.conditions.every((c) => conditionHolds(c, values, vars))) return undefined;
  return { explicit };
}

/** Evaluates one policy: Deny if any statement denies, Allow if one allows, else NoMatch. */
export function evaluatePolicy(policy: ParsedPolicy, req: PolicyRequest): PolicyOutcome {
  const values = contextValues(req.context);
  let allow: PolicyOutcome | undefined;
  for (const s of policy.statements) {
    const hit = statementApplies(s, policy, req, values);
    if (!hit) continue;
    if (s.effect === 'Deny') return { effect: 'Deny', sid: s.sid };
    if (!allow || (hit.explicit && !allow.explicitPrincipal)) {
      allow = { effect: 'Allow', sid: s.sid, explicitPrincipal: hit.explicit };
    }
  }
  return allow ?? { effect: 'NoMatch' };
}

const describe = (p: NamedPolicy, sid?: string) => `${p.name}${sid ? `, statement "${sid}"` : ''}`;

/**
 * Identity policies AND (when given) session policies. `sessionPolicies: undefined` means the caller has no
 * session policy; an empty list would deny everything.
 */
export function evaluate(input: {
  identityPolicies: NamedPolicy[];
  sessionPolicies?: NamedPolicy[];
  action: string;
  resource: string;
  context: ConditionContext;
}): Decision {
  const req: PolicyRequest = { action: input.action, resource: input.resource, context: input.context };
  const groups = [
    { label: 'an identity-based policy', policies: input.identityPolicies },
    ...(input.sessionPolicies ? [{ label: 'a session policy', policies: input.sessionPolicies }] : []),
  ];
  const allowedBy: string[] = [];
  const missing: string[] = [];
  for (const group of groups) {
    let allowed: string | undefined;
    for (const p of group.policies) {
      const outcome = evaluatePolicy(p.policy, req);
      if (outcome.effect === 'Deny') {
        return { allowed: false, explicitDeny: true, reason: `an explicit deny in ${group.label} (${describe(p, outcome.sid)})` };
      }
      if (outcome.effect === 'Allow' && !allowed) allowed = describe(p, outcome.sid);
    }
    if (allowed) allowedBy.push(allowed);
    else missing.push(group.label === 'a session policy' ? 'session policy' : 'identity-based policy');
  }
  if (missing.length > 0) {
    return { allowed: false, explicitDeny: false, reason: `no ${missing[0]} allows the ${input.action} action` };
  }
  return { allowed: true, explicitDeny: false, reason: `allowed by ${allowedBy.join(' and ')}` };
}

const CACHE_LIMIT = 500;
const cache = new Map<string, ParsedPolicy>();

/** {@link parsePolicy} with a bounded cache, for documents already validated on write. */
export function parsePolicyCached(text: string, kind: PolicyKind): ParsedPolicy {
  const key = `${kind}\n${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parsePolicy(text, kind);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

/** Empties the parse cache (tests). */
export function resetPolicyCache(): void {
  cache.clear();
}
