/**
 * HTTP API route selection as API Gateway does it: a route matches on method (or ANY) and path
 * template; literal segments beat `{param}`, which beats greedy `{param+}`.
 */
import type { FunctionModel, HttpRoute } from './serverless-model';

export interface CompiledRoute {
  fn: FunctionModel;
  route: HttpRoute;
  routeKey: string;
  pattern: RegExp;
  params: string[];
  /** Higher is more specific. */
  rank: number;
}

export function compileRoutes(functions: FunctionModel[]): CompiledRoute[] {
  const compiled = functions.flatMap((fn) =>
    fn.routes.map((route) => {
      const params: string[] = [];
      let rank = 0;
      const segments = route.path.split('/').filter(Boolean);
      const source = segments
        .map((segment) => {
          const greedy = /^\{(\w+)\+\}$/.exec(segment);
          if (greedy) {
            params.push(greedy[1]!);
            return '/(.+)';
          }
          const param = /^\{(\w+)\}$/.exec(segment);
          if (param) {
            params.push(param[1]!);
            rank += 1;
            return '/([^/]+)';
          }
          rank += 2;
          return `/${segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}`;
        })
        .join('');
      const greedy = /\+\}$/.test(route.path);
      return {
        fn,
        route,
        routeKey: `${route.method} ${route.path}`,
        pattern: new RegExp(`^${source || '/'}$`),
        params,
        rank: rank * 10 + (greedy ? 0 : 5) + (route.method === 'ANY' ? 0 : 1),
      };
    }),
  );
  return compiled.sort((a, b) => b.rank - a.rank);
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  rawPath: string,
): { route: CompiledRoute; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.route.method !== method && route.route.method !== 'ANY') continue;
    const match = route.pattern.exec(rawPath);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.params.forEach((name, i) => {
      pathParameters[name] = decodeParameter(match[i + 1]!);
    });
    return { route, pathParameters };
  }
  return undefined;
}

/** A path parameter decoded; one that is not valid percent-encoded UTF-8 is passed as sent (a handler refuses it), never a 500. */
function decodeParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
