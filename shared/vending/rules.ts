/**
 * Who may reach a volume's data, and the audit trail of every attempt.
 *
 * Rules, in order, for every route that reaches data (vend, presign, download, uploads):
 * 1. the caller is a member (else `VolumeNotFound`, 404, and nothing is audited: outsiders never learn of it);
 * 2. the volume is `active` (else `VolumeNotActive`, 409: verify it first);
 * 3. a `requireMfa` volume needs `mfa` among the token's authentication methods (else `MfaRequired`, 403);
 * 4. the access needed is within the caller's effective data access (else `AccessExceedsMembership`, 403).
 *
 * Once the caller is known to be a member, the attempt is audited whatever happens: `allowed` (or `succeeded`),
 * `denied` for refusals (403, 409), `failed` for anything else the service raised on purpose (400, 503), with
 * the error's code as `reason`.
 */
import { AppError, Conflict, Forbidden } from '../errors';
import { dataAccessOf, hotReads, loadVisible, type Visible } from '../volumes/access';
import type { Caller, VolumeDeps } from '../volumes/deps';
import { record } from '../volumes/guard';
import type { AuditOutcome, DataAccess } from '../volumes/model';

/** Checks rules 2 to 4 for a visible volume; throws the refusal. */
export function requireDataAccess(caller: Caller, visible: Visible, needed: DataAccess): void {
  const { volume, member } = visible;
  if (volume.status !== 'active') {
    throw new Conflict(
      `The volume is ${volume.status}, and only active volumes serve data: ask the volume's admin to verify it first (POST ` +
        `/volumes/${volume.id}/verify).`,
      'VolumeNotActive',
    );
  }
  if (volume.requireMfa && !caller.authMethods.includes('mfa')) {
    throw new Forbidden(
      'This volume requires multi-factor authentication: sign in again with MFA (your token\'s "amr" claim must include "mfa").',
      'MfaRequired',
    );
  }
  const allowed = dataAccessOf(volume, member);
  if (needed === 'write' && allowed === 'read') {
    const why = volume.accessMode === 'read-only' ? 'the volume is read-only' : `your membership is "${member.access}"`;
    throw new Forbidden(`You may only read this volume's data (${why}); "write" access was asked for.`, 'AccessExceedsMembership');
  }
}

export interface Audited<T> {
  value: T;
  /** Merged into the base detail of the audit event. */
  detail?: Record<string, unknown>;
}

const outcomeOf = (error: AppError): AuditOutcome => (error.status === 403 || error.status === 409 ? 'denied' : 'failed');

/**
 * Loads the volume as the caller sees it (from the container's brief cache: 5 s stale at most; 404 for non-members,
 * not audited), runs `attempt`, and audits the result under `action`: `success` with `base` (or what it computes from
 * the volume) and the attempt's detail, or the refusal with `base` and its code. Errors that are not the service's own
 * (bugs, aborts) are not audited.
 */
export async function audited<T>(
  deps: Pick<VolumeDeps, 'repo' | 'lookup' | 'audit' | 'clock'>,
  caller: Caller,
  volumeId: string,
  action: string,
  base: Record<string, unknown> | ((visible: Visible) => Record<string, unknown>),
  attempt: (visible: Visible) => Promise<Audited<T>>,
  success: AuditOutcome = 'allowed',
): Promise<T> {
  // The hot path's reads: a few seconds stale at most (shared/volumes/volume-lookup.ts).
  const visible = await loadVisible(hotReads(deps), volumeId, caller.subject);
  const context = typeof base === 'function' ? base(visible) : base;
  let result: Audited<T>;
  try {
    result = await attempt(visible);
  } catch (error) {
    if (error instanceof AppError)
      await record(deps, caller, visible.volume.id, action, outcomeOf(error), { ...context, reason: error.code });
    throw error;
  }
  await record(deps, caller, visible.volume.id, action, success, { ...context, ...result.detail });
  return result.value;
}
