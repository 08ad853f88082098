/**
 * The volume routes: each parses its request, calls one domain function, returns its result. The functions of this
 * module reach only our tables (no STS or S3 client in their bundles); verify, which probes the customer's role, is
 * `verify-handler.ts`'s.
 */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { revokeSessions as revokeVolumeSessions } from '../../shared/volumes/revoke-sessions';
import {
  createVolumeOnce,
  deleteVolume,
  getVolume,
  IDEMPOTENCY_HEADER,
  listVolumes,
  REPLAYED_HEADER,
  updateVolume,
  verify,
} from '../../shared/volumes/service';
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { type VolumeHandlerDeps, volumeStoreDefaults } from '../../shared/wiring/volume-store';
import { specs } from './specs';

export function makeHandlers(deps: VolumeHandlerDeps) {
  const volumes = deps.volumes;
  return {
    create: route(specs.create, async (r) => {
      const created = await createVolumeOnce(volumes, callerOf(r), r.body, r.headers[IDEMPOTENCY_HEADER]);
      return ok(created.volume, 201, created.replayed ? { [REPLAYED_HEADER]: 'true' } : undefined);
    })(deps),
    list: route(specs.list, async (r) => ok(await listVolumes(volumes, callerOf(r), r.query)))(deps),
    get: route(specs.get, async (r) => ok(await getVolume(volumes, callerOf(r), r.pathParameters.id!)))(deps),
    update: route(specs.update, async (r) => ok(await updateVolume(volumes, callerOf(r), r.pathParameters.id!, r.body)))(deps),
    remove: route(specs.remove, async (r) => {
      await deleteVolume(volumes, callerOf(r), r.pathParameters.id!);
      return ok(undefined, 204);
    })(deps),
    verify: route(specs.verifyVolume, async (r) => ok(await verify(volumes, callerOf(r), r.pathParameters.id!)))(deps),
    revokeSessions: route(specs.revokeSessions, async (r) => ok(await revokeVolumeSessions(volumes, callerOf(r), r.pathParameters.id!)))(
      deps,
    ),
  };
}

const handlers = once(() => makeHandlers(volumeStoreDefaults()));
export const create = onFirstCall(() => handlers().create);
export const list = onFirstCall(() => handlers().list);
export const get = onFirstCall(() => handlers().get);
export const update = onFirstCall(() => handlers().update);
export const remove = onFirstCall(() => handlers().remove);
export const revokeSessions = onFirstCall(() => handlers().revokeSessions);
