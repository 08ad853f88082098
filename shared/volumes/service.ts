/**
 * The volume domain as the handlers call it. Every function takes the ports (`VolumeDeps`) and the caller;
 * a caller who is not a member of a volume gets `VolumeNotFound` (404) from every function that names it.
 */
export type { Caller, VolumeDeps, VolumeSettings } from './deps';
export { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './idempotency';
export { deleteMember, listAudit, listMembers, putMember } from './member-operations';
export type { VolumeSetup } from './policies';
export type { MemberView, VolumeView } from './view';
export {
  type Created,
  createVolume,
  createVolumeOnce,
  deleteVolume,
  getVolume,
  listVolumes,
  updateVolume,
  verify,
} from './volume-operations';
