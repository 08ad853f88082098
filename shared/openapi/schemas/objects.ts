/** What the listing route answers with (shared/objects/listing.ts). */
import * as z from 'zod/mini';
import { isoDate } from './common';

export const objectListing = z
  .object({
    objects: z
      .array(
        z.object({
          key: z.string().check(z.describe("The object's key relative to the volume's root.")),
          size: z.number().check(z.int(), z.describe('Bytes.')),
          lastModified: isoDate('When the object was last written'),
          etag: z.string().check(z.describe('As S3 gives it, quotes included.')),
        }),
      )
      .check(z.describe('The objects of this page, in S3 order (UTF-8 bytes).')),
    prefixes: z
      .array(z.string())
      .check(z.describe("The common prefixes (folders) of this page, relative to the volume's root, each ending in the delimiter.")),
    nextToken: z
      .optional(z.string())
      .check(z.describe('Pass it as `?nextToken=`, with the same prefix and delimiter, for the next page; absent on the last page.')),
  })
  .check(z.describe("One page of a volume's objects and folders."));
