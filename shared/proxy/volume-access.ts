/**
 * The volume a request names, as the caller may use it, by the same rules as every data route
 * (`shared/vending/rules.ts`): a member (else NoSuchBucket, as for a volume that does not exist, and nothing is
 * audited), of an active volume, with MFA when the volume requires it, asking no more than their effective
 * access. Two more for the proxy: a gateway key limited to volumes reaches no others (NoSuchBucket too), and a
 * web-identity volume needs the caller's own token, so a gateway key cannot use one. A member's refusal is
 * audited before it is answered.
 *
 * A key with scopes (`POST /access-keys` `scopes`) is held to them inside the volume ({@link scopeFor}), as S3 holds a
 * session whose policy allows `root/prefix*` and ListBucket with `s3:prefix` like `root/prefix*`: an object outside
 * every scope of its volume is AccessDenied (403); a listing is allowed only when its `prefix` parameter lies inside a
 * scope (a listing without one, or of a parent, is refused unless a scope covers the whole volume); a write needs a
 * scope that writes. The request is then signed with a session narrowed to that scope's prefix and access.
 */
import { AppError, Forbidden } from '../errors';
import type { Logger } from '../log';
import { requireDataAccess } from '../vending/rules';
import { dataAccessOf } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { DataAccess, Member, Volume } from '../volumes/model';
import { sessionsRevokedAt } from '../volumes/revocations';
import type { VolumeLookup } from '../volumes/volume-lookup';
import type { ProxyAudit } from './audit';
import type { Principal } from './authenticate';
import { noSuchBucket, S3Refusal, unknownAccessKey } from './errors';
import type { Operation } from './operations';
import type { AccessKeyResolver } from './ports';

export interface OpenVolume {
  volume: Volume;
  member: Member;
  /** The caller's effective access: what the forwarding credentials are scoped to. */
  access: DataAccess;
}

export interface VolumeAccessDeps {
  lookup: VolumeLookup;
  audit: ProxyAudit;
  /** To read a gateway key again when its cached resolution predates the volume's revocation. */
  accessKeys?: AccessKeyResolver;
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

/** What a request may reach: the session it is signed with covers `prefix` (relative to the root; all when absent) for `access`. */
export interface Reach {
  prefix?: string;
  access: DataAccess;
}

const outsideScope = (what: string) => new S3Refusal(403, 'AccessDenied', `Access Denied: this access key's scopes do not allow ${what}.`);

/**
 * The scope of the principal's key that lets `path` (an object's key, or a listing's `prefix`, relative to the volume's
 * root; undefined for a request that names neither) be reached for `needed`; undefined when the key has no scopes
 * (the whole volume, at the caller's `allowed` access). Throws S3's AccessDenied when no scope does.
 */
export function scopeFor(
  principal: Pick<Principal, 'scopes'>,
  volumeId: string,
  path: string | undefined,
  needed: DataAccess,
  allowed: DataAccess,
): Reach | undefined {
  if (!principal.scopes) return undefined;
  const scopes = principal.scopes.filter((scope) => scope.volumeId === volumeId);
  const reach = (scope: (typeof scopes)[number]): Reach => ({
    access: scope.access === 'read' ? 'read' : allowed,
    ...(scope.prefix === undefined ? {} : { prefix: scope.prefix }),
  });
  const inside = scopes.filter((scope) => path === undefined || scope.prefix === undefined || path.startsWith(scope.prefix));
  // The widest session that serves the request: write before read, a whole volume before a prefix.
  const ranked = inside.map(reach).sort((a, b) => Number(b.access === 'write') - Number(a.access === 'write'));
  const found = ranked.find((r) => needed === 'read' || r.access === 'write');
  if (found) return found;
  const where = path === undefined ? 'this request' : `"${path.slice(0, 200)}"`;
  throw outsideScope(ranked.length > 0 ? `writing ${where} (read only there)` : `${where} (outside every prefix it may reach)`);
}

/**
 * A gateway key whose cached resolution was read before the volume's sessions were revoked (in another container: this
 * one forgets at once) is read from the store again, once: nothing cached for a revoked volume is served.
 */
async function keyStillValid(deps: VolumeAccessDeps, principal: Principal, volume: Volume): Promise<void> {
  const revokedAt = sessionsRevokedAt(volume);
  const { accessKeyId, resolvedAt } = principal;
  if (!deps.accessKeys || revokedAt === undefined || !accessKeyId || !resolvedAt || resolvedAt.getTime() >= revokedAt) return;
  const key = await deps.accessKeys.resolve(accessKeyId, { notBefore: revokedAt });
  if (!key || key.subject !== principal.subject) throw unknownAccessKey();
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
  await keyStillValid(deps, principal, visible.volume);
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
