/**
 * Hash routes: the console is static files, so every page is `#/…` on one index.html (a CDN or the local server needs
 * no rewrite rules, and the OIDC redirect URI stays the origin's root).
 */
export type Route =
  | { page: 'volumes' }
  /** The wizard: the form, then (with a volume) its setup or its verification, so a reload or a link resumes it. */
  | { page: 'register'; id?: string; step?: 'setup' | 'verify' }
  | { page: 'volume'; id: string }
  | { page: 'browse'; id: string; prefix: string }
  /** `key`: the object to share, prefilled in the form (the Files page links here with `?key=`). */
  | { page: 'links'; id: string; key?: string }
  | { page: 'members'; id: string }
  | { page: 'audit'; id: string }
  | { page: 'access-keys' }
  | { page: 'not-found'; hash: string };

const decoded = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(search);
  const raw = path.split('/').filter(Boolean);
  const parts = raw.flatMap((part) => decoded(part) ?? []);
  // A hand-typed or truncated link (`%E0`, a lone `%`) names no page; decodeURIComponent would throw and blank the page.
  if (parts.length !== raw.length) return { page: 'not-found', hash };
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'volumes')) return { page: 'volumes' };
  if (parts[0] === 'access-keys' && parts.length === 1) return { page: 'access-keys' };
  if (parts[0] === 'volumes' && parts[1] === 'new' && parts.length === 2) {
    const id = query.get('volume');
    const step = query.get('step') === 'verify' ? 'verify' : 'setup';
    return id ? { page: 'register', id, step } : { page: 'register' };
  }
  if (parts[0] === 'volumes' && parts[1]) {
    const id = parts[1];
    if (parts.length === 2) return { page: 'volume', id };
    if (parts.length === 3 && parts[2] === 'files') return { page: 'browse', id, prefix: query.get('prefix') ?? '' };
    if (parts.length === 3 && parts[2] === 'links' && query.get('key')) return { page: 'links', id, key: query.get('key')! };
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
      return route.id ? `#/volumes/new?${new URLSearchParams({ volume: route.id, step: route.step ?? 'setup' })}` : '#/volumes/new';
    case 'access-keys':
      return '#/access-keys';
    case 'volume':
      return `#/volumes/${encodeURIComponent(route.id)}`;
    case 'browse':
      return `#/volumes/${encodeURIComponent(route.id)}/files${route.prefix ? `?${new URLSearchParams({ prefix: route.prefix })}` : ''}`;
    case 'links':
      return `#/volumes/${encodeURIComponent(route.id)}/links${route.key ? `?${new URLSearchParams({ key: route.key })}` : ''}`;
    default:
      return `#/volumes/${encodeURIComponent(route.id)}/${route.page}`;
  }
}
