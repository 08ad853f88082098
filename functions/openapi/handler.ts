/** GET /openapi.json: this API's OpenAPI 3.1 document, no token needed. */
import { publicHttpDefaults } from '../../shared/http/public-defaults';
import { route } from '../../shared/http/route';
import { ok, type RouteRequest } from '../../shared/http/types';
import { onFirstCall } from '../../shared/wiring/lazy';
import { apiDocument } from './api-document';
import { specs } from './specs';

let built: Record<string, unknown> | undefined;

/** The server is where the caller reached us: the HTTP API's domain (or the local server), so "try it" calls go back there. */
const serverOf = (r: RouteRequest<undefined, undefined>) => {
  const host = r.event.requestContext?.domainName || r.headers.host;
  const scheme = r.headers['x-forwarded-proto'] ?? (/^(127\.0\.0\.1|localhost)(:|$)/.test(host ?? '') ? 'http' : 'https');
  return host ? [{ url: `${scheme}://${host}` }] : [];
};

export const makeHandler = route<undefined, undefined>(specs.handler, (r) => {
  built ??= apiDocument();
  const servers = serverOf(r);
  return ok({ ...built, ...(servers.length ? { servers } : {}) });
});

export const handler = onFirstCall(() => makeHandler(publicHttpDefaults()));
