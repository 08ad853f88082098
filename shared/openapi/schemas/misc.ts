/** Answers of the small routes: health, me and the Nextflow config. */
import * as z from 'zod/mini';
import { isoDate } from './common';

export const health = z.object({ status: z.literal('ok') }).check(z.describe('The function is up.'));

export const me = z
  .object({
    subject: z.string(),
    issuer: z.string(),
    email: z.optional(z.string()),
    groups: z.array(z.string()),
    authMethods: z.array(z.string()).check(z.describe("The token's `amr`.")),
    expiresAt: isoDate('When the token expires'),
  })
  .check(z.describe('Who the bearer token says the caller is (never the token itself).'));

export const nextflowConfig = z
  .object({
    volume: z.object({ id: z.string(), name: z.string() }),
    proxyUrl: z
      .nullable(z.string())
      .check(
        z.describe(
          "The endpoint the block names: the proxy's Node front when the deployment names it, else the proxy's public URL; null when " +
            'the deployment has not said.',
        ),
      ),
    config: z.string().check(z.describe('The `aws { … }` block, with placeholders for the key pair.')),
    notes: z.array(z.string()).check(z.describe('What to do before it works.')),
  })
  .check(z.describe('A nextflow.config block for the S3 proxy.'));
