/** The access-key routes: each parses its request, calls one domain function, returns its result. */
import { createAccessKey, type KeyCaller, listAccessKeys, revokeAccessKey } from '../../shared/access-keys';
import type { Identity } from '../../shared/auth/identity';
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok, type RouteRequest } from '../../shared/http/types';
import { type AccessKeyHandlerDeps, accessKeyDefaults } from '../../shared/wiring/access-keys';
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { specs } from './specs';

/** The caller with the request's logger: creations and revocations are logged under the request id. */
const keyCaller = (r: RouteRequest<unknown, Identity, unknown>): KeyCaller => ({ ...callerOf(r), log: r.log });

/** The one answer that carries a secret: no cache may keep it. */
const NO_STORE = { 'cache-control': 'no-store' };

export function makeHandlers(deps: AccessKeyHandlerDeps) {
  const keys = deps.accessKeys;
  return {
    create: route(specs.create, async (r) => ok(await createAccessKey(keys, keyCaller(r), r.body), 201, NO_STORE))(deps),
    list: route(specs.list, async (r) => ok(await listAccessKeys(keys, keyCaller(r), r.query)))(deps),
    revoke: route(specs.revoke, async (r) => {
      await revokeAccessKey(keys, keyCaller(r), r.pathParameters.id!);
      return ok(undefined, 204);
    })(deps),
  };
}

const handlers = once(() => makeHandlers(accessKeyDefaults()));
export const create = onFirstCall(() => handlers().create);
export const list = onFirstCall(() => handlers().list);
export const revoke = onFirstCall(() => handlers().revoke);
