/**
 * functions/openapi/routes.generated.ts is serverless.yml's routes as written by `npm run build:openapi`; it is
 * committed, so a route added, renamed or removed in serverless.yml without regenerating fails here.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES_MODULE, routesModule } from '../../../scripts/build-openapi';

describe('the generated route list of the openapi function', () => {
  it('is what npm run build:openapi writes from serverless.yml today', () => {
    expect(readFileSync(ROUTES_MODULE, 'utf8'), 'serverless.yml changed: run `npm run build:openapi` and commit the result').toBe(
      routesModule(),
    );
  });

  it('changes when serverless.yml gains a route, so the check above bites', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-routes-'));
    const yml = join(dir, 'serverless.yml');
    copyFileSync('serverless.yml', yml);
    const text = readFileSync(yml, 'utf8');
    writeFileSync(
      yml,
      text.replace(
        '      - httpApi: { method: GET, path: /openapi.json }',
        '      - httpApi: { method: GET, path: /openapi.json }\n      - httpApi: { method: GET, path: /openapi.yaml }',
      ),
    );
    expect(routesModule(yml)).not.toBe(routesModule());
    expect(routesModule(yml)).toContain("path: '/openapi.yaml'");
  });
});
