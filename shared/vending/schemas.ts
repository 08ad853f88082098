/**
 * The request schemas of the vending routes. Declarative, like the volume schemas: the OpenAPI document is
 * generated from them, so they hold checks but no transforms or defaults (the domain applies defaults, and
 * applies every rule again: the limits that depend on the volume, such as role chaining's hour and the key's
 * length once prefixed, are checked there).
 */
import * as z from 'zod/mini';
import { rule, strict, text } from '../http/schema-rules';
import { KEY_RULE } from '../volumes/object-keys';
import { filenameProblem } from './content-disposition';
import { INVALID_KEY, keyProblem, MAX_KEY_BYTES } from './keys';
import { PREFIX_RULE, prefixProblem } from './prefix';
import { contentTypeProblem, MAX_EXPIRES_IN } from './presign';
import { MAX_PARTS, PART_URLS_PER_ANSWER } from './uploads';

const wholeNumber = (min: number, max: number, what: string) => {
  const message = `must be a whole number from ${min} to ${max}${what}`;
  return z.number({ error: message }).check(z.int({ error: message }), z.gte(min, { error: message }), z.lte(max, { error: message }));
};

const key = text("the object's key inside the volume").check(
  rule(keyProblem, INVALID_KEY),
  z.describe(
    `The object's key relative to the volume's root, e.g. \`reads/sample 1.fastq.gz\`. The same rule as the S3 proxy's: ${KEY_RULE} ` +
      `(${MAX_KEY_BYTES} bytes is S3's limit on the real key.) A refused key is 400 \`InvalidKey\`.`,
  ),
);

const contentType = text('a media type').check(rule(contentTypeProblem));

export const dataAccessSchema = z
  .enum(['read', 'write'], { error: 'must be "read" or "write"' })
  .check(
    z.describe(
      'What the credentials may do: `read` (list and get), or `write` (also put, delete and multipart). Never more than your access to ' +
        'the volume.',
    ),
  );

export const vendBody = strict(
  {
    access: z.optional(dataAccessSchema).check(z.describe('`read` or `write`; your effective access to the volume when omitted.')),
    durationSeconds: z
      .optional(wholeNumber(900, 43_200, ' (15 minutes to 12 hours)'))
      .check(
        z.describe(
          'How long the credentials live, 3600 when omitted. Role volumes allow at most 3600 (AWS caps role chaining at one hour); ' +
            "web-identity and gateway-oidc volumes (no chaining) up to the role's maximum session duration, 43200 at most.",
        ),
      ),
    prefix: z
      .optional(text('a prefix relative to the volume root, ending in "/"').check(rule(prefixProblem)))
      .check(
        z.describe(
          'Narrows the credentials to the objects under this prefix, e.g. `runs/42/`: they may read (and write, with write access) ' +
            '`root/prefix*` only, and list only with an S3 `prefix` parameter inside it (a listing of the whole volume is refused). ' +
            `The answer's \`prefix\` is then the full narrowed prefix (root + prefix). ${PREFIX_RULE}`,
        ),
      ),
  },
  'access, durationSeconds, prefix',
).check(z.describe('Temporary credentials for the volume, in the shape of `credential_process` output.'));

export const presignMethodSchema = z
  .enum(['GET', 'PUT', 'HEAD', 'DELETE'], { error: 'must be "GET", "PUT", "HEAD" or "DELETE"' })
  .check(z.describe('The S3 request the URL allows: GET and HEAD need read access, PUT and DELETE write access.'));

export const presignBody = strict(
  {
    key,
    method: presignMethodSchema,
    expiresIn: z
      .optional(wholeNumber(1, MAX_EXPIRES_IN, ' (seven days)'))
      .check(
        z.describe(
          'Seconds the URL should work, 900 when omitted. It never outlives the credentials that sign it (at most an hour; 12 hours ' +
            'for gateway-oidc volumes): the ' +
            "answer's `expiresAt` says when it really stops.",
        ),
      ),
    contentType: z
      .optional(contentType)
      .check(z.describe('PUT only: the Content-Type the upload must send; it is signed, and returned in `headers`.')),
    filename: z
      .optional(text('a file name').check(rule(filenameProblem)))
      .check(
        z.describe(
          'GET only: the browser saves the object under this name (`Content-Disposition: attachment`; non-ASCII names as RFC 6266 ' +
            '`filename*`).',
        ),
      ),
  },
  'key, method, expiresIn, contentType, filename',
).check(z.describe('A presigned URL for one object of the volume.'));

export const startUploadBody = strict(
  {
    key,
    parts: wholeNumber(1, MAX_PARTS, '').check(
      z.describe(
        `How many parts will be uploaded, 1 to ${MAX_PARTS}; each 5 MiB to 5 GiB except the last. The answer carries the presigned PUT ` +
          `URLs of the first parts (at most ${PART_URLS_PER_ANSWER}) and \`nextPartNumber\` when more remain: ask \`POST ` +
          `/volumes/{id}/uploads/{uploadId}/parts\` for them.`,
      ),
    ),
    contentType: z.optional(contentType).check(z.describe('The Content-Type the object will have.')),
  },
  'key, parts, contentType',
).check(z.describe('Starts a multipart upload for a browser.'));

export const partUrlsBody = strict(
  {
    key: key.check(z.describe('The key the upload was started with.')),
    from: wholeNumber(1, MAX_PARTS, '').check(
      z.describe('The first part to sign: the `nextPartNumber` of the previous answer, or a part whose URL expired.'),
    ),
    count: wholeNumber(1, MAX_PARTS, '').check(
      z.describe(
        `How many parts from \`from\` (never beyond part ${MAX_PARTS}). One answer signs at most ${PART_URLS_PER_ANSWER} of them, fewer ` +
          `when the URLs are very long, and gives \`nextPartNumber\` when some remain.`,
      ),
    ),
  },
  'key, from, count',
).check(z.describe('Presigns more part URLs of a started multipart upload.'));

const completedPart = strict(
  {
    partNumber: wholeNumber(1, MAX_PARTS, '').check(z.describe("The part's number, as in its URL.")),
    etag: text("the ETag S3 answered the part's PUT with").check(
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(1024, { error: 'must be at most 1024 characters' }),
      z.describe("The `ETag` response header of the part's PUT, quotes included."),
    ),
  },
  'partNumber, etag',
);

export const completeUploadBody = strict(
  {
    key: key.check(z.describe('The key the upload was started with.')),
    parts: z
      .array(completedPart, { error: 'must be a list of {partNumber, etag}' })
      .check(
        z.minLength(1, { error: 'must list at least one part' }),
        z.maxLength(MAX_PARTS, { error: `must list at most ${MAX_PARTS} parts` }),
        z.describe('Every uploaded part, each number once, in any order.'),
      ),
  },
  'key, parts',
).check(z.describe('Completes a multipart upload from its parts.'));

export const abortUploadBody = strict({ key: key.check(z.describe('The key the upload was started with.')) }, 'key').check(
  z.describe('Aborts a multipart upload and frees its parts.'),
);

export const downloadQuery = z
  .object({
    filename: z
      .optional(text('a file name').check(rule(filenameProblem)))
      .check(z.describe('Save the download under this name (`Content-Disposition: attachment`).')),
  })
  .check(z.describe('Options of a download link.'));

export type VendBody = z.output<typeof vendBody>;
export type PresignBody = z.output<typeof presignBody>;
export type StartUploadBody = z.output<typeof startUploadBody>;
export type CompleteUploadBody = z.output<typeof completeUploadBody>;
export type AbortUploadBody = z.output<typeof abortUploadBody>;
export type PartUrlsBody = z.output<typeof partUrlsBody>;
export type DownloadQuery = z.output<typeof downloadQuery>;
