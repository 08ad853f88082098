/** IAM role actions: CreateRole, GetRole, UpdateRole, trust and inline policies, tags, DeleteRole. */
import { escapeXml } from '../../../shared/s3/xml-escape';
import { memberList, xmlMembers, xmlText } from '../query-protocol';
import { AwsError, type Caller, type ConditionContext } from '../types';
import { encodePolicyDocument, roleXml, tagsXml } from './iam-xml';
import { parsePolicy, policySize } from './policy';
import type { IamContext } from './service-context';
import { allow } from './service-context';
import type { RoleRecord, Tag } from './store-model';
import { checkTrustPolicy } from './trust-policy';
import { checkLength, checkPattern, NAME_PATTERN, NAME_PATTERN_TEXT, optionalInt, parseTags, required } from './validation';

/** IAM's aggregate quota for a role's inline policies (white space not counted). */
export const ROLE_INLINE_POLICY_QUOTA = 10240;

const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const POLICY_TEXT = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;
const DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;

function roleName(form: URLSearchParams): string {
  const name = checkLength(required(form, 'RoleName', 'roleName'), 'roleName', 1, 64);
  return checkPattern(name, 'roleName', NAME_PATTERN, NAME_PATTERN_TEXT);
}

function policyDocument(form: URLSearchParams, name: string, field: string): string {
  const doc = checkLength(required(form, name, field), field, 1, 131072);
  return checkPattern(doc, field, POLICY_TEXT, '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+');
}

function description(form: URLSearchParams): string | undefined {
  const d = form.get('Description');
  if (d === null) return undefined;
  return checkPattern(
    checkLength(d, 'description', 0, 1000),
    'description',
    DESCRIPTION,
    '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  );
}

const tagContext = (tags: Tag[]): ConditionContext => ({
  ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
  ...(tags.length > 0 ? { 'aws:TagKeys': tags.map((t) => t.Key) } : {}),
});

const resourceTags = (role: RoleRecord | undefined): ConditionContext =>
  Object.fromEntries(
    (role?.tags ?? []).flatMap((t) => [
      [`aws:ResourceTag/${t.Key}`, t.Value],
      [`iam:ResourceTag/${t.Key}`, t.Value],
    ]),
  );

/** Authorizes `action` on the named role (its ARN, or `role/NAME` when it does not exist) and returns the role. */
function authorizeOnRole(ctx: IamContext, caller: Caller, action: string, name: string, extra: ConditionContext = {}) {
  const role = ctx.store.roles.get(caller.accountId, name);
  const arn = role?.arn ?? `arn:aws:iam::${caller.accountId}:role/${name}`;
  allow(ctx, caller, action, arn, { ...resourceTags(role), ...extra });
  return ctx.store.roles.require(caller.accountId, name);
}

export function createRole(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const name = roleName(form);
  const path = checkPattern(
    checkLength(form.get('Path') ?? '/', 'path', 1, 512),
    'path',
    PATH,
    '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  );
  const trust = policyDocument(form, 'AssumeRolePolicyDocument', 'assumeRolePolicyDocument');
  const maxSessionDuration = optionalInt(form, 'MaxSessionDuration', 'maxSessionDuration', 3600, 43200) ?? 3600;
  const tags = parseTags(form, 'Tags', 'InvalidInput');
  if (form.get('PermissionsBoundary') !== null) {
    throw new AwsError('ValidationError', 'PermissionsBoundary is not supported by the local IAM; leave it out.', 400);
  }
  const arn = `arn:aws:iam::${caller.accountId}:role${path}${name}`;
  allow(ctx, caller, 'iam:CreateRole', arn, tagContext(tags));
  if (tags.length > 0) allow(ctx, caller, 'iam:TagRole', arn, tagContext(tags));
  const trustBindings = checkTrustPolicy(ctx.store, trust);
  const role = ctx.store.roles.create(caller.accountId, {
    roleName: name,
    path,
    assumeRolePolicyDocument: trust,
    trustBindings,
    description: description(form),
    maxSessionDuration,
    tags,
  });
  return roleXml(role);
}

export function getRole(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  return roleXml(authorizeOnRole(ctx, caller, 'iam:GetRole', roleName(form)));
}

/** An empty `<UpdateRoleResult/>`, as IAM answers: its output shape exists, and the aws cli fails without the element. */
export function updateRole(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const name = roleName(form);
  const maxSessionDuration = optionalInt(form, 'MaxSessionDuration', 'maxSessionDuration', 3600, 43200);
  const desc = description(form);
  authorizeOnRole(ctx, caller, 'iam:UpdateRole', name);
  ctx.store.roles.update(caller.accountId, name, { description: desc, maxSessionDuration });
  return '';
}

export function updateAssumeRolePolicy(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  const doc = policyDocument(form, 'PolicyDocument', 'policyDocument');
  authorizeOnRole(ctx, caller, 'iam:UpdateAssumeRolePolicy', name);
  ctx.store.roles.setTrustPolicy(caller.accountId, name, doc, checkTrustPolicy(ctx.store, doc));
  return undefined;
}

function policyName(form: URLSearchParams): string {
  const name = checkLength(required(form, 'PolicyName', 'policyName'), 'policyName', 1, 128);
  return checkPattern(name, 'policyName', NAME_PATTERN, NAME_PATTERN_TEXT);
}

export function putRolePolicy(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  const pName = policyName(form);
  const doc = policyDocument(form, 'PolicyDocument', 'policyDocument');
  const role = authorizeOnRole(ctx, caller, 'iam:PutRolePolicy', name);
  parsePolicy(doc, 'identity');
  const others = Object.entries(role.policies).filter(([key]) => key !== pName.toLowerCase());
  const total = others.reduce((n, [, p]) => n + policySize(p.document), policySize(doc));
  if (total > ROLE_INLINE_POLICY_QUOTA) {
    throw new AwsError('LimitExceeded', `Maximum policy size of ${ROLE_INLINE_POLICY_QUOTA} bytes exceeded for role ${role.roleName}`, 409);
  }
  ctx.store.roles.putPolicy(caller.accountId, name, pName, doc);
  return undefined;
}

export function getRolePolicy(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const name = roleName(form);
  const pName = policyName(form);
  const role = authorizeOnRole(ctx, caller, 'iam:GetRolePolicy', name);
  const policy = role.policies[pName.toLowerCase()];
  if (!policy) throw new AwsError('NoSuchEntity', `The role policy with name ${pName} cannot be found.`, 404);
  return (
    xmlText('RoleName', role.roleName) +
    xmlText('PolicyName', policy.name) +
    xmlText('PolicyDocument', encodePolicyDocument(policy.document))
  );
}

export function listRolePolicies(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const name = roleName(form);
  const maxItems = optionalInt(form, 'MaxItems', 'maxItems', 1, 1000) ?? 100;
  const start = Number(form.get('Marker') ?? '0') || 0;
  const role = authorizeOnRole(ctx, caller, 'iam:ListRolePolicies', name);
  const names = Object.values(role.policies)
    .map((p) => p.name)
    .sort();
  const page = names.slice(start, start + maxItems);
  const truncated = start + maxItems < names.length;
  return (
    xmlMembers(
      'PolicyNames',
      page.map((value) => escapeXml(value)),
    ) +
    xmlText('IsTruncated', truncated) +
    (truncated ? xmlText('Marker', String(start + maxItems)) : '')
  );
}

export function deleteRolePolicy(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  const pName = policyName(form);
  authorizeOnRole(ctx, caller, 'iam:DeleteRolePolicy', name);
  ctx.store.roles.deletePolicy(caller.accountId, name, pName);
  return undefined;
}

export function deleteRole(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  authorizeOnRole(ctx, caller, 'iam:DeleteRole', name);
  ctx.store.roles.delete(caller.accountId, name);
  return undefined;
}

export function tagRole(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  const tags = parseTags(form, 'Tags', 'InvalidInput');
  if (tags.length === 0)
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
      400,
    );
  authorizeOnRole(ctx, caller, 'iam:TagRole', name, tagContext(tags));
  ctx.store.roles.tag(caller.accountId, name, tags);
  return undefined;
}

export function untagRole(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const name = roleName(form);
  const keys = memberList(form, 'TagKeys');
  authorizeOnRole(ctx, caller, 'iam:UntagRole', name, keys.length > 0 ? { 'aws:TagKeys': keys } : {});
  ctx.store.roles.untag(caller.accountId, name, keys);
  return undefined;
}

export function listRoleTags(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const role = authorizeOnRole(ctx, caller, 'iam:ListRoleTags', roleName(form));
  return (tagsXml(role.tags) || '<Tags/>') + xmlText('IsTruncated', false);
}
