/**
 * Importing a function's module builds nothing: its wiring (configuration, clients, caches) is built at the first
 * call, so a test imports a handler module as it is, with no environment to stub first.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { installAwsLambdaGlobal } from '../../local/lambda/streaming';
import { ConfigError } from '../../shared/config';

const CONFIG = ['AWS_REGION', 'AUTH_MODE', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'VOLUMES_TABLE', 'AUDIT_TABLE', 'ACCESS_KEYS_TABLE', 'GATEWAY_PRINCIPAL_ARN'];
const modules = [
  ...readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `functions/${entry.name}/handler.ts`),
  'functions/proxy/nextflow-config.ts',
];

describe('function modules', () => {
  it('load with no configuration in the environment: nothing is built at import', async () => {
    for (const name of CONFIG) vi.stubEnv(name, undefined);
    // The runtime's global, as Lambda has it when it loads a streaming handler.
    installAwsLambdaGlobal();
    try {
      expect(modules).toContain('functions/proxy/handler.ts');
      for (const path of modules) {
        const loaded = (await import(/* @vite-ignore */ `../../${path}`)) as Record<string, unknown>;
        expect(Object.values(loaded).some((value) => typeof value === 'function'), path).toBe(true);
      }
      // What the first call builds is what the import used to: here, a configuration that is not there.
      const { handler } = (await import('../../functions/health/handler')) as { handler: (event: unknown, context: unknown) => unknown };
      expect(() => handler({}, {})).toThrow(ConfigError);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
