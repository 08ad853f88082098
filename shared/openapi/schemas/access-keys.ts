/** What the access-key routes answer with (shared/access-keys/model.ts). */
import * as z from 'zod';
import { isoDate, page } from './common';

export const accessKeyView = z
  .object({
    accessKeyId: z.string(),
    createdAt: isoDate('Creation time'),
    expiresAt: isoDate('Expiry'),
    volumes: z.array(z.string()).optional().describe('Volume ids; absent = every volume the owner is a member of.'),
    status: z.enum(['active', 'revoked']),
  })
  .describe('A gateway access key (never its secret).');

export const createdAccessKey = accessKeyView
  .extend({ secretAccessKey: z.string().describe('Shown this once; never again.') })
  .describe('A new gateway access key with its secret.');

export const accessKeyPage = page(accessKeyView, 'your access keys, newest first');
