/** GET /volumes/{id}/audit: the volume's audit trail, newest first (admins). */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { listAudit } from '../../shared/volumes/service';
import { onFirstCall } from '../../shared/wiring/lazy';
import { type VolumeHandlerDeps, volumeStoreDefaults } from '../../shared/wiring/volume-store';
import { specs } from './specs';

export const makeHandler = (deps: VolumeHandlerDeps) =>
  route(specs.handler, async (r) => ok(await listAudit(deps.volumes, callerOf(r), r.pathParameters.id!, r.query)))(deps);

export const handler = onFirstCall(() => makeHandler(volumeStoreDefaults()));
