/** What the volume, member and audit routes answer with, as shared/volumes/view.ts and the domain build it. */
import * as z from 'zod/mini';
import { accessModeSchema, memberAccessSchema } from '../../volumes/schemas';
import { isoDate, page } from './common';

const volumeStatus = z
  .enum(['pending', 'active', 'failed'])
  .check(z.describe('`pending` until verified, `active` once verify passed, `failed` when it did not.'));

const verificationCheck = z.object({
  name: z.string().check(z.describe('Stable name, e.g. `assume-role`, `external-id-required`, `list-prefix`.')),
  ok: z.boolean(),
  detail: z.string().check(z.describe('What was seen, in words the owner can act on.')),
});

const verificationFields = { status: z.enum(['active', 'failed']), checks: z.array(verificationCheck) };

export const verificationResult = z.object(verificationFields).check(z.describe("The outcome of probing the customer's role."));

// Without the result's description: a volume's last verification is described where it is used.
const verification = z.object({ ...verificationFields, at: isoDate('When the volume was verified') });

const statement = z.object({
  Sid: z.string(),
  Effect: z.literal('Allow'),
  Principal: z.optional(z.record(z.string(), z.string())),
  Action: z.array(z.string()),
  Resource: z.optional(z.array(z.string())),
  Condition: z.optional(z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])))),
});

const policyDocument = z
  .object({ Version: z.literal('2012-10-17'), Statement: z.array(statement) })
  .check(z.describe('An IAM policy document.'));

export const volumeSetup = z
  .object({
    trustPolicy: policyDocument.check(z.describe("The role's trust policy: who may assume it.")),
    permissionsPolicy: policyDocument.check(z.describe('What the role may do with the bucket.')),
    commands: z.array(z.string()).check(z.describe('aws cli v2 commands that apply the policies to the role, in order.')),
  })
  .check(z.describe('Admins only: what to attach to the role.'));

export const volumeView = z
  .object({
    id: z.string(),
    name: z.string(),
    bucket: z.string(),
    prefix: z.string().check(z.describe('The volume\'s root in the bucket, normalised; `""` is the whole bucket.')),
    region: z.string(),
    accessMode: accessModeSchema,
    auth: z.object({ type: z.enum(['role', 'web-identity', 'gateway-oidc']), roleArn: z.string() }),
    requireMfa: z.boolean(),
    description: z.optional(z.string()),
    status: volumeStatus,
    owner: z.string().check(z.describe("The owner's subject.")),
    createdAt: isoDate('Creation time'),
    updatedAt: isoDate('Last change'),
    lastVerification: z.optional(verification),
    sessionsRevokedAt: z
      .optional(z.string())
      .check(z.describe('When its sessions were last revoked (`POST /volumes/{id}/revoke-sessions`; ISO 8601, whole seconds).')),
    access: z
      .object({ membership: memberAccessSchema, data: z.enum(['read', 'write']) })
      .check(z.describe("The caller's membership, and what it allows with the data under the volume's mode.")),
    externalId: z.optional(z.string()).check(z.describe('Admins only; role volumes only.')),
    setup: z.optional(volumeSetup),
  })
  .check(z.describe('A volume as the caller sees it.'));

export const volumePage = page(volumeView, 'volumes the caller is a member of');

export const memberView = z
  .object({
    subject: z.string(),
    access: memberAccessSchema,
    addedBy: z.string(),
    addedAt: isoDate('When the membership was granted'),
    owner: z.boolean().check(z.describe("The owner's membership is always `admin` and cannot be changed or removed.")),
  })
  .check(z.describe('A member of a volume.'));

export const memberPage = page(memberView, 'members of the volume');

export const auditEvent = z
  .object({
    volumeId: z.string(),
    at: isoDate('When it happened'),
    subject: z.string(),
    action: z.string().check(z.describe('e.g. `volume.create`, `member.put`, `credentials.vend`, `presign`, `proxy.*`.')),
    outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']),
    requestId: z.string(),
    detail: z.optional(z.record(z.string(), z.unknown())).check(z.describe('Safe, short context; never secrets.')),
  })
  .check(z.describe("One event of a volume's audit trail."));

export const auditPage = page(auditEvent, 'audit events, newest first');
