/**
 * The listing route's query, declared once: the OpenAPI document is generated from it, so it holds checks but no
 * transforms beyond the number's coercion (the domain applies the default and every rule again, and the rules that
 * need the volume, such as the prefix's length once the root is in front).
 */
import * as z from 'zod/mini';
import { rule, text } from '../http/schema-rules';
import { INVALID_KEY } from '../vending/keys';
import { KEY_RULE } from '../volumes/object-keys';
import { delimiterProblem, LIMIT_MESSAGE, listPrefixProblem, MAX_DELIMITER_LENGTH, MAX_LIST_LIMIT, MAX_NEXT_TOKEN_LENGTH } from './listing';

export const listObjectsQuery = z
  .object({
    prefix: z
      .optional(text('a key prefix relative to the volume root').check(rule(listPrefixProblem, INVALID_KEY)))
      .check(
        z.describe(
          "List only keys starting with this, relative to the volume's root, e.g. `runs/42/`; empty or omitted lists from the root. " +
            `It follows the key rule: ${KEY_RULE} A refused prefix is 400 \`InvalidKey\`.`,
        ),
      ),
    delimiter: z
      .optional(text('a delimiter such as "/"').check(rule(delimiterProblem)))
      .check(
        z.describe(
          `Rolls keys up at this delimiter into \`prefixes\` (folders), typically \`/\`; at most ${MAX_DELIMITER_LENGTH} characters. ` +
            'Omitted or empty: every key is listed.',
        ),
      ),
    limit: z
      .optional(
        z.coerce
          .number({ error: LIMIT_MESSAGE })
          .check(z.int({ error: LIMIT_MESSAGE }), z.gte(1, { error: LIMIT_MESSAGE }), z.lte(MAX_LIST_LIMIT, { error: LIMIT_MESSAGE })),
      )
      .check(
        z.describe(
          `Keys and prefixes per page together, as S3's \`max-keys\` counts them: 1 to ${MAX_LIST_LIMIT}, ${MAX_LIST_LIMIT} when omitted.`,
        ),
      ),
    nextToken: z
      .optional(
        z
          .string()
          .check(
            z.minLength(1, { error: 'must not be empty' }),
            z.maxLength(MAX_NEXT_TOKEN_LENGTH, { error: `must be at most ${MAX_NEXT_TOKEN_LENGTH} characters` }),
          ),
      )
      .check(
        z.describe(
          'The `nextToken` of the previous page, as it was returned, with the same `prefix` and `delimiter`; any other is 400 ' +
            '`InvalidNextToken`.',
        ),
      ),
  })
  .check(z.describe('What to list, and which page.'));

export type ListObjectsQuery = z.output<typeof listObjectsQuery>;
