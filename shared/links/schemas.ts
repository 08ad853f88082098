/**
 * The request schemas of the share-link routes. Declarative, like the vending schemas (the OpenAPI document is
 * generated from them): checks and descriptions, no transforms or defaults; the domain applies every rule again.
 */
import * as z from 'zod/mini';
import { rule, strict, text } from '../http/schema-rules';
import { filenameProblem } from '../vending/content-disposition';
import { INVALID_KEY, keyProblem } from '../vending/keys';
import { KEY_RULE } from '../volumes/object-keys';
import { pageQuery } from '../volumes/schemas';
import { DEFAULT_LINK_SECONDS, MAX_DOWNLOADS, MAX_LINK_SECONDS, MIN_LINK_SECONDS } from './model';

const wholeNumber = (min: number, max: number, what: string) => {
  const message = `must be a whole number from ${min} to ${max}${what}`;
  return z.number({ error: message }).check(z.int({ error: message }), z.gte(min, { error: message }), z.lte(max, { error: message }));
};

export const createLinkBody = strict(
  {
    key: text("the object's key inside the volume").check(
      rule(keyProblem, INVALID_KEY),
      z.describe(`The object's key relative to the volume's root, as for presign: ${KEY_RULE} A refused key is 400 \`InvalidKey\`.`),
    ),
    expiresIn: z
      .optional(wholeNumber(MIN_LINK_SECONDS, MAX_LINK_SECONDS, ' (a minute to 30 days)'))
      .check(
        z.describe(
          `Seconds the link works, ${MIN_LINK_SECONDS} to ${MAX_LINK_SECONDS} (30 days); ${DEFAULT_LINK_SECONDS} (7 days) when omitted.`,
        ),
      ),
    maxDownloads: z
      .optional(wholeNumber(1, MAX_DOWNLOADS, ''))
      .check(z.describe('How many downloads (GETs) the link allows; unlimited when omitted. A HEAD is never counted.')),
    filename: z
      .optional(text('a file name').check(rule(filenameProblem)))
      .check(z.describe("Download as this file name (`Content-Disposition: attachment`), as presign's `filename`.")),
  },
  'key, expiresIn, maxDownloads, filename',
).check(
  z.describe(
    'A share link to one object: a URL anyone holding it can download from, without a token, until it expires, is used up or is ' +
      'revoked. It acts as you: it stops working if you can no longer read the volume.',
  ),
);

export const linksPageQuery = pageQuery.check(z.describe("Pagination of the volume's links, newest first."));

export type CreateLinkBody = z.input<typeof createLinkBody>;
export type LinksPageQuery = z.output<typeof linksPageQuery>;
