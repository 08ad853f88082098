/**
 * The volume a request names, as the caller may use it, by the same rules as every data route
 * (`shared/vending/rules.ts`): a member (else NoSuchBucket, as for a volume that does not exist, and nothing is
 * audited), of an active volume, with MFA when the volume requires it, asking no more than their effective
 * access. Two more for the proxy: a gateway key limited to volumes reaches no others (NoSuchBucket too), and a
 * web-identity volume needs the caller's own token, so a gateway key cannot use one. A member's refusal is
 * audited before it is answered.
 */
import { AppError, Forbidden } from '../errors';
import type { Logger } from '../log';
import { requireDataAccess } from '../vending/rules';
import { dataAccessOf } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { DataAccess, Member, Volume } from '../volumes/model';
import type { VolumeLookup } from '../volumes/volume-lookup';
import type { ProxyAudit } from './audit';
import type { Principal } from './authenticate';
import { noSuchBucket } from './errors';
import type { Operation } from './operations';

export interface OpenVolume {
  volume: Volume;
  member: Member;
  /** The caller's effective access: what the forwarding credentials are scoped to. */
  access: DataAccess;
}

export interface VolumeAccessDeps {
  lookup: VolumeLookup;
  audit: ProxyAudit;
}

/** S3 bucket names are 3 to 63 characters of `a-z0-9.-`; anything else cannot be a volume and costs no lookup. */
const POSSIBLE_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The volume and membership if the caller may see the volume at all; undefined otherwise (never says why). */
export async function findVisible(
  deps: VolumeAccessDeps,
  principal: Principal,
  name: string,
): Promise<{ volume: Volume; member: Member } | undefined> {
  if (!POSSIBLE_NAME.test(name)) return undefined;
  const volume = await deps.lookup.byName(name);
  if (!volume) return undefined;
  if (principal.volumeIds && !principal.volumeIds.includes(volume.id)) return undefined;
  const member = await deps.lookup.member(volume.id, principal.subject);
  return member ? { volume, member } : undefined;
}

/** Why a visible volume cannot be used for `needed` by this caller; undefined when it can. */
export function refusalOf(
  principal: Principal,
  caller: Caller,
  visible: { volume: Volume; member: Member },
  needed: DataAccess,
): AppError | undefined {
  try {
    requireDataAccess(caller, visible, needed);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  if (visible.volume.auth.type === 'web-identity' && principal.token === undefined) {
    return new Forbidden(
      "This volume is reached with the caller's own token (a web-identity volume), which a gateway access key does not carry: use " +
        'your token as the access key id for it.',
      'WebIdentityNeedsToken',
    );
  }
  return undefined;
}

/** Opens the volume for `operation`; throws NoSuchBucket or the (audited) refusal. */
export async function openVolume(
  deps: VolumeAccessDeps,
  principal: Principal,
  caller: Caller,
  name: string,
  operation: Operation,
  detail: Record<string, unknown>,
  log: Logger,
): Promise<OpenVolume> {
  const visible = await findVisible(deps, principal, name);
  if (!visible) throw noSuchBucket(name);
  const refusal = refusalOf(principal, caller, visible, operation.access);
  if (refusal) {
    await deps.audit.record(
      { caller, volumeId: visible.volume.id, operation, outcome: 'denied', detail: { ...detail, reason: refusal.code } },
      log,
    );
    throw refusal;
  }
  return { ...visible, access: dataAccessOf(visible.volume, visible.member) };
}
