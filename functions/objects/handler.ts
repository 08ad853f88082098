/** GET /volumes/{id}/objects: one page of a volume's objects and folders (members with read access or more). */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { listObjects } from '../../shared/objects/listing';
import { onFirstCall } from '../../shared/wiring/lazy';
import { type ListingHandlerDeps, objectListingDefaults } from '../../shared/wiring/object-listing';
import { specs } from './specs';

export const makeHandler = (deps: ListingHandlerDeps) =>
  route(specs.list, async (r) => ok(await listObjects(deps.listing, callerOf(r), r.pathParameters.id!, r.query)))(deps);

export const list = onFirstCall(() => makeHandler(objectListingDefaults()));
