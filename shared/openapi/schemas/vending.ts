/** What the vending routes answer with (shared/vending/vend.ts, presign.ts, uploads.ts). */
import * as z from 'zod/mini';
import { presignMethodSchema } from '../../vending/schemas';
import { isoDate } from './common';

export const vendedCredentials = z
  .object({
    Version: z.literal(1),
    AccessKeyId: z.string(),
    SecretAccessKey: z.string(),
    SessionToken: z.string(),
    Expiration: isoDate('When the credentials expire'),
    bucket: z.string(),
    prefix: z
      .string()
      .check(
        z.describe(
          'The volume\'s root in the bucket, without a trailing `/`; `""` is the whole bucket. When a `prefix` was asked: the full ' +
            'narrowed prefix the credentials cover, root + prefix (e.g. `data/runs/42/`).',
        ),
      ),
    region: z.string(),
  })
  .check(z.describe('`credential_process` output (Version 1) and where the volume is.'));

export const presignedUrl = z
  .object({
    url: z.string(),
    method: presignMethodSchema,
    headers: z
      .record(z.string(), z.string())
      .check(z.describe('Headers the request must send as they are, e.g. `content-type` for a PUT.')),
    expiresAt: isoDate('When the URL stops working'),
    expiresInSeconds: z.number().check(z.int(), z.describe("The URL's real lifetime from now.")),
    note: z.optional(z.string()).check(z.describe('Present when the lifetime was shortened, saying why.')),
  })
  .check(z.describe('A presigned URL.'));

const partUrlsFields = {
  uploadId: z.string(),
  key: z.string().check(z.describe("The key as given, relative to the volume's root.")),
  parts: z
    .array(z.object({ partNumber: z.number().check(z.int()), url: z.string() }))
    .check(z.describe('Presigned PUT URLs of consecutive parts, ascending: at most 1,000 per answer, fewer when the URLs are very long.')),
  expiresAt: isoDate('When the part URLs stop working'),
  nextPartNumber: z
    .optional(z.number().check(z.int()))
    .check(
      z.describe(
        'Present when parts asked for were left out of this answer: `POST /volumes/{id}/uploads/{uploadId}/parts` with `from` = this ' +
          'gives the next ones.',
      ),
    ),
};

export const startedUpload = z.object(partUrlsFields).check(z.describe('A started multipart upload and the URLs of its first parts.'));

export const partUrls = z.object(partUrlsFields).check(z.describe('Presigned URLs of more parts of a started multipart upload.'));

export const completedUpload = z.object({ key: z.string(), etag: z.string() }).check(z.describe('The object the upload made.'));
