/**
 * The AssumeRole* parameters and their limits (STS API reference): RoleArn, RoleSessionName, DurationSeconds,
 * ExternalId, Policy, PolicyArns, SourceIdentity, Tags, TransitiveTagKeys.
 */
import { parsePolicy } from '../iam/policy';
import type { Tag } from '../iam/store-model';
import { checkLength, checkPattern, optionalInt, parseTags, required, validationError } from '../iam/validation';
import { memberList, memberStructs } from '../query-protocol';
import { AwsError } from '../types';

/** The role-chaining ceiling: a session that assumes a role gets at most one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
export const SESSION_POLICY_MAX_CHARS = 2048;

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const POLICY_TEXT = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;

export function roleArnParam(form: URLSearchParams): string {
  return checkLength(required(form, 'RoleArn', 'roleArn'), 'roleArn', 20, 2048);
}

export function sessionNameParam(form: URLSearchParams): string {
  const name = checkLength(required(form, 'RoleSessionName', 'roleSessionName'), 'roleSessionName', 2, 64);
  return checkPattern(name, 'roleSessionName', SESSION_NAME, '[\\w+=,.@-]*');
}

/** 900 s up to 43,200 s here; the role's MaxSessionDuration and the chaining limit are checked later. */
export function durationParam(form: URLSearchParams): number | undefined {
  return optionalInt(form, 'DurationSeconds', 'durationSeconds', 900, 43200);
}

export function externalIdParam(form: URLSearchParams): string | undefined {
  const id = form.get('ExternalId');
  if (id === null) return undefined;
  return checkPattern(checkLength(id, 'externalId', 2, 1224), 'externalId', EXTERNAL_ID, '[\\w+=,.@:/-]*');
}

export function sourceIdentityParam(form: URLSearchParams): string | undefined {
  const id = form.get('SourceIdentity');
  if (id === null) return undefined;
  return checkSourceIdentity(id);
}

export function checkSourceIdentity(id: string): string {
  return checkPattern(checkLength(id, 'sourceIdentity', 2, 64), 'sourceIdentity', SESSION_NAME, '[\\w+=,.@-]*');
}

/** The session policy: at most 2,048 characters of plain text, and a valid policy (else MalformedPolicyDocument). */
export function sessionPolicyParam(form: URLSearchParams): string | undefined {
  const policy = form.get('Policy');
  if (policy === null) return undefined;
  if (policy.length > SESSION_POLICY_MAX_CHARS) {
    throw validationError('policy', policy, `have length less than or equal to ${SESSION_POLICY_MAX_CHARS}`);
  }
  checkPattern(
    checkLength(policy, 'policy', 1, SESSION_POLICY_MAX_CHARS),
    'policy',
    POLICY_TEXT,
    '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  );
  parsePolicy(policy, 'session');
  return policy;
}

/** Managed session policies would need managed policies, which the local IAM does not have: refuse, never ignore. */
export function rejectPolicyArns(form: URLSearchParams): void {
  if (memberStructs(form, 'PolicyArns', ['arn']).length > 0) {
    throw new AwsError(
      'ValidationError',
      'PolicyArns (managed session policies) is not supported by the local STS: the local IAM has no managed policies. Pass the ' +
        'permissions as an inline Policy instead.',
      400,
    );
  }
}

export function rejectMfa(form: URLSearchParams): void {
  if (form.get('SerialNumber') !== null || form.get('TokenCode') !== null) {
    throw new AwsError('ValidationError', 'MFA (SerialNumber/TokenCode) is not supported by the local STS.', 400);
  }
}

export function sessionTagsParam(form: URLSearchParams): Tag[] {
  return parseTags(form, 'Tags', 'InvalidParameterValue');
}

/** TransitiveTagKeys: at most 50, each one of the session tags passed in this request. */
export function transitiveKeysParam(form: URLSearchParams, tags: Tag[]): string[] {
  const keys = memberList(form, 'TransitiveTagKeys');
  if (keys.length > 50) throw validationError('transitiveTagKeys', `[${keys.length} keys]`, 'have length less than or equal to 50');
  const known = new Set(tags.map((t) => t.Key.toLowerCase()));
  for (const key of keys) {
    checkLength(key, 'transitiveTagKeys.member', 1, 128);
    if (!known.has(key.toLowerCase())) {
      throw new AwsError(
        'InvalidParameterValue',
        `TransitiveTagKeys contains ${key}, which is not one of the session tags passed (Tags).`,
        400,
      );
    }
  }
  return keys;
}
