/**
 * The audit trail of a volume, and the admin check that writes a member's denied attempt into it before the
 * refusal is thrown. Non-members never reach the trail: they get `VolumeNotFound` and nothing is written.
 */
import type { AppError } from '../errors';
import { loadVisible, requireAdmin, type Visible } from './access';
import type { Caller, VolumeDeps } from './deps';
import type { AuditEvent, AuditOutcome } from './model';

/** The event of `action` on the volume by the caller, now; for writes that carry their event (`WriteWith`). */
export function auditEvent(
  deps: Pick<VolumeDeps, 'clock'>,
  caller: Caller,
  volumeId: string,
  action: string,
  outcome: AuditOutcome,
  detail?: Record<string, unknown>,
): AuditEvent {
  return {
    volumeId,
    at: deps.clock.now().toISOString(),
    subject: caller.subject,
    action,
    outcome,
    requestId: caller.requestId,
    ...(detail ? { detail } : {}),
  };
}

/** Writes an event on its own (refusals, and changes that are not a repository write). */
export function record(
  deps: Pick<VolumeDeps, 'audit' | 'clock'>,
  caller: Caller,
  volumeId: string,
  action: string,
  outcome: AuditOutcome,
  detail?: Record<string, unknown>,
): Promise<void> {
  return deps.audit.record(auditEvent(deps, caller, volumeId, action, outcome, detail));
}

/** Records a member's refused attempt at `action`, then throws the refusal. */
export async function deny(
  deps: Pick<VolumeDeps, 'audit' | 'clock'>,
  caller: Caller,
  visible: Visible,
  action: string,
  error: AppError,
): Promise<never> {
  await record(deps, caller, visible.volume.id, action, 'denied', { reason: error.code, access: visible.member.access });
  throw error;
}

/** The volume, if the caller is one of its admins; a member who is not is refused, and that is audited. */
export async function asAdmin(
  deps: Pick<VolumeDeps, 'repo' | 'audit' | 'clock'>,
  caller: Caller,
  volumeId: string,
  action: string,
): Promise<Visible> {
  const visible = await loadVisible(deps.repo, volumeId, caller.subject);
  try {
    requireAdmin(visible.member);
  } catch (error) {
    return deny(deps, caller, visible, action, error as AppError);
  }
  return visible;
}
