/** The one error body every API route answers with (shared/http/error-mapper.ts), and the responses that use it. */
import * as z from 'zod/mini';
import type { ResponseDoc } from '../route-doc';

export const errorBody = z
  .object({
    code: z.string().check(z.describe('Stable, machine-readable reason, e.g. `ValidationFailed`, `VolumeNotFound`, `TokenExpired`.')),
    message: z.string().check(z.describe('What went wrong, in words a person can act on.')),
    requestId: z.string().check(z.describe('The request id (also in the `x-request-id` header); quote it when reporting a problem.')),
    field: z.optional(z.string()).check(z.describe('400 only: the request field to fix, when one is to blame.')),
  })
  .check(z.describe('An error.'));

const ERRORS = {
  400: 'The request is invalid; `field` names what to fix.',
  401: 'No valid bearer token (missing, expired, wrong issuer or audience).',
  403: 'The caller may not do this (e.g. not a volume admin, or MFA required).',
  404: 'Not found, or not visible to the caller (non-members see no volume).',
  409: 'Conflicts with the current state (e.g. the name is taken, or a concurrent change).',
  413: 'The request body is too large.',
  422: 'The request cannot be processed as sent (e.g. an `Idempotency-Key` reused for a different request).',
  503: "A dependency (AWS, the customer's role) is unavailable, or the feature is not configured.",
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** Error responses for the statuses a route can answer with; 500 is added to every operation by the document. */
export function errors(...statuses: ErrorStatus[]): Record<number, ResponseDoc> {
  return Object.fromEntries(statuses.map((status) => [status, { description: ERRORS[status], schema: errorBody }]));
}

export const internalError: ResponseDoc = {
  description:
    'A fault on our side; nothing more is said. Quote the request id. `InternalError`, or `DependencyMisconfigured` when AWS refused ' +
    "the service's own request (a permission or resource of the deployment): retrying will not help, an operator must look.",
  schema: errorBody,
};
