/** The hash route in use, and moving to another (the routes themselves, pure: routes.ts). */
import { useEffect, useState } from 'preact/hooks';
import { href, parseRoute, type Route } from './routes';

export { href, parseRoute, type Route } from './routes';

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
