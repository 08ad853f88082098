/**
 * Hash routes: the console is static files, so every page is `#/…` on one index.html (a CDN or the local server needs
 * no rewrite rules, and the OIDC redirect URI stays the origin's root).
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'volumes' }
  | { page: 'register' }
  | { page: 'volume'; id: string }
  | { page: 'browse'; id: string; prefix: string }
  | { page: 'links'; id: string }
  | { page: 'members'; id: string }
  | { page: 'audit'; id: string }
  | { page: 'access-keys' }
  | { page: 'not-found'; hash: string };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'volumes')) return { page: 'volumes' };
  if (parts[0] === 'access-keys' && parts.length === 1) return { page: 'access-keys' };
  if (parts[0] === 'volumes' && parts[1] === 'new' && parts.length === 2) return { page: 'register' };
  if (parts[0] === 'volumes' && parts[1]) {
    const id = parts[1];
    if (parts.length === 2) return { page: 'volume', id };
    if (parts.length === 3 && parts[2] === 'files') return { page: 'browse', id, prefix: query.get('prefix') ?? '' };
    if (parts.length === 3 && (parts[2] === 'links' || parts[2] === 'members' || parts[2] === 'audit')) return { page: parts[2], id };
  }
  return { page: 'not-found', hash };
}

/** The hash for a route: pages link with `href={href(...)}`. */
export function href(route: Exclude<Route, { page: 'not-found' }>): string {
  switch (route.page) {
    case 'volumes':
      return '#/volumes';
    case 'register':
      return '#/volumes/new';
    case 'access-keys':
      return '#/access-keys';
    case 'volume':
      return `#/volumes/${encodeURIComponent(route.id)}`;
    case 'browse':
      return `#/volumes/${encodeURIComponent(route.id)}/files${route.prefix ? `?${new URLSearchParams({ prefix: route.prefix })}` : ''}`;
    default:
      return `#/volumes/${encodeURIComponent(route.id)}/${route.page}`;
  }
}

export function navigate(route: Exclude<Route, { page: 'not-found' }>): void {
  location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
