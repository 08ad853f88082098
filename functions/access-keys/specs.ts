/** The access-key routes as declared once. */
import * as z from 'zod/mini';
import { accessKeysPageQuery, createAccessKeyBody } from '../../shared/access-keys/schemas';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { accessKeyPage, createdAccessKey } from '../../shared/openapi/schemas/access-keys';
import { errors } from '../../shared/openapi/schemas/errors';

const tags = ['access keys'];

export const specs = defineRoutes({
  create: {
    summary: 'Create a gateway access key',
    description: 'A key pair for S3 clients of the proxy; the secret is in this answer only (sent with `cache-control: no-store`).',
    auth: 'jwt',
    body: createAccessKeyBody,
    responses: { 201: { description: 'The key and its secret.', schema: createdAccessKey }, ...errors(400, 401, 404, 503) },
    tags,
  },
  list: {
    summary: 'List your access keys',
    auth: 'jwt',
    query: accessKeysPageQuery,
    responses: { 200: { description: 'Your keys, newest first.', schema: accessKeyPage }, ...errors(400, 401, 503) },
    tags,
  },
  revoke: {
    summary: 'Revoke an access key',
    auth: 'jwt',
    params: z.object({ id: z.string().check(z.describe('The access key id (`VGAK…`).')) }),
    responses: { 204: { description: 'Revoked.' }, ...errors(401, 404, 503) },
    tags,
  },
});
