/**
 * The request schemas the volume routes declare. Declarative on purpose: the OpenAPI document is generated
 * from them (`z.toJSONSchema(schema, { io: 'input' })`), so they hold no transforms. The naming rules run as
 * checks, so a failure names its field (`bucket: must not contain uppercase letters. …`); the domain applies
 * the same rules again and normalises the prefix.
 */
import * as z from 'zod/mini';
import { rule, strict, text } from '../http/schema-rules';
import { actionFilterProblem, subjectFilterProblem, timeProblem, UNTIL_BEFORE_SINCE } from './audit-filter';
import { bucketNameProblem, prefixProblem, regionProblem, roleArnProblem, rolePartitionProblem } from './naming';

const bucketName = (what: string) => text(what).check(rule(bucketNameProblem));

export const accessModeSchema = z
  .enum(['read-only', 'read-write'], { error: 'must be "read-only" or "read-write"' })
  .check(
    z.describe(
      "What the volume allows at most: `read-only`, or `read-write`. A member's access is the lower of this and their membership.",
    ),
  );

const roleArn = text('the IAM role ARN').check(rule(roleArnProblem));

export const volumeAuthSchema = z
  .discriminatedUnion(
    'type',
    [
      strict(
        {
          type: z
            .literal('role')
            .check(z.describe('The gateway assumes the role with `sts:AssumeRole` and the external id it generated for this volume.')),
          roleArn: roleArn.check(
            z.describe("The role in the bucket owner's account, e.g. `arn:aws:iam::123456789012:role/volume-access`."),
          ),
        },
        'type, roleArn',
      ),
      strict(
        {
          type: z
            .literal('web-identity')
            .check(z.describe("The gateway assumes the role with `sts:AssumeRoleWithWebIdentity` and the caller's own token.")),
          roleArn: roleArn.check(
            z.describe("The role in the bucket owner's account; its trust policy names the gateway's OpenID Connect issuer."),
          ),
        },
        'type, roleArn',
      ),
      strict(
        {
          type: z
            .literal('gateway-oidc')
            .check(
              z.describe(
                'The gateway assumes the role with `sts:AssumeRoleWithWebIdentity` and a token its own issuer mints for this volume ' +
                  '(`sub` = `volume:<volumeId>`): sessions up to 12 hours, for every member.',
              ),
            ),
          roleArn: roleArn.check(
            z.describe("The role in the bucket owner's account; its trust policy names the gateway's own issuer (the API's base URL)."),
          ),
        },
        'type, roleArn',
      ),
    ],
    { error: (issue) => (issue.input === undefined ? 'is required' : 'must be "role", "web-identity" or "gateway-oidc"') },
  )
  .check(z.describe('How the gateway obtains credentials for the bucket.'));

const description = z
  .string({ error: 'must be a string' })
  .check(
    z.maxLength(1024, { error: 'must be at most 1024 characters' }),
    z.describe('Free text shown to members; at most 1024 characters.'),
  );

const requireMfa = z.boolean({ error: 'must be true or false' });

export const createVolumeBody = strict(
  {
    name: bucketName('the volume name, which S3 clients use as the bucket name through the gateway').check(
      z.describe(
        'Unique in the deployment; follows the S3 bucket naming rules, because S3 clients see it as the bucket name through the gateway.',
      ),
    ),
    bucket: bucketName('the S3 bucket the volume points at').check(z.describe("The S3 bucket in the owner's account.")),
    prefix: z
      .optional(text('the path inside the bucket').check(rule(prefixProblem)))
      .check(
        z.describe(
          'The root of the volume inside the bucket, e.g. `projects/run-1`. No leading `/`, no `.`/`..` or empty segments; a trailing ' +
            '`/` is dropped; omitted or `""` is the whole bucket.',
        ),
      ),
    region: text("the bucket's AWS region").check(
      rule(regionProblem),
      z.describe("The bucket's region, e.g. `eu-central-1`; it decides the partition of every ARN."),
    ),
    accessMode: accessModeSchema,
    auth: volumeAuthSchema,
    requireMfa: z
      ._default(requireMfa, false)
      .check(z.describe('When true, only callers whose token says they used MFA (`amr` contains `mfa`) may use the data.')),
    description: z.optional(description),
  },
  'name, bucket, prefix, region, accessMode, auth, requireMfa, description',
).check((ctx) => {
  const problem = rolePartitionProblem(ctx.value.auth.roleArn, ctx.value.region);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value.auth.roleArn, path: ['auth', 'roleArn'] });
}, z.describe('A new volume: a bucket, an optional prefix root, an access mode and the role the gateway may assume.'));

export const updateVolumeBody = strict(
  {
    description: z.optional(description).check(z.describe('New description; `""` removes it.')),
    accessMode: z
      .optional(accessModeSchema)
      .check(z.describe('Widening `read-only` to `read-write` sends the volume back to `pending` until it is verified again.')),
    requireMfa: z.optional(requireMfa).check(z.describe('Whether using the data requires MFA.')),
  },
  'description, accessMode, requireMfa',
).check((ctx) => {
  if (Object.values(ctx.value).every((v) => v === undefined)) {
    ctx.issues.push({
      code: 'custom',
      message: 'name at least one field to change: description, accessMode or requireMfa',
      input: ctx.value,
    });
  }
}, z.describe('Changes to a volume; at least one field.'));

export const memberAccessSchema = z
  .enum(['read', 'write', 'admin'], { error: 'must be "read", "write" or "admin"' })
  .check(
    z.describe(
      "`read` and `write` use the data (never more than the volume's mode allows); `admin` also manages the volume and its members.",
    ),
  );

export const putMemberBody = strict({ access: memberAccessSchema }, 'access').check(z.describe('The access to grant.'));

const limitMessage = 'must be a whole number from 1 to 100';

export const pageQuery = z
  .object({
    limit: z
      ._default(
        z.coerce
          .number({ error: limitMessage })
          .check(z.int({ error: limitMessage }), z.gte(1, { error: limitMessage }), z.lte(100, { error: limitMessage })),
        25,
      )
      .check(z.describe('Items per page, 1 to 100; 25 when omitted.')),
    nextToken: z
      .optional(
        z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(4096, { error: 'must be at most 4096 characters' })),
      )
      .check(z.describe('The `nextToken` of the previous page, as it was returned.')),
  })
  .check(z.describe('Pagination of a listing.'));

const filterText = (what: string, problem: (value: string) => string | undefined) =>
  z.optional(z.string({ error: `must be a string: ${what}` }).check(rule(problem)));

export const auditQuery = z
  .extend(pageQuery, {
    subject: filterText('a subject', subjectFilterProblem).check(z.describe("Only this subject's events (exact match), e.g. `alice`.")),
    action: filterText('an action', actionFilterProblem).check(
      z.describe(
        'Only this action (exact match, e.g. `member.put`), or, ending in `*`, every action starting with what comes before it ' +
          '(`link.*` is `link.create`, `link.revoke` and `link.download`; `proxy.*` every proxied S3 call).',
      ),
    ),
    since: filterText('a time', timeProblem).check(
      z.describe('Only events at or after this time (ISO 8601 with a zone, e.g. `2026-12-06T05:30:00Z`).'),
    ),
    until: filterText('a time', timeProblem).check(
      z.describe('Only events before this time (ISO 8601 with a zone); later than `since` when both are given.'),
    ),
  })
  .check((ctx) => {
    const { since, until } = ctx.value;
    if (since && until && !(Date.parse(until) > Date.parse(since)))
      ctx.issues.push({ code: 'custom', message: UNTIL_BEFORE_SINCE, input: until, path: ['until'] });
  }, z.describe('Which events, and which page.'));

export type AuditQuery = z.output<typeof auditQuery>;

export type CreateVolumeInput = z.input<typeof createVolumeBody>;
export type CreateVolumeBody = z.output<typeof createVolumeBody>;
export type UpdateVolumeInput = z.input<typeof updateVolumeBody>;
export type PutMemberInput = z.input<typeof putMemberBody>;
export type PageQueryInput = z.input<typeof pageQuery>;
export type PageQuery = z.output<typeof pageQuery>;
