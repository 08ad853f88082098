/** serverless.yml's HTTP API routes, as the document needs them (from `loadServerlessModel`'s functions). */
import type { DeclaredRoute } from './document';

interface FunctionLike {
  name: string;
  sourceFile: string;
  exportName: string;
  routes: Array<{ method: string; path: string }>;
}

export function declaredRoutes(functions: FunctionLike[]): DeclaredRoute[] {
  return functions.flatMap((fn) =>
    fn.routes.map((route) => ({ functionName: fn.name, method: route.method, path: route.path, sourceFile: fn.sourceFile, exportName: fn.exportName })),
  );
}
