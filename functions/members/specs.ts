/** The membership routes as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { memberPage, memberView } from '../../shared/openapi/schemas/volumes';
import { pageQuery, putMemberBody } from '../../shared/volumes/schemas';

const subject = z.string().check(z.describe("The member's subject (the `sub` of their token)."));
const tags = ['members'];

export const specs = defineRoutes({
  put: {
    summary: "Grant or change a member's access",
    auth: 'jwt',
    params: z.object({ id: volumeIdParam, subject }),
    body: putMemberBody,
    responses: { 200: { description: 'The membership.', schema: memberView }, ...errors(400, 401, 403, 404) },
    tags,
  },
  list: {
    summary: "List a volume's members",
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    query: pageQuery,
    responses: { 200: { description: 'The members.', schema: memberPage }, ...errors(400, 401, 403, 404) },
    tags,
  },
  remove: {
    summary: 'Remove a member',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam, subject }),
    responses: { 204: { description: 'Removed.' }, ...errors(401, 403, 404) },
    tags,
  },
});
