import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRoute } from '../../local/routes';
import type { FunctionModel } from '../../local/serverless-model';
import { loadServerlessModel } from '../../local/serverless-model';

const fn = (name: string, ...routes: Array<[string, string]>): FunctionModel => ({
  name,
  sourceFile: `functions/${name}/handler.ts`,
  exportName: 'handler',
  routes: routes.map(([method, path]) => ({ method, path })),
  timeoutSeconds: 6,
  memoryMb: 128,
});

describe('HTTP API route selection', () => {
  const routes = compileRoutes([
    fn('any', ['OPTIONS', '/{proxy+}']),
    fn('download', ['GET', '/volumes/{id}/download/{key+}']),
    fn('volume', ['GET', '/volumes/{id}']),
    fn('list', ['GET', '/volumes']),
    fn('special', ['GET', '/volumes/mine']),
  ]);

  it('prefers a literal segment over a path parameter', () => {
    expect(matchRoute(routes, 'GET', '/volumes/mine')?.route.fn.name).toBe('special');
    expect(matchRoute(routes, 'GET', '/volumes/v-123')?.route.fn.name).toBe('volume');
  });

  it('decodes path parameters and lets a greedy parameter span slashes', () => {
    const match = matchRoute(routes, 'GET', '/volumes/v1/download/dir/a%20b%2Bc.txt');
    expect(match?.route.routeKey).toBe('GET /volumes/{id}/download/{key+}');
    expect(match?.pathParameters).toEqual({ id: 'v1', key: 'dir/a b+c.txt' });
  });

  it('matches on method, so a GET never reaches the OPTIONS catch-all', () => {
    expect(matchRoute(routes, 'GET', '/nothing/here')).toBeUndefined();
    expect(matchRoute(routes, 'OPTIONS', '/volumes/v1')?.route.fn.name).toBe('any');
  });
});

describe('serverless.yml model', () => {
  const model = loadServerlessModel('serverless.yml');

  it('declares the runtime the product card asks for', () => {
    expect(model.runtime).toBe('nodejs22.x');
  });

  it('gives the proxy a RESPONSE_STREAM function URL, the audit shipper no HTTP way in, every other function routes', () => {
    const proxy = model.functions.find((f) => f.url);
    expect(proxy?.url?.invokeMode).toBe('RESPONSE_STREAM');
    // CloudWatch Logs' subscription filters invoke the shipper; nobody may reach it over HTTP.
    const shipper = model.functions.find((f) => f.name === 'auditShipper');
    expect(shipper?.routes).toEqual([]);
    expect(shipper?.url).toBeUndefined();
    for (const f of model.functions.filter((f) => !f.url && f !== shipper)) expect(f.routes.length).toBeGreaterThan(0);
  });

  it('declares on-demand tables with point-in-time recovery', () => {
    expect(model.tables.length).toBeGreaterThan(0);
    for (const table of model.tables) {
      expect(table.properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });
});
