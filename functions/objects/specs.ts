/** The object listing route, as declared once. */
import * as z from 'zod/mini';
import { listObjectsQuery } from '../../shared/objects/schemas';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { objectListing } from '../../shared/openapi/schemas/objects';

export const specs = defineRoutes({
  list: {
    summary: "List a volume's objects",
    description:
      "One page of the volume's objects and, with a `delimiter`, its folders (`prefixes`), keys relative to the volume's root, " +
      "listed by the gateway with the volume's credentials (members with read access or more; no AWS credentials or bucket CORS " +
      "rule needed). S3 refusing the listing (the role lacks `s3:ListBucket`, the bucket is gone) is 403 `S3Refused` with S3's " +
      'code as `s3Code`. Audited as `objects.list`, sampled: the first listing per member in five minutes, and every refusal.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    query: listObjectsQuery,
    responses: { 200: { description: 'One page.', schema: objectListing }, ...errors(400, 401, 403, 404, 409, 503) },
    tags: ['data'],
  },
});
