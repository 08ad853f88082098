/** What the access-key routes answer with (shared/access-keys/model.ts). */
import * as z from 'zod/mini';
import { isoDate, page } from './common';

export const accessKeyView = z
  .object({
    accessKeyId: z.string(),
    createdAt: isoDate('Creation time'),
    expiresAt: isoDate('Expiry'),
    volumes: z.optional(z.array(z.string())).check(z.describe('Volume ids; absent = every volume the owner is a member of.')),
    scopes: z
      .optional(
        z.array(
          z.object({
            volumeId: z.string(),
            prefix: z.optional(z.string()).check(z.describe('Relative to the volume root, ending in `/`; absent = the whole volume.')),
            access: z.optional(z.enum(['read', 'write'])).check(z.describe("Absent = the owner's access at each use.")),
          }),
        ),
      )
      .check(z.describe('What the key may reach inside its volumes, when created with `scopes` (the volumes named whole included).')),
    status: z.enum(['active', 'revoked']),
  })
  .check(z.describe('A gateway access key (never its secret).'));

export const createdAccessKey = z
  .extend(accessKeyView, { secretAccessKey: z.string().check(z.describe('Shown this once; never again.')) })
  .check(z.describe('A new gateway access key with its secret.'));

export const accessKeyPage = page(accessKeyView, 'your access keys, newest first');
