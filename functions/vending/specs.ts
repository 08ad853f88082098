/** The routes that reach data without the proxy, as declared once. */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { completedUpload, partUrls, presignedUrl, startedUpload, vendedCredentials } from '../../shared/openapi/schemas/vending';
import {
  abortUploadBody,
  completeUploadBody,
  downloadQuery,
  partUrlsBody,
  presignBody,
  startUploadBody,
  vendBody,
} from '../../shared/vending/schemas';
import { KEY_RULE } from '../../shared/volumes/object-keys';

const volume = z.object({ id: volumeIdParam });
const upload = z.object({ id: volumeIdParam, uploadId: z.string().check(z.describe('The `uploadId` starting the upload returned.')) });
const tags = ['data'];

export const specs = defineRoutes({
  credentials: {
    summary: 'Temporary credentials for a volume',
    description: "Short-lived AWS credentials scoped to the volume's prefix, in `credential_process` shape.",
    auth: 'jwt',
    params: volume,
    body: vendBody,
    responses: { 200: { description: 'The credentials.', schema: vendedCredentials }, ...errors(400, 401, 403, 404, 409, 503) },
    tags,
  },
  presign: {
    summary: 'A presigned URL for one object',
    auth: 'jwt',
    params: volume,
    body: presignBody,
    responses: {
      200: { description: 'The URL and what the request must send.', schema: presignedUrl },
      ...errors(400, 401, 403, 404, 409, 503),
    },
    tags,
  },
  startUploadHandler: {
    summary: 'Start a browser multipart upload',
    description:
      'Answers the uploadId and the presigned PUT URLs of the first parts: at most 1,000 (fewer when the URLs are very long, so an ' +
      'answer stays far below 6 MB). `nextPartNumber` is present when more parts remain; `POST ' +
      '/volumes/{id}/uploads/{uploadId}/parts` signs them.',
    auth: 'jwt',
    params: volume,
    body: startUploadBody,
    responses: {
      201: { description: 'The upload, with the URLs of its first parts.', schema: startedUpload },
      ...errors(400, 401, 403, 404, 409, 503),
    },
    tags,
  },
  partsUploadHandler: {
    summary: 'More part URLs of a multipart upload',
    description:
      'Presigns the PUT URLs of parts `from` to `from + count - 1` of a started upload: the next page after `nextPartNumber`, or ' +
      'parts whose URLs expired. One answer holds at most 1,000; `nextPartNumber` says where to go on. S3 must have the upload ' +
      'open for this key in this volume (404 `UploadNotFound` otherwise).',
    auth: 'jwt',
    params: upload,
    body: partUrlsBody,
    responses: {
      200: { description: 'The URLs of the parts asked for, or of the first of them.', schema: partUrls },
      ...errors(400, 401, 403, 404, 409, 503),
    },
    tags,
  },
  completeUploadHandler: {
    summary: 'Complete a multipart upload',
    auth: 'jwt',
    params: upload,
    body: completeUploadBody,
    responses: { 200: { description: 'The object made.', schema: completedUpload }, ...errors(400, 401, 403, 404, 409, 503) },
    tags,
  },
  abortUploadHandler: {
    summary: 'Abort a multipart upload',
    auth: 'jwt',
    params: upload,
    body: abortUploadBody,
    responses: { 204: { description: 'Aborted.' }, ...errors(400, 401, 403, 404, 409, 503) },
    tags,
  },
  download: {
    summary: 'Download link',
    description: 'Redirects (302) to a presigned GET of the object, for browsers and `curl -L`.',
    auth: 'jwt',
    params: z.object({
      id: volumeIdParam,
      key: z
        .string()
        .check(
          z.describe(
            `The object's key relative to the volume's root, percent-encoded where needed; may contain \`/\` (a key starting with \`/\` ` +
              `is sent as \`download/%2Fx\`). ${KEY_RULE} A refused key is 400 \`InvalidKey\`.`,
          ),
        ),
    }),
    query: downloadQuery,
    responses: {
      302: { description: 'To the presigned GET.', headers: { location: { description: 'The presigned URL.' } } },
      ...errors(400, 401, 403, 404, 409, 503),
    },
    tags,
  },
});
