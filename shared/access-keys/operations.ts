/**
 * The access-key routes' domain functions: create (the secret is shown once), list (never the secret) and
 * revoke (the owner only).
 *
 * Audit: a key that names volumes is recorded on each of their audit trails (`access-key.create`,
 * `access-key.revoke`, with the key id), so a volume's admins see which keys can reach it. A key that names none
 * (every volume its owner is a member of, now or later) is on no trail: the set of volumes changes over time, and
 * what the key is used for is audited by the proxy, per volume, as it happens. Every creation and revocation is
 * also logged with the request id, owner, key id and volumes.
 *
 * A key that could not be audited is not handed out: the key and its events are stored in one transaction, so
 * an outage leaves neither. A revocation that could not be audited still stands (the key is gone; the failure is
 * logged): refusing to revoke because the audit log is down would keep a key alive that its owner wants dead.
 */
import { type AppError, Forbidden, NotFound, ValidationFailed } from '../errors';
import { checkPrefix } from '../vending/prefix';
import type { Visible } from '../volumes/access';
import { dataAccessOf } from '../volumes/access';
import { auditEvent, deny, record } from '../volumes/guard';
import type { Page } from '../volumes/model';
import { pageRequest } from '../volumes/paging';
import type { AccessKeyDeps, KeyCaller } from './deps';
import { isAccessKeyId } from './ids';
import {
  type AccessKeyRecord,
  type AccessKeyScope,
  type AccessKeyView,
  accessKeyView,
  type CreatedAccessKey,
  DEFAULT_EXPIRES_IN,
  MAX_EXPIRES_IN,
  MAX_KEY_SCOPES,
  MAX_KEY_VOLUMES,
  MAX_VOLUME_REF_LENGTH,
  MIN_EXPIRES_IN,
} from './model';
import { accessKeysDisabled } from './secret';
import { canIssue, issueSecret } from './secret-derivation';

export interface CreateAccessKeyInput {
  /** Volume names or ids the caller is a member of; omitted = every volume they are a member of. */
  volumes?: string[];
  /** Seconds the key lives: 900 (15 minutes) to 2,592,000 (30 days); a week when omitted. */
  expiresIn?: number;
  /** Narrower grants besides `volumes` (see {@link AccessKeyScope}). */
  scopes?: Array<{ volumeId: string; prefix?: string; access?: 'read' | 'write' }>;
}

type PageInput = { limit?: number; nextToken?: string };

const accessKeyNotFound = (id: string) =>
  new NotFound(
    `You have no access key "${String(id).slice(0, 64)}" (it may have expired or been revoked already).`,
    'AccessKeyNotFound',
    'InvalidAccessKeyId',
  );

export function checkExpiresIn(expiresIn: unknown): number {
  if (expiresIn === undefined) return DEFAULT_EXPIRES_IN;
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < MIN_EXPIRES_IN || expiresIn > MAX_EXPIRES_IN) {
    throw new ValidationFailed(
      `expiresIn: must be a whole number of seconds from ${MIN_EXPIRES_IN} (15 minutes) to ${MAX_EXPIRES_IN} (30 days).`,
      'expiresIn',
    );
  }
  return expiresIn;
}

export function checkVolumeRefs(volumes: unknown): string[] | undefined {
  if (volumes === undefined) return undefined;
  if (!Array.isArray(volumes)) throw new ValidationFailed('volumes: must be a list of volume names or ids.', 'volumes');
  if (volumes.length === 0 || volumes.length > MAX_KEY_VOLUMES) {
    throw new ValidationFailed(
      `volumes: name 1 to ${MAX_KEY_VOLUMES} volumes, or leave it out for every volume you are a member of.`,
      'volumes',
    );
  }
  volumes.forEach((ref, i) => {
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_VOLUME_REF_LENGTH || /\p{Cc}/u.test(ref)) {
      throw new ValidationFailed(`volumes.${i}: must be a volume's name or id, 1 to ${MAX_VOLUME_REF_LENGTH} characters.`, `volumes.${i}`);
    }
  });
  return volumes as string[];
}

/** The volume a name or id refers to, with the caller's membership; undefined when there is none of theirs. */
async function findVolume(deps: AccessKeyDeps, subject: string, ref: string): Promise<Visible | undefined> {
  const visibleAs = async (volume: Visible['volume'] | undefined) => {
    const member = volume ? await deps.repo.getMember(volume.id, subject) : undefined;
    return volume && member ? { volume, member } : undefined;
  };
  // Ids start with `vol-`; a name may too, so a miss by id falls back to the name.
  const byId = ref.startsWith('vol-') ? await visibleAs(await deps.repo.get(ref)) : undefined;
  return byId ?? visibleAs(await deps.repo.getByName(ref));
}

/**
 * The named volumes, each one the caller is a member of, without repeats. An unknown name or id, or a volume
 * the caller is not a member of, is `UnknownVolume` (400, field `volumes.<i>`) in the words of a 404: outsiders
 * never learn whether a volume exists. A `requireMfa` volume named without MFA is `MfaRequired` (403), audited on
 * that volume: the key would carry the token's `amr` and could never be used there.
 */
async function namedVolumes(deps: AccessKeyDeps, caller: KeyCaller, refs: string[]): Promise<Visible[]> {
  const found = await Promise.all(refs.map((ref) => findVolume(deps, caller.subject, ref)));
  const volumes = new Map<string, Visible>();
  for (const [i, visible] of found.entries()) {
    if (!visible) {
      throw new ValidationFailed(
        `volumes.${i}: there is no volume "${refs[i]}" that you are a member of.`,
        `volumes.${i}`,
        'UnknownVolume',
      );
    }
    volumes.set(visible.volume.id, visible);
  }
  for (const visible of volumes.values()) {
    if (visible.volume.requireMfa && !caller.authMethods.includes('mfa')) {
      const refusal: AppError = new Forbidden(
        `The volume "${visible.volume.name}" requires multi-factor authentication, and a key keeps the sign-in it was created with: ` +
          `create it with a token whose "amr" includes "mfa".`,
        'MfaRequired',
      );
      await deny(deps, caller, visible, 'access-key.create', refusal);
    }
  }
  return [...volumes.values()];
}

/** The scopes as given, checked for their shape: 1 to 50 of {volumeId, prefix?, access?}; undefined when absent. */
export function checkScopes(scopes: unknown): Array<{ volumeId: string; prefix?: string; access?: 'read' | 'write' }> | undefined {
  if (scopes === undefined) return undefined;
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > MAX_KEY_SCOPES)
    throw new ValidationFailed(`scopes: must list 1 to ${MAX_KEY_SCOPES} scopes {volumeId, prefix?, access?}.`, 'scopes');
  return scopes.map((scope, i) => {
    const field = `scopes.${i}`;
    if (typeof scope !== 'object' || scope === null) throw new ValidationFailed(`${field}: must be {volumeId, prefix?, access?}.`, field);
    const { volumeId, prefix, access } = scope as Record<string, unknown>;
    checkVolumeRefs([volumeId]);
    checkPrefix(undefined, prefix, `${field}.prefix`);
    if (access !== undefined && access !== 'read' && access !== 'write')
      throw new ValidationFailed(`${field}.access: must be "read" or "write".`, `${field}.access`);
    return {
      volumeId: volumeId as string,
      ...(prefix === undefined ? {} : { prefix: prefix as string }),
      ...(access === undefined ? {} : { access }),
    };
  });
}

/**
 * The scopes against the caller's volumes: each names one they are a member of (`UnknownVolume` 400 naming
 * `scopes.<i>.volumeId` otherwise), its prefix fits that volume (`ValidationFailed` naming `scopes.<i>.prefix`), and
 * `write` is asked only where the caller may write now (`AccessExceedsMembership` 403). Stored by volume id.
 */
async function resolveScopes(
  deps: AccessKeyDeps,
  caller: KeyCaller,
  scopes: NonNullable<ReturnType<typeof checkScopes>>,
): Promise<{ scopes: AccessKeyScope[]; visible: Visible[] }> {
  const found = await Promise.all(scopes.map((scope) => findVolume(deps, caller.subject, scope.volumeId)));
  const resolved = scopes.map((scope, i): AccessKeyScope => {
    const visible = found[i];
    if (!visible) {
      throw new ValidationFailed(
        `scopes.${i}.volumeId: there is no volume "${scope.volumeId}" that you are a member of.`,
        `scopes.${i}.volumeId`,
        'UnknownVolume',
      );
    }
    checkPrefix(visible.volume, scope.prefix, `scopes.${i}.prefix`);
    if (scope.access === 'write' && dataAccessOf(visible.volume, visible.member) !== 'write') {
      throw new Forbidden(
        `scopes.${i}.access: you may only read the volume "${visible.volume.name}", and a key never reaches more than you do.`,
        'AccessExceedsMembership',
      );
    }
    return { ...scope, volumeId: visible.volume.id };
  });
  return { scopes: resolved, visible: found.filter((v): v is Visible => v !== undefined) };
}

/**
 * A new key for the caller. The answer carries `secretAccessKey`: the only time it is ever shown (it is derived
 * again when the proxy needs it, never stored). Errors: `AccessKeysDisabled` 503, `ValidationFailed` 400 on
 * `expiresIn`/`volumes`, `UnknownVolume` 400, `MfaRequired` 403, store and audit outages 503.
 */
export async function createAccessKey(deps: AccessKeyDeps, caller: KeyCaller, input: CreateAccessKeyInput = {}): Promise<CreatedAccessKey> {
  if (!canIssue(deps)) throw accessKeysDisabled();
  const expiresIn = checkExpiresIn(input.expiresIn);
  const refs = checkVolumeRefs(input.volumes);
  const asked = checkScopes(input.scopes);
  const named = refs ? await namedVolumes(deps, caller, refs) : undefined;
  const scoped = asked ? await resolveScopes(deps, caller, asked) : undefined;
  const mfaChecked = scoped ? await namedVolumes(deps, caller, [...new Set(scoped.scopes.map((s) => s.volumeId))]) : [];
  // Every volume the key reaches, once: those named whole, then those of the scopes.
  const volumes = named || scoped ? [...new Map([...(named ?? []), ...mfaChecked].map((v) => [v.volume.id, v])).values()] : undefined;
  // With scopes, the volumes named whole are scopes too (without a prefix or an access of their own).
  const scopes = scoped ? [...(named ?? []).map((v) => ({ volumeId: v.volume.id })), ...scoped.scopes] : undefined;

  const now = deps.clock.now();
  const key: AccessKeyRecord = {
    id: deps.ids.accessKeyId(),
    owner: caller.subject,
    ...(volumes ? { volumeIds: volumes.map((v) => v.volume.id) } : {}),
    ...(scopes ? { scopes } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
    salt: deps.ids.salt(),
    authMethods: [...caller.authMethods],
    status: 'active',
  };
  if (!isAccessKeyId(key.id)) throw new Error(`the id source made an access key id of the wrong shape: ${JSON.stringify(key.id)}`);
  // Derived before the key is stored: a KMS outage leaves no key behind.
  const { secretAccessKey, derivation } = await issueSecret(deps, key.id, key.salt);
  if (derivation) key.derivation = derivation;
  await deps.store.put(
    key,
    (volumes ?? []).map((v) =>
      auditEvent(deps, caller, v.volume.id, 'access-key.create', 'succeeded', { accessKeyId: key.id, expiresAt: key.expiresAt }),
    ),
  );
  caller.log?.info('access key created', {
    accessKeyId: key.id,
    owner: key.owner,
    volumeIds: key.volumeIds ?? 'all',
    expiresAt: key.expiresAt,
  });
  return { ...accessKeyView(key), secretAccessKey };
}

/** The caller's own keys that have not expired, newest first; never a secret or a salt. */
export async function listAccessKeys(deps: AccessKeyDeps, caller: KeyCaller, page?: PageInput): Promise<Page<AccessKeyView>> {
  const result = await deps.store.listByOwner(caller.subject, pageRequest(page));
  const now = deps.clock.now().getTime();
  // Expired keys the table's TTL has not swept yet are not keys any more.
  const items = result.items.filter((key) => Date.parse(key.expiresAt) > now).map(accessKeyView);
  return { items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}

/**
 * Deletes the caller's key at once; the proxy stops accepting it within its cache's lifetime (30 s by default,
 * never more than a minute). Another user's key, an unknown id and an expired key are all `AccessKeyNotFound`
 * (404), and nothing is written to any trail.
 */
export async function revokeAccessKey(deps: AccessKeyDeps, caller: KeyCaller, accessKeyId: string): Promise<void> {
  if (!isAccessKeyId(accessKeyId)) throw accessKeyNotFound(accessKeyId);
  const removed = await deps.store.remove(accessKeyId, caller.subject);
  if (!removed || Date.parse(removed.expiresAt) <= deps.clock.now().getTime()) throw accessKeyNotFound(accessKeyId);
  caller.log?.info('access key revoked', { accessKeyId, owner: removed.owner, volumeIds: removed.volumeIds ?? 'all' });
  const audits = await Promise.allSettled(
    (removed.volumeIds ?? []).map((volumeId) => record(deps, caller, volumeId, 'access-key.revoke', 'succeeded', { accessKeyId })),
  );
  for (const audit of audits) {
    if (audit.status === 'rejected')
      caller.log?.error('access key revoked, but its audit event was not written', {
        accessKeyId,
        reason: (audit.reason as Error)?.message,
      });
  }
}
