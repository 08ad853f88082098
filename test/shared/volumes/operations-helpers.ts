/** Shared set-up for the tests of the volume functions: a volume alice owns, and every function that names one. */
import type { Caller, VolumeDeps } from '../../../shared/volumes/deps';
import type { CreateVolumeInput } from '../../../shared/volumes/schemas';
import * as service from '../../../shared/volumes/service';
import { caller, type World } from './fakes';

export type Deps = VolumeDeps;
export const ROLE = 'arn:aws:iam::123456789012:role/volume-access';
export const alice = caller('alice');

export const aliceCreates = (w: World, input: Partial<CreateVolumeInput> = {}) =>
  service.createVolume(w.deps, alice, {
    name: 'shared-genomes',
    bucket: 'lab-genomes',
    prefix: 'runs/2025',
    region: 'eu-central-1',
    accessMode: 'read-only',
    auth: { type: 'role', roleArn: ROLE },
    ...input,
  });

/** Every domain function that names a volume, called as a caller would. */
export const everyFunction = {
  getVolume: (d: Deps, c: Caller, id: string) => service.getVolume(d, c, id),
  updateVolume: (d: Deps, c: Caller, id: string) => service.updateVolume(d, c, id, { description: 'mine now' }),
  deleteVolume: (d: Deps, c: Caller, id: string) => service.deleteVolume(d, c, id),
  verify: (d: Deps, c: Caller, id: string) => service.verify(d, c, id),
  putMember: (d: Deps, c: Caller, id: string) => service.putMember(d, c, id, c.subject, 'admin'),
  listMembers: (d: Deps, c: Caller, id: string) => service.listMembers(d, c, id, {}),
  deleteMember: (d: Deps, c: Caller, id: string) => service.deleteMember(d, c, id, 'alice'),
  deleteSelf: (d: Deps, c: Caller, id: string) => service.deleteMember(d, c, id, c.subject),
  listAudit: (d: Deps, c: Caller, id: string) => service.listAudit(d, c, id, {}),
};
