/**
 * Parameter checks shared by IAM and STS, with AWS's wording:
 * "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must …",
 * and the AccessDenied message "User: ARN is not authorized to perform: ACTION on resource: ARN because …".
 */
import { memberStructs } from '../query-protocol';
import { type AuthorizationDecision, AwsError, type Caller } from '../types';
import type { Tag } from './store-model';

export function validationError(field: string, value: string | null, constraint: string): AwsError {
  const shown = value === null ? 'null' : `'${value}'`;
  return new AwsError(
    'ValidationError',
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: Member must ${constraint}`,
    400,
  );
}

export function required(form: URLSearchParams, name: string, field: string): string {
  const value = form.get(name);
  if (value === null) throw validationError(field, null, 'not be null');
  return value;
}

export function checkLength(value: string, field: string, min: number, max: number): string {
  if (value.length < min) throw validationError(field, value, `have length greater than or equal to ${min}`);
  if (value.length > max) throw validationError(field, value, `have length less than or equal to ${max}`);
  return value;
}

export function checkPattern(value: string, field: string, pattern: RegExp, shown: string): string {
  if (!pattern.test(value)) throw validationError(field, value, `satisfy regular expression pattern: ${shown}`);
  return value;
}

/** An optional integer parameter within [min, max]. */
export function optionalInt(form: URLSearchParams, name: string, field: string, min: number, max: number): number | undefined {
  const raw = form.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw validationError(field, raw, 'be an integer');
  const n = Number(raw);
  if (n < min) throw validationError(field, raw, `have value greater than or equal to ${min}`);
  if (n > max) throw validationError(field, raw, `have value less than or equal to ${max}`);
  return n;
}

/** Names of users, roles, policies and sessions: `[\w+=,.@-]+`. */
export const NAME_PATTERN = /^[\w+=,.@-]+$/;
export const NAME_PATTERN_TEXT = '[\\w+=,.@-]+';

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * `Tags.member.N.Key/Value`: at most 50, keys 1–128 and values 0–256 characters of letters, digits, spaces and
 * `_.:/=+-@`, keys unique regardless of case, no `aws:` prefix.
 */
export function parseTags(form: URLSearchParams, name: string, duplicateCode: string): Tag[] {
  const raw = memberStructs(form, name, ['Key', 'Value']);
  if (raw.length > 50) throw validationError('tags', `[${raw.length} tags]`, 'have length less than or equal to 50');
  const tags = raw.map((t, i): Tag => {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    const field = `tags.${i + 1}.member`;
    checkLength(key, `${field}.key`, 1, 128);
    checkPattern(key, `${field}.key`, TAG_KEY, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    checkLength(value, `${field}.value`, 0, 256);
    checkPattern(value, `${field}.value`, TAG_VALUE, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    if (key.toLowerCase().startsWith('aws:')) {
      throw new AwsError(duplicateCode, `Tag keys beginning with "aws:" are reserved for AWS use: ${key}`, 400);
    }
    return { Key: key, Value: value };
  });
  const keys = new Set(tags.map((t) => t.Key.toLowerCase()));
  if (keys.size !== tags.length) {
    throw new AwsError(duplicateCode, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', 400);
  }
  return tags;
}

/** AWS's AccessDenied wording, with the reason the authorizer gave. */
export function accessDenied(caller: Caller | null, action: string, resource: string, decision?: AuthorizationDecision): AwsError {
  const who = caller?.arn ?? 'anonymous';
  const why = decision ? ` ${decision.explicitDeny ? 'with' : 'because'} ${decision.reason}` : '';
  return new AwsError('AccessDenied', `User: ${who} is not authorized to perform: ${action} on resource: ${resource}${why}`, 403);
}

export const missingAuthentication = () => new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
