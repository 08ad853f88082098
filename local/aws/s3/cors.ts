/**
 * CORS as S3 applies a bucket's rules: the first rule whose AllowedOrigin, AllowedMethod and (for a
 * preflight) AllowedHeader patterns all match decides the `Access-Control-*` headers. Preflight OPTIONS
 * needs no authentication; actual requests get the headers added to whatever they answer.
 */
import { AwsError } from '../types';
import type { CorsRule } from './cors-config';

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

const NOT_ALLOWED =
  'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / ' +
  "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/** Whether `value` matches `pattern`, where each `*` stands for any run of characters. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const parts = p.split('*');
  if (parts.length === 1) return p === v;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!v.startsWith(first) || v.length < first.length + last.length || !v.endsWith(last)) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = v.indexOf(middle, at);
    if (found < 0 || found + middle.length > v.length - last.length) return false;
    at = found + middle.length;
  }
  return true;
}

/** The header names a preflight asks for (`Access-Control-Request-Headers`), lower-case. */
function requestedHeaders(headers: Record<string, string>): string[] {
  return (headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

export function findCorsRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  wantedHeaders: readonly string[],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedMethods.includes(method) &&
      rule.allowedOrigins.some((pattern) => wildcardMatch(pattern, origin)) &&
      wantedHeaders.every((h) => rule.allowedHeaders.some((pattern) => wildcardMatch(pattern, h, true))),
  );
}

function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: VARY,
  };
  // S3 answers a listed origin with credentials allowed, and a `*` rule with the literal `*` and no credentials.
  if (!anyOrigin) out['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  return out;
}

/** The headers a preflight's answer carries, or the 400/403 S3 gives. `rules` is undefined for a bucket without CORS. */
export function preflight(
  bucketExists: boolean,
  rules: readonly CorsRule[] | undefined,
  headers: Record<string, string>,
): Record<string, string> {
  const origin = headers.origin;
  if (!origin) throw new AwsError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  const method = headers['access-control-request-method'];
  if (!method) throw new AwsError('BadRequest', 'Invalid Access-Control-Request-Method: null', 400);
  if (!bucketExists)
    throw new AwsError('AccessForbidden', 'CORSResponse: Bucket not found', 403, { Method: method, ResourceType: 'BUCKET' });
  if (!rules) {
    throw new AwsError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403, {
      Method: method,
      ResourceType: 'BUCKET',
    });
  }
  const wanted = requestedHeaders(headers);
  const rule = findCorsRule(rules, origin, method, wanted);
  if (!rule) throw new AwsError('AccessForbidden', NOT_ALLOWED, 403, { Method: method, ResourceType: 'OBJECT' });
  const out = ruleHeaders(rule, origin);
  if (wanted.length > 0) out['access-control-allow-headers'] = wanted.join(', ');
  return out;
}

/** The `Access-Control-*` headers for an actual (non-preflight) request, or none when no rule matches. */
export function actualRequestCorsHeaders(
  rules: readonly CorsRule[] | undefined,
  method: string,
  headers: Record<string, string>,
): Record<string, string> {
  const origin = headers.origin;
  if (!origin || !rules) return {};
  const rule = findCorsRule(rules, origin, method, []);
  return rule ? ruleHeaders(rule, origin) : {};
}
