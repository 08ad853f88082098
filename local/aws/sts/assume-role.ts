/**
 * STS AssumeRole.
 *
 * The role's trust policy must allow the caller `sts:AssumeRole` (and `sts:TagSession` when the new session
 * carries tags, `sts:SetSourceIdentity` when it carries a source identity). The caller's own identity policies
 * must allow the same actions on the role as well, unless the trust policy names the caller itself (its user,
 * role or session ARN) in the same account; AWS's rules for cross-account access and for delegation to an
 * account. An explicit deny in the caller's policies always refuses. Setting a source identity from a role
 * session needs the caller's own permission too. A caller that is a role session is role chaining: at most
 * one hour, transitive tags and the source identity carried on.
 */
import { baseContext, principalContext } from '../iam/authorizer';
import { evaluate, parsePolicyCached } from '../iam/policy';
import { principalOf } from '../iam/policy-principal';
import { accessDenied, missingAuthentication } from '../iam/validation';
import { xmlText } from '../query-protocol';
import { AwsError, type Caller, type ConditionContext } from '../types';
import { checkPackedSize } from './packed-size';
import {
  durationParam,
  externalIdParam,
  ROLE_CHAINING_MAX_SECONDS,
  rejectMfa,
  rejectPolicyArns,
  roleArnParam,
  sessionNameParam,
  sessionPolicyParam,
  sessionTagsParam,
  sourceIdentityParam,
  transitiveKeysParam,
} from './session-params';
import { assumedRoleUserXml, credentialsXml, requestTagContext, type StsContext, trustPolicyAllows } from './sts-context';

const validation = (message: string) => new AwsError('ValidationError', message, 400);

/** The new session's tags: the caller's transitive tags (which a request may not override) plus the requested ones. */
function chainTags(caller: Caller, requested: Record<string, string>, requestedTransitive: string[]) {
  const inheritedKeys = caller.isRoleSession ? (caller.transitiveTagKeys ?? []) : [];
  const inherited: Record<string, string> = {};
  for (const key of inheritedKeys) {
    const value = caller.tags?.[key];
    if (value !== undefined) inherited[key] = value;
  }
  const inheritedLower = new Set(Object.keys(inherited).map((k) => k.toLowerCase()));
  for (const key of Object.keys(requested)) {
    if (inheritedLower.has(key.toLowerCase())) {
      throw new AwsError(
        'InvalidParameterValue',
        `The session tag ${key} is a transitive tag inherited from the calling session and cannot be overridden.`,
        400,
      );
    }
  }
  const transitive = [...Object.keys(inherited), ...requestedTransitive.filter((k) => !inheritedLower.has(k.toLowerCase()))];
  return { tags: { ...inherited, ...requested }, transitive };
}

/**
 * A trust policy that names the caller's role (not its session) still leaves the caller's session policy in
 * force: the session policy must allow the action too. (At AWS a trust policy naming the session's own ARN
 * bypasses the session policy; here nothing does, which is stricter.)
 */
function sessionPolicyDecision(caller: Caller, action: string, resource: string, context: ConditionContext) {
  if (caller.sessionPolicy === undefined) return undefined;
  let policy;
  try {
    policy = parsePolicyCached(caller.sessionPolicy, 'session');
  } catch {
    return { allowed: false, explicitDeny: false, reason: 'the session policy of the calling session is not valid' };
  }
  const d = evaluate({ identityPolicies: [{ name: 'the session policy', policy }], action, resource, context });
  return d.allowed ? d : { ...d, reason: `no session policy allows the ${action} action` };
}

export function assumeRole(ctx: StsContext, caller: Caller | null, form: URLSearchParams): string {
  if (!caller) throw missingAuthentication();
  if (caller.kind === 'root') throw new AwsError('AccessDenied', 'Roles may not be assumed by root accounts.', 403);
  const roleArn = roleArnParam(form);
  const sessionName = sessionNameParam(form);
  const duration = durationParam(form);
  const externalId = externalIdParam(form);
  const policy = sessionPolicyParam(form);
  rejectPolicyArns(form);
  rejectMfa(form);
  const requestedTagList = sessionTagsParam(form);
  const requestedTransitive = transitiveKeysParam(form, requestedTagList);
  const requestedSourceIdentity = sourceIdentityParam(form);

  const chaining = caller.isRoleSession;
  if (chaining && duration !== undefined && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (caller.sourceIdentity && requestedSourceIdentity !== undefined && requestedSourceIdentity !== caller.sourceIdentity) {
    throw validation(`SourceIdentity cannot be changed once set: the calling session's source identity is ${caller.sourceIdentity}.`);
  }
  const sourceIdentity = requestedSourceIdentity ?? caller.sourceIdentity;
  const requestedTags = Object.fromEntries(requestedTagList.map((t) => [t.Key, t.Value]));
  const { tags, transitive } = chainTags(caller, requestedTags, requestedTransitive);

  const role = ctx.store.roles.findByArn(roleArn);
  if (!role) throw accessDenied(caller, 'sts:AssumeRole', roleArn);
  const now = ctx.now();
  const context: ConditionContext = {
    ...baseContext(now),
    ...Object.fromEntries(role.tags.map((t) => [`aws:ResourceTag/${t.Key}`, t.Value])),
    ...requestTagContext(requestedTags),
    'sts:RoleSessionName': sessionName,
    'sts:ExternalId': externalId,
    'sts:SourceIdentity': sourceIdentity,
    'sts:TransitiveTagKeys': requestedTransitive.length > 0 ? requestedTransitive : undefined,
    ...principalContext(caller, ctx.store),
  };
  const who = principalOf(caller);
  const crossAccount = role.arn.split(':')[4] !== caller.accountId;
  const actions = [
    'sts:AssumeRole',
    ...(Object.keys(tags).length > 0 ? ['sts:TagSession'] : []),
    ...(sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : []),
  ];
  for (const action of actions) {
    const trust = trustPolicyAllows(role, who, action, context);
    if (trust.effect !== 'Allow') throw accessDenied(caller, action, role.arn);
    const identity = ctx.authorize(caller, action, role.arn, context);
    const needsIdentity = crossAccount || !trust.explicitPrincipal || (action === 'sts:SetSourceIdentity' && chaining);
    if (identity.explicitDeny || (needsIdentity && !identity.allowed)) throw accessDenied(caller, action, role.arn, identity);
    const session = needsIdentity ? undefined : sessionPolicyDecision(caller, action, role.arn, context);
    if (session && !session.allowed) throw accessDenied(caller, action, role.arn, session);
  }

  const durationSeconds = duration ?? 3600;
  if (durationSeconds > role.maxSessionDuration) {
    throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const packedPolicySize = checkPackedSize(policy, tags);
  const minted = ctx.store.sessions.create({
    role,
    sessionName,
    durationSeconds,
    sessionPolicy: policy,
    sourceIdentity,
    tags,
    transitiveTagKeys: transitive,
  });
  return (
    xmlText('SourceIdentity', sourceIdentity) +
    assumedRoleUserXml(minted) +
    credentialsXml(minted) +
    xmlText('PackedPolicySize', packedPolicySize)
  );
}
