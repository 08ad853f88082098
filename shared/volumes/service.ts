/**
 * The volume domain as the handlers call it. Every function takes the ports (`VolumeDeps`) and the caller;
 * a caller who is not a member of a volume gets `VolumeNotFound` (404) from every function that names it.
 */
export type { Caller, VolumeDeps, VolumeSettings } from './deps';
export type { MemberView, VolumeView } from './view';
export type { VolumeSetup } from './policies';
export { createVolume, deleteVolume, getVolume, listVolumes, updateVolume, verify } from './volume-operations';
export { deleteMember, listAudit, listMembers, putMember } from './member-operations';
