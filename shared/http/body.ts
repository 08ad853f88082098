import type { ZodMiniType as ZodType } from 'zod/mini';
// zod's English messages (set there), for the schemas that do not import it themselves.
import './schema-rules';
import { ValidationFailed } from '../errors';
import type { HttpEvent } from './types';

/** Parses and validates a JSON body against the route's schema; each failure names the field. */
export function parseBody<T>(event: HttpEvent, schema: ZodType<T> | undefined): T {
  if (!schema) return undefined as T;
  let raw: unknown;
  if (event.body !== undefined && event.body !== '') {
    const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
    if (contentType && !contentType.startsWith('application/json')) {
      throw new ValidationFailed(
        `Send the body as JSON with "Content-Type: application/json" (got "${contentType}").`,
        undefined,
        'UnsupportedMediaType',
      );
    }
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ValidationFailed('The request body is not valid JSON.', undefined, 'MalformedJson');
    }
  }
  return validate(schema, raw ?? {});
}

/** Validates a value against a schema; the first problem becomes a 400 naming the field. */
export function validate<T>(schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : undefined; // a rule's own code
  throw new ValidationFailed(field ? `${field}: ${issue.message}` : issue.message, field || undefined, code);
}
