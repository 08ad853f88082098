/**
 * `POST /volumes/{id}/revoke-sessions` (admins): ends what was already handed out for the volume.
 *
 * - The volume record gets `sessionsRevokedAt`, the revocation time rounded UP to a whole second (IAM compares
 *   `aws:TokenIssueTime` in whole seconds), and a new version. From the answer on, nothing cached for the volume is
 *   served: in this process at once (`revocations.ts`: the credential caches, the volume lookups and the access keys'
 *   cached resolutions forget it), in every other warm container within the volume lookup's staleness rule (5 s),
 *   when it reads the record: its credential caches never serve a session issued before `sessionsRevokedAt`.
 * - The answer waits until that second has begun (at most a second), so every session issued after it carries an
 *   issue time at or after `sessionsRevokedAt` and the deny below never touches it.
 * - Credentials already in users' hands (vended, or a browser's presigned URLs) are AWS's to end: the answer carries
 *   the `aws iam put-role-policy` command, for the role's owner to run, that attaches an inline policy denying every
 *   action to sessions issued before `sessionsRevokedAt` (`DateLessThan aws:TokenIssueTime`, as AWS's own "Revoke
 *   active sessions" does). Its name is per volume (`volume-gateway-revoke-<volumeId>`): a later revocation replaces it.
 * - Gateway access keys stay valid (their owner's membership is checked at every use); the sessions the proxy signs
 *   their requests with are new ones.
 * Audited as `sessions.revoke` (with the time); a member who is not an admin is refused (403, audited), anyone else
 * gets `VolumeNotFound` (404).
 */
import { Conflict } from '../errors';
import type { Caller, VolumeDeps } from './deps';
import { asAdmin, auditEvent } from './guard';
import type { Volume } from './model';
import { parseRoleArn } from './naming';
import { noteRevocation } from './revocations';
import { shellWord, singleQuoted } from './shell';
import { VOLUME_STALENESS_MS } from './volume-lookup';

export interface RevokedSessions {
  volumeId: string;
  /** ISO 8601, whole seconds: sessions issued before it are refused. */
  sessionsRevokedAt: string;
  roleArn: string;
  /** The inline policy's name on the role. */
  policyName: string;
  /** The deny policy the command attaches. */
  policy: RevokePolicy;
  /** `aws iam put-role-policy …`, ready to paste: the role's owner runs it to end the credentials already handed out. */
  command: string;
  /** How long other warm containers of the gateway may still serve what they cached before (the volume lookup's rule). */
  stalenessSeconds: number;
}

export interface RevokePolicy {
  Version: '2012-10-17';
  Statement: [
    {
      Sid: 'RevokeOlderSessions';
      Effect: 'Deny';
      Action: ['*'];
      Resource: ['*'];
      Condition: { DateLessThan: { 'aws:TokenIssueTime': string } };
    },
  ];
}

export const revokePolicyName = (volumeId: string) => `volume-gateway-revoke-${volumeId}`;

/** Denies everything to sessions of the role issued before `at` (ISO 8601, whole seconds). */
export const revokePolicy = (at: string): RevokePolicy => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'RevokeOlderSessions',
      Effect: 'Deny',
      Action: ['*'],
      Resource: ['*'],
      Condition: { DateLessThan: { 'aws:TokenIssueTime': at } },
    },
  ],
});

/** The role's name, the last segment of its ARN (paths are not part of `--role-name`). */
function roleName(roleArn: string): string {
  const parsed = parseRoleArn(roleArn);
  return 'arn' in parsed ? parsed.arn.name : (roleArn.split('/').pop() ?? roleArn);
}

export function revokeCommand(volume: Pick<Volume, 'id' | 'auth'>, at: string): string {
  return (
    `aws iam put-role-policy --role-name ${shellWord(roleName(volume.auth.roleArn))} --policy-name ` +
    `${shellWord(revokePolicyName(volume.id))} --policy-document ${singleQuoted(JSON.stringify(revokePolicy(at)))}`
  );
}

/** ISO 8601 without milliseconds: IAM's `aws:TokenIssueTime` has whole seconds. */
const wholeSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const isConcurrent = (error: unknown) => error instanceof Conflict && error.code === 'ConcurrentModification';

const until = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(1000, Math.max(0, ms))));

export async function revokeSessions(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<RevokedSessions> {
  let { volume } = await asAdmin(deps, caller, volumeId, 'sessions.revoke');
  const atMs = Math.ceil(deps.clock.now().getTime() / 1000) * 1000;
  const at = wholeSeconds(atMs);
  // A concurrent change (another admin's update) only moves the version: read again and retry.
  for (let attempt = 1; ; attempt++) {
    const revoked: Volume = { ...volume, sessionsRevokedAt: at, updatedAt: deps.clock.now().toISOString(), version: volume.version + 1 };
    try {
      await deps.repo.update(revoked, volume.version, {
        audit: auditEvent(deps, caller, volume.id, 'sessions.revoke', 'succeeded', { sessionsRevokedAt: at }),
      });
      break;
    } catch (error) {
      if (!isConcurrent(error) || attempt >= 3) throw error;
      ({ volume } = await asAdmin(deps, caller, volumeId, 'sessions.revoke'));
    }
  }
  noteRevocation(volume.id, new Date(atMs));
  await until(atMs - deps.clock.now().getTime());
  return {
    volumeId: volume.id,
    sessionsRevokedAt: at,
    roleArn: volume.auth.roleArn,
    policyName: revokePolicyName(volume.id),
    policy: revokePolicy(at),
    command: revokeCommand(volume, at),
    stalenessSeconds: VOLUME_STALENESS_MS / 1000,
  };
}
