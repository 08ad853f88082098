/** Membership routes of a volume. */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { deleteMember, listMembers, putMember } from '../../shared/volumes/service';
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { type VolumeHandlerDeps, volumeStoreDefaults } from '../../shared/wiring/volume-store';
import { specs } from './specs';

export function makeHandlers(deps: VolumeHandlerDeps) {
  const volumes = deps.volumes;
  return {
    put: route(specs.put, async (r) =>
      ok(await putMember(volumes, callerOf(r), r.pathParameters.id!, r.pathParameters.subject!, r.body.access)),
    )(deps),
    list: route(specs.list, async (r) => ok(await listMembers(volumes, callerOf(r), r.pathParameters.id!, r.query)))(deps),
    remove: route(specs.remove, async (r) => {
      await deleteMember(volumes, callerOf(r), r.pathParameters.id!, r.pathParameters.subject!);
      return ok(undefined, 204);
    })(deps),
  };
}

const handlers = once(() => makeHandlers(volumeStoreDefaults()));
export const put = onFirstCall(() => handlers().put);
export const list = onFirstCall(() => handlers().list);
export const remove = onFirstCall(() => handlers().remove);
