/** The volume routes as declared once: the handlers validate with these schemas, the OpenAPI document shows them. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { revokedSessions } from '../../shared/openapi/schemas/revoke-sessions';
import { verificationResult, volumePage, volumeView } from '../../shared/openapi/schemas/volumes';
import { createVolumeBody, pageQuery, updateVolumeBody } from '../../shared/volumes/schemas';

const params = z.object({ id: volumeIdParam });
const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .optional(z.string().check(z.minLength(1), z.maxLength(255)))
    .check(
      z.describe(
        'Makes the create safe to retry: a unique value per volume you mean to create (a UUID), 1 to 255 visible ASCII characters, kept ' +
          'for 24 hours and scoped to you. ' +
          'A retry with the same key and the same body answers the volume that key created (201, `Idempotent-Replayed: true`), as it is ' +
          'now, instead of `VolumeNameTaken`; ' +
          'the same key with a different body is 422 `IdempotencyKeyReused`.',
      ),
    ),
});
const tags = ['volumes'];

export const specs = defineRoutes({
  create: {
    summary: 'Register a volume',
    description:
      'Registers a bucket (and optional prefix root) with the role the gateway may assume; the caller becomes its owner and admin. ' +
      'The answer carries the policies and commands to apply to the role; then call verify. ' +
      'Send an `Idempotency-Key` to retry safely when an answer is lost (a timeout, a dropped connection, a 503).',
    auth: 'jwt',
    headers: idempotencyHeaders,
    body: createVolumeBody,
    responses: {
      201: {
        description:
          'The volume, `pending`, with its setup; with `Idempotent-Replayed: true`, the one an earlier request with the same ' +
          '`Idempotency-Key` created.',
        schema: volumeView,
        headers: {
          'Idempotent-Replayed': {
            description: '`true` when the answer repeats an earlier creation with the same `Idempotency-Key`; absent otherwise.',
          },
        },
      },
      ...errors(400, 401, 404, 409, 422, 503),
    },
    tags,
  },
  list: {
    summary: 'List your volumes',
    auth: 'jwt',
    query: pageQuery,
    responses: { 200: { description: 'The volumes the caller is a member of.', schema: volumePage }, ...errors(400, 401) },
    tags,
  },
  get: {
    summary: 'Get a volume',
    auth: 'jwt',
    params,
    responses: { 200: { description: 'The volume; admins also see its external id and setup.', schema: volumeView }, ...errors(401, 404) },
    tags,
  },
  update: {
    summary: 'Change a volume',
    auth: 'jwt',
    params,
    body: updateVolumeBody,
    responses: { 200: { description: 'The changed volume.', schema: volumeView }, ...errors(400, 401, 403, 404, 409) },
    tags,
  },
  remove: {
    summary: 'Delete a volume',
    description: 'Removes the registration and its memberships; the bucket and its data are not touched.',
    auth: 'jwt',
    params,
    responses: { 204: { description: 'Deleted.' }, ...errors(401, 403, 404, 409) },
    tags,
  },
  verifyVolume: {
    summary: 'Verify a volume',
    description: "Probes the customer's role (trust, external id, permissions) and activates or fails the volume.",
    auth: 'jwt',
    params,
    responses: {
      200: { description: 'What was checked and the outcome.', schema: verificationResult },
      ...errors(401, 403, 404, 409, 503),
    },
    tags,
  },
  revokeSessions: {
    summary: "Revoke the volume's sessions",
    description:
      "Admins: from the answer on, the gateway serves nothing it cached for the volume (credentials, the proxy's sessions and lookups, " +
      "access keys' resolutions): in the answering container at once, in every other within 5 s (`stalenessSeconds`). Credentials " +
      "already in users' hands are AWS's to end: the answer's `command` puts a policy on the role denying every session issued before " +
      "`sessionsRevokedAt` (`aws:TokenIssueTime`); the role's owner runs it. Access keys stay valid. Audited as `sessions.revoke`.",
    auth: 'jwt',
    params,
    responses: {
      200: { description: 'When sessions were revoked, and the command that ends those already handed out.', schema: revokedSessions },
      ...errors(401, 403, 404, 409, 503),
    },
    tags,
  },
});
