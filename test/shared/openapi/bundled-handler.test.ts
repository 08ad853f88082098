/**
 * The openapi function as esbuild bundles it answers GET /openapi.json alone in a directory: no serverless.yml beside
 * it (the package carries none), and the bundle holds neither the local stack nor the YAML parser (a devDependency).
 */

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { capturingStdout } from '../../support/quiet-logs';

it('the bundled handler serves the document with no serverless.yml and no YAML parser in its package', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vg-openapi-'));
  mkdirSync(join(root, 'functions', 'openapi'), { recursive: true });
  const { metafile } = await build({
    entryPoints: ['functions/openapi/handler.ts'],
    outfile: join(root, 'functions', 'openapi', 'handler.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'silent',
    metafile: true,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    OIDC_ISSUER: 'https://issuer.example.org',
    OIDC_AUDIENCE: 'volume-gateway',
    VOLUMES_TABLE: 'volumes',
    AUDIT_TABLE: 'audit',
    ACCESS_KEYS_TABLE: 'access-keys',
    GATEWAY_PRINCIPAL_ARN: 'arn:aws:iam::123456789012:role/volume-gateway',
    LOG_LEVEL: 'error',
  });
  const bundled = Object.keys(metafile.inputs);
  expect(bundled.filter((input) => /(^|\/)node_modules\/yaml\/|^local\//.test(input))).toEqual([]);
  const module = await import(pathToFileURL(join(root, 'functions', 'openapi', 'handler.mjs')).href);
  const { result } = await capturingStdout<{ statusCode: number; body: string }>(() =>
    module.handler(
      {
        version: '2.0',
        routeKey: 'GET /openapi.json',
        rawPath: '/openapi.json',
        headers: {},
        requestContext: { requestId: 'r-1', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', http: { method: 'GET' } },
      },
      { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 },
    ),
  );
  expect(result.statusCode).toBe(200);
  const document = JSON.parse(result.body);
  expect(document.openapi).toBe('3.1.0');
  expect(document.servers).toEqual([{ url: 'https://abc123.execute-api.eu-west-1.amazonaws.com' }]);
  expect(document.paths['/volumes'].post.operationId).toBe('volumesCreate');
}, 60_000);
