/**
 * Importing a function's module builds nothing: its wiring (configuration, clients, caches) is built at the first
 * call, so a test imports a handler module as it is, with no environment to stub first.
 */
import { describe, expect, it, vi } from 'vitest';
import { startFunctionUrlServer } from '../../local/function-url-server';
import { installAwsLambdaGlobal } from '../../local/lambda/streaming';
import { loadServerlessModel } from '../../local/serverless-model';
import type { HttpResult } from '../../shared/http/types';
import { createLogger, setLogSink } from '../../shared/log';

const CONFIG = [
  'AWS_REGION',
  'AUTH_MODE',
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'VOLUMES_TABLE',
  'AUDIT_TABLE',
  'ACCESS_KEYS_TABLE',
  'GATEWAY_PRINCIPAL_ARN',
];
// Every handler module serverless.yml names (some functions have an entry file of their own: verify, credentials).
const modules = [...new Set(loadServerlessModel('serverless.yml').functions.map((fn) => fn.sourceFile))];

describe('function modules', () => {
  it('load with no configuration in the environment: nothing is built at import', async () => {
    for (const name of CONFIG) vi.stubEnv(name, undefined);
    // The runtime's global, as Lambda has it when it loads a streaming handler.
    installAwsLambdaGlobal();
    try {
      expect(modules).toContain('functions/proxy/handler.ts');
      for (const path of modules) {
        const loaded = (await import(/* @vite-ignore */ `../../${path}`)) as Record<string, unknown>;
        expect(
          Object.values(loaded).some((value) => typeof value === 'function'),
          path,
        ).toBe(true);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('answer a first call without configuration like any error: a JSON 500 with the request id, the ConfigError logged once', async () => {
    for (const name of CONFIG) vi.stubEnv(name, undefined);
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      // /me (health reads no configuration: it answers 200 with none, test/deploy/packaged-functions.test.ts).
      const { handler } = (await import('../../functions/me/handler')) as {
        handler: (event: unknown, context: unknown) => Promise<HttpResult>;
      };
      const event = { routeKey: 'GET /me', requestContext: { requestId: 'api-req-1' }, headers: {} };
      const result = await handler(event, { awsRequestId: 'lambda-1' });
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body!)).toEqual({ code: 'ServiceMisconfigured', message: expect.any(String), requestId: 'api-req-1' });
      expect(result.body).not.toContain('AWS_REGION');
      const logged = lines.map((line) => JSON.parse(line)).find((line) => line.message === 'request refused');
      expect(logged).toMatchObject({
        level: 'error',
        requestId: 'api-req-1',
        status: 500,
        cause: { name: 'ConfigError', message: expect.stringContaining('AWS_REGION') },
      });
      expect(lines.join('\n')).not.toMatch(/\n\s+at /);
    } finally {
      restore();
      vi.unstubAllEnvs();
    }
  });

  it('answer a first proxy request, unconfigured, in S3 words: 500 InternalError with the request id, the ConfigError logged', async () => {
    for (const name of CONFIG) vi.stubEnv(name, undefined);
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    const model = loadServerlessModel('serverless.yml');
    const fn = model.functions.find((f) => f.url)!;
    const server = await startFunctionUrlServer({
      root: process.cwd(),
      model,
      fn,
      host: '127.0.0.1',
      port: 0,
      log: createLogger({}, { write: () => undefined }),
    });
    try {
      const response = await fetch(`${server.url}/some-bucket/some/key`);
      const body = await response.text();
      expect(response.status).toBe(500);
      expect(body).toContain('<Code>InternalError</Code>');
      expect(body).toMatch(/<RequestId>[^<]+<\/RequestId>/);
      expect(body).not.toContain('AWS_REGION');
      const logged = lines.map((line) => JSON.parse(line)).find((line) => line.message === 'request refused');
      expect(logged).toMatchObject({
        level: 'error',
        status: 500,
        cause: { name: 'ConfigError', message: expect.stringContaining('AWS_REGION') },
      });
    } finally {
      await server.close();
      restore();
      vi.unstubAllEnvs();
    }
  });
});
