/** A bucket's CORS configuration: parsed and validated from PutBucketCors XML, rendered for GetBucketCors. */
import { invalidRequest, malformedXml } from './errors';
import { children, childText, el, parseXml, text, textOf, xmlDocument } from './xml';

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

const CORS_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
const MAX_RULES = 100;

const wildcards = (value: string) => value.split('*').length - 1;

export function parseCorsConfiguration(body: string): CorsRule[] {
  const root = parseXml(body, 'CORSConfiguration');
  const rules = children(root, 'CORSRule').map((rule): CorsRule => {
    const list = (name: string) => children(rule, name).map((e) => textOf(e).trim());
    const allowedOrigins = list('AllowedOrigin');
    const allowedMethods = list('AllowedMethod');
    const allowedHeaders = list('AllowedHeader');
    const exposeHeaders = list('ExposeHeader');
    if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw malformedXml();
    for (const method of allowedMethods) {
      if (!CORS_METHODS.has(method)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
    for (const origin of allowedOrigins) {
      if (wildcards(origin) > 1) throw invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const header of allowedHeaders) {
      if (wildcards(header) > 1) throw invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    const id = childText(rule, 'ID');
    if (id !== undefined && id.length > 255) throw invalidRequest('The ID of a CORS rule must be at most 255 characters long.');
    const maxAge = childText(rule, 'MaxAgeSeconds')?.trim();
    if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge)) throw malformedXml();
    return {
      ...(id !== undefined ? { id } : {}),
      allowedOrigins,
      allowedMethods,
      allowedHeaders,
      exposeHeaders,
      ...(maxAge !== undefined ? { maxAgeSeconds: Number(maxAge) } : {}),
    };
  });
  if (rules.length === 0 || rules.length > MAX_RULES) throw malformedXml();
  return rules;
}

export function renderCorsConfiguration(rules: readonly CorsRule[]): string {
  return xmlDocument(
    'CORSConfiguration',
    ...rules.map((rule) =>
      el(
        'CORSRule',
        text('ID', rule.id),
        ...rule.allowedHeaders.map((h) => text('AllowedHeader', h)),
        ...rule.allowedMethods.map((m) => text('AllowedMethod', m)),
        ...rule.allowedOrigins.map((o) => text('AllowedOrigin', o)),
        ...rule.exposeHeaders.map((h) => text('ExposeHeader', h)),
        text('MaxAgeSeconds', rule.maxAgeSeconds),
      ),
    ),
  );
}
