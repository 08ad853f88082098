/** The volume routes' domain functions: create, list, get, update, delete, verify. */
import { NotFound } from '../errors';
import { loadVisible } from './access';
import type { Caller, VolumeDeps } from './deps';
import { asAdmin, auditEvent } from './guard';
import { idempotencyRecord, isLive, parseIdempotencyKey, replayOf } from './idempotency';
import type { Member, Page, Verification, Volume } from './model';
import { pageRequest } from './paging';
import { setupFor } from './policies';
import { IdempotencyKeyInUse } from './ports';
import type { CreateVolumeInput, UpdateVolumeInput } from './schemas';
import { verifyVolume } from './verify';
import { type VolumeView, volumeView } from './view';
import { applyPatch, validateCreate, validatePatch } from './volume-input';

/** What `createVolumeOnce` answers: the volume, and whether it was made by an earlier request with the same key. */
export interface Created {
  volume: VolumeView;
  replayed: boolean;
}

/**
 * Registers a volume in status `pending`, with a fresh external id (role volumes) and the caller as its owner
 * and first admin. The view carries `setup`: the policies and commands to apply before verifying. The name is
 * claimed by the repository (`VolumeNameTaken` when held); the volume, its claim, the owner's membership, the
 * audit event and the idempotency record are one transaction, so nothing is written when any part fails.
 *
 * With an `idempotencyKey` (the `Idempotency-Key` header; see `idempotency.ts`), a retry of a create whose
 * answer was lost answers the volume it created, `replayed`, instead of `VolumeNameTaken`.
 */
export async function createVolumeOnce(
  deps: VolumeDeps,
  caller: Caller,
  input: CreateVolumeInput,
  idempotencyKey?: string,
): Promise<Created> {
  const key = parseIdempotencyKey(idempotencyKey);
  const fields = validateCreate(input, deps.settings);
  const at = deps.clock.now();
  const now = at.toISOString();
  const volume: Volume = {
    id: deps.ids.volumeId(),
    ...fields,
    ...(fields.auth.type === 'role' ? { externalId: deps.ids.externalId() } : {}),
    status: 'pending',
    ownerSubject: caller.subject,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const owner: Member = { volumeId: volume.id, subject: caller.subject, access: 'admin', addedBy: caller.subject, addedAt: now };
  const setup = setupFor(volume, deps.settings);
  const audit = auditEvent(deps, caller, volume.id, 'volume.create', 'succeeded', {
    name: volume.name,
    bucket: volume.bucket,
    prefix: volume.prefix,
    region: volume.region,
    accessMode: volume.accessMode,
    authType: volume.auth.type,
  });
  const idempotency = key === undefined ? undefined : idempotencyRecord(caller.subject, key, fields, volume.id, at);
  try {
    await deps.repo.create(volume, owner, { audit, ...(idempotency ? { idempotency } : {}) });
  } catch (error) {
    if (key !== undefined && error instanceof IdempotencyKeyInUse) return replay(deps, caller, key, fields);
    throw error;
  }
  return { volume: { ...volumeView(volume, owner, deps.settings, { setup: false }), setup }, replayed: false };
}

/** The volume an earlier create with this key made, as it is now; `IdempotencyKeyReused` for another request. */
async function replay(deps: VolumeDeps, caller: Caller, key: string, request: unknown): Promise<Created> {
  const record = await deps.repo.getIdempotency(caller.subject, key);
  // Held a moment ago, gone or expired now: the caller may simply retry.
  if (!record || !isLive(record, deps.clock.now())) throw new IdempotencyKeyInUse();
  const { volumeId } = replayOf(record, request);
  const { volume, member } = await loadVisible(deps.repo, volumeId, caller.subject).catch((error: unknown) => {
    if (error instanceof NotFound) {
      throw new NotFound(
        `The volume this Idempotency-Key created (${volumeId}) has been deleted since, or you are no longer its member.`,
        'VolumeNotFound',
        'NoSuchBucket',
      );
    }
    throw error;
  });
  return { volume: volumeView(volume, member, deps.settings), replayed: true };
}

/** `createVolumeOnce` without a key. */
export async function createVolume(deps: VolumeDeps, caller: Caller, input: CreateVolumeInput): Promise<VolumeView> {
  return (await createVolumeOnce(deps, caller, input)).volume;
}

/** The volumes the caller is a member of, with their access; listings leave `setup` out (see getVolume). */
export async function listVolumes(
  deps: VolumeDeps,
  caller: Caller,
  page?: { limit?: number; nextToken?: string },
): Promise<Page<VolumeView>> {
  const result = await deps.repo.listForSubject(caller.subject, pageRequest(page));
  return {
    items: result.items.map(({ volume, member }) => volumeView(volume, member, deps.settings, { setup: false })),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
}

export async function getVolume(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<VolumeView> {
  const { volume, member } = await loadVisible(deps.repo, volumeId, caller.subject);
  return volumeView(volume, member, deps.settings);
}

/**
 * Changes description, requireMfa or accessMode (admins). Widening read-only to read-write sends the volume
 * back to `pending`: the role must prove again that it allows exactly what the new setup says. Narrowing keeps
 * the status. The write names the version read, so a concurrent change surfaces as `ConcurrentModification`.
 */
export async function updateVolume(deps: VolumeDeps, caller: Caller, volumeId: string, patch: UpdateVolumeInput): Promise<VolumeView> {
  validatePatch(patch);
  const { volume, member } = await asAdmin(deps, caller, volumeId, 'volume.update');
  const { next, changed, widened } = applyPatch(volume, patch);
  if (changed.length === 0) return volumeView(volume, member, deps.settings);
  const updated: Volume = { ...next, updatedAt: deps.clock.now().toISOString(), version: volume.version + 1 };
  await deps.repo.update(updated, volume.version, {
    audit: auditEvent(deps, caller, volumeId, 'volume.update', 'succeeded', {
      changed,
      ...(widened ? { status: { from: volume.status, to: updated.status } } : {}),
    }),
  });
  return volumeView(updated, member, deps.settings);
}

/** Deletes the volume with its memberships (admins); the deletion's audit event is written with the volume's removal. */
export async function deleteVolume(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<void> {
  const { volume } = await asAdmin(deps, caller, volumeId, 'volume.delete');
  await deps.repo.delete(volumeId, { audit: auditEvent(deps, caller, volumeId, 'volume.delete', 'succeeded', { name: volume.name }) });
}

/** Probes the role and records the result on the volume and in its audit trail (admins). */
export async function verify(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<Pick<Verification, 'status' | 'checks'>> {
  const { volume } = await asAdmin(deps, caller, volumeId, 'volume.verify');
  const { status, checks } = await verifyVolume(deps, caller, volume);
  return { status, checks };
}
