/**
 * The functions' bundles (esbuild-plugins.cjs's `lambda-credentials`) give their AWS SDK clients the credentials a
 * Lambda function has, and no other provider of the SDK's default chain: the environment's keys, or the runtime's
 * credential endpoint where it serves them over HTTP. Bundled here as serverless.yml bundles, run in a fresh process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const plugins = (await import(join(process.cwd(), 'esbuild-plugins.cjs'))).default;
const ENTRY = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const { accessKeyId, secretAccessKey, sessionToken } = await new DynamoDBClient({ region: 'eu-west-1' }).config.credentials();
console.log(JSON.stringify({ accessKeyId, secretAccessKey, sessionToken }));`;

let bundle: string;
let bundleFile: string;

beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins,
    write: false,
    outdir: 'unused',
  });
  bundle = out.outputFiles[0]!.text;
  bundleFile = join(mkdtempSync(join(tmpdir(), 'vg-credentials-')), 'bundle.mjs');
  writeFileSync(bundleFile, bundle);
}, 60_000);

/** Runs the bundle in a Node 22 process with `env` alone; its client's credentials. */
async function credentialsWith(env: Record<string, string>) {
  const { stdout } = await promisify(execFile)(NODE, [bundleFile], { env, encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe("the functions' bundles", () => {
  it("carry none of the default chain's profile, SSO or process providers", () => {
    expect(bundle).not.toContain('sso_start_url');
    expect(bundle).not.toContain('credential_process');
    expect(readFileSync('esbuild-plugins.cjs', 'utf8')).toContain('lambda-credentials');
  });

  it("sign with the execution role's keys from the environment, as Lambda gives them", async () => {
    const keys = { accessKeyId: 'ASIAENVKEY', secretAccessKey: 'env-secret', sessionToken: 'env-token' };
    const env = { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken };
    expect(await credentialsWith(env)).toEqual(keys);
  });

  it("sign with the runtime's credential endpoint where the environment has no keys", async () => {
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      response.end(
        JSON.stringify({ AccessKeyId: 'ASIAHTTPKEY', SecretAccessKey: 'http-secret', Token: 'http-token', Expiration: expiration }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/credentials` };
      expect(await credentialsWith(env)).toEqual({
        accessKeyId: 'ASIAHTTPKEY',
        secretAccessKey: 'http-secret',
        sessionToken: 'http-token',
      });
    } finally {
      server.close();
    }
  });
});
