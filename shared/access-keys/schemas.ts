/**
 * The request schemas of the access-key routes. Declarative, like the volume and vending schemas (the OpenAPI
 * document is generated from them): checks and descriptions, no transforms or defaults. The domain applies the
 * defaults and every rule again.
 */
import * as z from 'zod/mini';
import { rule, strict, text } from '../http/schema-rules';
import { PREFIX_RULE, prefixProblem } from '../vending/prefix';
import { pageQuery } from '../volumes/schemas';
import { MAX_EXPIRES_IN, MAX_KEY_SCOPES, MAX_KEY_VOLUMES, MAX_VOLUME_REF_LENGTH, MIN_EXPIRES_IN } from './model';

const expiresMessage = `must be a whole number of seconds from ${MIN_EXPIRES_IN} (15 minutes) to ${MAX_EXPIRES_IN} (30 days)`;
const volumeRefMessage = `must be a volume's name or id, 1 to ${MAX_VOLUME_REF_LENGTH} characters`;
const volumesMessage = `must list 1 to ${MAX_KEY_VOLUMES} volume names or ids (leave it out for every volume you are a member of)`;

const volumeRef = z
  .string({ error: volumeRefMessage })
  .check(
    z.minLength(1, { error: volumeRefMessage }),
    z.maxLength(MAX_VOLUME_REF_LENGTH, { error: volumeRefMessage }),
    z.regex(/^[^\p{Cc}]*$/u, { error: volumeRefMessage }),
    z.describe('A volume you are a member of, by name (e.g. `alice-genomes`) or id (e.g. `vol-…`).'),
  );

const scopesMessage = `must list 1 to ${MAX_KEY_SCOPES} scopes {volumeId, prefix?, access?}`;

const scope = strict(
  {
    volumeId: volumeRef,
    prefix: z
      .optional(text('a prefix relative to the volume root, ending in "/"').check(rule(prefixProblem)))
      .check(z.describe(`Only the objects under this prefix, e.g. \`work/\`; the whole volume when omitted. ${PREFIX_RULE}`)),
    access: z
      .optional(z.enum(['read', 'write'], { error: 'must be "read" or "write"' }))
      .check(
        z.describe('`read` (list and get) or `write` (also put, delete, multipart); your access to the volume at each use when omitted.'),
      ),
  },
  'volumeId, prefix, access',
).check(z.describe('One grant of the key inside a volume you are a member of: never more than your membership allows at each use.'));

export const createAccessKeyBody = strict(
  {
    volumes: z
      .optional(
        z
          .array(volumeRef, { error: volumesMessage })
          .check(z.minLength(1, { error: volumesMessage }), z.maxLength(MAX_KEY_VOLUMES, { error: volumesMessage })),
      )
      .check(
        z.describe(
          `The volumes the key may reach, 1 to ${MAX_KEY_VOLUMES}, each one you are a member of. Omitted: every volume you are a member ` +
            `of when the key is used. Never more than your membership allows at that time.`,
        ),
      ),
    expiresIn: z
      .optional(
        z
          .number({ error: expiresMessage })
          .check(
            z.int({ error: expiresMessage }),
            z.gte(MIN_EXPIRES_IN, { error: expiresMessage }),
            z.lte(MAX_EXPIRES_IN, { error: expiresMessage }),
          ),
      )
      .check(z.describe(`Seconds the key lives, ${MIN_EXPIRES_IN} (15 minutes) to ${MAX_EXPIRES_IN} (30 days); a week when omitted.`)),
    scopes: z
      .optional(
        z
          .array(scope, { error: scopesMessage })
          .check(z.minLength(1, { error: scopesMessage }), z.maxLength(MAX_KEY_SCOPES, { error: scopesMessage })),
      )
      .check(
        z.describe(
          "Narrower grants besides `volumes`: the key reaches each scope's volume only under its `prefix`, with its `access` at most " +
            '(several scopes of one volume add up: read the whole volume, write only `work/`). Through the proxy, a request outside ' +
            "every scope of its volume is S3's AccessDenied (403); so is a listing whose `prefix` is not inside one (a listing without " +
            'a prefix too, unless a scope covers the whole volume), and a write where the scope is `read`.',
        ),
      ),
  },
  'volumes, expiresIn, scopes',
).check(
  z.describe(
    'A gateway access key for S3 clients talking to the proxy. The answer carries `secretAccessKey` this once; it is never shown again. ' +
      'The key keeps the sign-in methods (`amr`) of the token that created it.',
  ),
);

export const accessKeysPageQuery = pageQuery.check(z.describe('Pagination of your access keys, newest first.'));

export type CreateAccessKeyBody = z.input<typeof createAccessKeyBody>;
export type AccessKeysPageQuery = z.output<typeof accessKeysPageQuery>;
