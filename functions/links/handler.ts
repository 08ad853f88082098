/** The share-link management routes: each parses its request, calls one domain function, returns its result. */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok, type RouteRequest } from '../../shared/http/types';
import { createLink, listLinks, revokeLink } from '../../shared/links/operations';
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { type LinkHandlerDeps, linkDefaults } from '../../shared/wiring/links';
import { specs } from './specs';

/** The API's public base URL, as the request reached it (API Gateway's domain; loopback http locally). */
export function apiBaseUrl(r: Pick<RouteRequest<unknown, undefined, unknown>, 'event' | 'headers'>): string {
  const host = r.event.requestContext?.domainName || r.headers.host || 'localhost';
  const scheme = r.headers['x-forwarded-proto'] ?? (/^(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(host) ? 'http' : 'https');
  return `${scheme}://${host}`;
}

/** The one answer that carries the link's token: no cache may keep it. */
const NO_STORE = { 'cache-control': 'no-store' };

export function makeHandlers(deps: LinkHandlerDeps) {
  const links = deps.links;
  return {
    create: route(specs.create, async (r) =>
      ok(await createLink(links, callerOf(r), r.pathParameters.id!, r.body, apiBaseUrl(r)), 201, NO_STORE),
    )(deps),
    list: route(specs.list, async (r) => ok(await listLinks(links, callerOf(r), r.pathParameters.id!, r.query)))(deps),
    revoke: route(specs.revoke, async (r) => {
      await revokeLink(links, callerOf(r), r.pathParameters.id!, r.pathParameters.linkId!);
      return ok(undefined, 204);
    })(deps),
  };
}

const handlers = once(() => makeHandlers(linkDefaults()));
export const create = onFirstCall(() => handlers().create);
export const list = onFirstCall(() => handlers().list);
export const revoke = onFirstCall(() => handlers().revoke);
