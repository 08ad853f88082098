/**
 * Who may see and manage a volume. A caller who is not a member gets the same 404 as for a volume that does
 * not exist, on every route of it: a volume's existence is never revealed to outsiders.
 */
import { Forbidden, NotFound } from '../errors';
import type { VolumeDeps } from './deps';
import { atLeast, type DataAccess, effectiveDataAccess, type Member, type Volume } from './model';
import type { VolumeRepository } from './ports';

export interface Visible {
  volume: Volume;
  member: Member;
}

/** Ids we hand out are short; anything much longer cannot exist and is not worth a lookup. */
const MAX_ID_LENGTH = 128;

export const volumeNotFound = (volumeId: string) =>
  new NotFound(`There is no volume "${volumeId.slice(0, MAX_ID_LENGTH)}" that you are a member of.`, 'VolumeNotFound', 'NoSuchBucket');

/** What the hot paths read the volume and the membership from: the container's brief cache when there is one, else the repository. */
export const hotReads = (deps: Pick<VolumeDeps, 'repo' | 'lookup'>): Pick<VolumeRepository, 'get' | 'getMember'> =>
  deps.lookup ? { get: deps.lookup.byId, getMember: deps.lookup.member } : deps.repo;

/** The volume and the caller's membership of it; `VolumeNotFound` (404) when either is missing. */
export async function loadVisible(repo: Pick<VolumeRepository, 'get' | 'getMember'>, volumeId: string, subject: string): Promise<Visible> {
  if (volumeId === '' || volumeId.length > MAX_ID_LENGTH) throw volumeNotFound(volumeId);
  const [volume, member] = await Promise.all([repo.get(volumeId), repo.getMember(volumeId, subject)]);
  if (!volume || !member) throw volumeNotFound(volumeId);
  return { volume, member };
}

export const isAdmin = (member: Pick<Member, 'access'>) => atLeast(member.access, 'admin');

/** `NotVolumeAdmin` (403) unless the member is an admin of the volume. */
export function requireAdmin(member: Pick<Member, 'access'>): void {
  if (!isAdmin(member)) {
    throw new Forbidden(`Only the volume's admins may do this; your access is "${member.access}".`, 'NotVolumeAdmin');
  }
}

/** What the member may do with the data: the lower of their membership and the volume's mode. */
export const dataAccessOf = (volume: Pick<Volume, 'accessMode'>, member: Pick<Member, 'access'>): DataAccess =>
  effectiveDataAccess(member.access, volume.accessMode);
