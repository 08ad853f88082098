/** The volume routes' domain functions: create, list, get, update, delete, verify. */
import { loadVisible } from './access';
import type { Caller, VolumeDeps } from './deps';
import { asAdmin, record } from './guard';
import type { Member, Page, Verification, Volume } from './model';
import { pageRequest } from './paging';
import { setupFor } from './policies';
import type { CreateVolumeInput, UpdateVolumeInput } from './schemas';
import { verifyVolume } from './verify';
import { volumeView, type VolumeView } from './view';
import { applyPatch, validateCreate, validatePatch } from './volume-input';

/**
 * Registers a volume in status `pending`, with a fresh external id (role volumes) and the caller as its owner
 * and first admin. The view carries `setup`: the policies and commands to apply before verifying. The name is
 * claimed by the repository (`VolumeNameTaken` when held); nothing is written when any check fails.
 */
export async function createVolume(deps: VolumeDeps, caller: Caller, input: CreateVolumeInput): Promise<VolumeView> {
  const fields = validateCreate(input, deps.settings);
  const now = deps.clock.now().toISOString();
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
  await deps.repo.create(volume, owner);
  await record(deps, caller, volume.id, 'volume.create', 'succeeded', {
    name: volume.name,
    bucket: volume.bucket,
    prefix: volume.prefix,
    region: volume.region,
    accessMode: volume.accessMode,
    authType: volume.auth.type,
  });
  return { ...volumeView(volume, owner, deps.settings, { setup: false }), setup };
}

/** The volumes the caller is a member of, with their access; listings leave `setup` out (see getVolume). */
export async function listVolumes(deps: VolumeDeps, caller: Caller, page?: { limit?: number; nextToken?: string }): Promise<Page<VolumeView>> {
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
  await deps.repo.update(updated, volume.version);
  await record(deps, caller, volumeId, 'volume.update', 'succeeded', {
    changed,
    ...(widened ? { status: { from: volume.status, to: updated.status } } : {}),
  });
  return volumeView(updated, member, deps.settings);
}

/** Deletes the volume with its memberships (admins). The deletion is audited first, while the volume exists. */
export async function deleteVolume(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<void> {
  const { volume } = await asAdmin(deps, caller, volumeId, 'volume.delete');
  await record(deps, caller, volumeId, 'volume.delete', 'succeeded', { name: volume.name });
  await deps.repo.delete(volumeId);
}

/** Probes the role and records the result on the volume and in its audit trail (admins). */
export async function verify(deps: VolumeDeps, caller: Caller, volumeId: string): Promise<Pick<Verification, 'status' | 'checks'>> {
  const { volume } = await asAdmin(deps, caller, volumeId, 'volume.verify');
  const { status, checks } = await verifyVolume(deps, caller, volume);
  return { status, checks };
}
