/** What `POST /volumes/{id}/revoke-sessions` answers, as shared/volumes/revoke-sessions.ts builds it. */
import * as z from 'zod/mini';
import { isoDate } from './common';

const denyStatement = z.object({
  Sid: z.literal('RevokeOlderSessions'),
  Effect: z.literal('Deny'),
  Action: z.array(z.string()),
  Resource: z.array(z.string()),
  Condition: z.object({ DateLessThan: z.object({ 'aws:TokenIssueTime': z.string() }) }),
});

export const revokedSessions = z
  .object({
    volumeId: z.string(),
    sessionsRevokedAt: isoDate(
      'Sessions issued before this instant (whole seconds) are revoked: the gateway serves none of them from any cache from now on ' +
        '(other warm containers within `stalenessSeconds`), and the `command` ends those already handed out',
    ),
    roleArn: z.string().check(z.describe("The volume's role, which the command changes.")),
    policyName: z.string().check(z.describe('The inline policy the command puts on the role: `volume-gateway-revoke-<volumeId>`.')),
    policy: z
      .object({ Version: z.literal('2012-10-17'), Statement: z.array(denyStatement) })
      .check(z.describe('Denies every action to sessions of the role whose `aws:TokenIssueTime` is before `sessionsRevokedAt`.')),
    command: z
      .string()
      .check(
        z.describe(
          "`aws iam put-role-policy …` for the role's owner to run (aws cli v2): it ends the credentials and presigned URLs already in " +
            'users\' hands, as AWS\'s own "Revoke active sessions" does. A later revocation replaces the policy.',
        ),
      ),
    stalenessSeconds: z
      .number()
      .check(
        z.describe("How long other warm containers of the gateway may still serve what they cached before (5: the volume lookups' rule)."),
      ),
  })
  .check(z.describe("The volume's sessions, revoked."));
