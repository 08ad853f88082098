/** What the access-key routes answer with (shared/access-keys/model.ts). */
import * as z from 'zod/mini';
import { isoDate, page } from './common';

export const accessKeyView = z
  .object({
    accessKeyId: z.string(),
    createdAt: isoDate('Creation time'),
    expiresAt: isoDate('Expiry'),
    volumes: z.optional(z.array(z.string())).check(z.describe('Volume ids; absent = every volume the owner is a member of.')),
    status: z.enum(['active', 'revoked']),
  })
  .check(z.describe('A gateway access key (never its secret).'));

export const createdAccessKey = z
  .extend(accessKeyView, { secretAccessKey: z.string().check(z.describe('Shown this once; never again.')) })
  .check(z.describe('A new gateway access key with its secret.'));

export const accessKeyPage = page(accessKeyView, 'your access keys, newest first');
