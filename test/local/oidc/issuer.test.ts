import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_CLIENT_ID, consoleClient } from '../../../local/oidc/console-client';
import { type DevIssuer, startDevIssuer } from '../../../local/oidc/issuer';
import { loadOrCreateSigningKey, signingKeyPath } from '../../../local/oidc/token';
import { createTokenVerifier } from '../../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../../shared/config';

const AUDIENCE = 'volume-gateway-test';

let dataDir: string;
const running: DevIssuer[] = [];

async function start(port = 0): Promise<DevIssuer> {
  const issuer = await startDevIssuer({ port, dataDir, audience: AUDIENCE });
  running.push(issuer);
  return issuer;
}

/** A fresh verifier, so nothing it knows comes from an earlier issuer's JWKS. */
const verifierFor = (issuer: DevIssuer) =>
  createTokenVerifier(
    loadAuthConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: AUDIENCE, JWKS_ALLOW_HTTP_LOOPBACK: 'true' }),
  );

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dev-issuer-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((issuer) => issuer.close()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('the dev issuer', () => {
  it('on port 0 listens on a real loopback port and names it in its issuer URL', async () => {
    const issuer = await start(0);
    expect(issuer.port).toBeGreaterThan(0);
    expect(issuer.issuer).toBe(`http://127.0.0.1:${issuer.port}`);
    expect(issuer.jwksUri).toBe(`${issuer.issuer}/.well-known/jwks.json`);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  it('serves an OpenID discovery document that points at its JWKS and names its sign-in endpoints', async () => {
    const issuer = await start();
    const response = await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      response_types_supported: expect.arrayContaining(['id_token', 'code']),
      claims_supported: expect.arrayContaining(['sub', 'email', 'groups', 'amr']),
      authorization_endpoint: `${issuer.issuer}/auth`,
      token_endpoint: `${issuer.issuer}/token`,
      end_session_endpoint: `${issuer.issuer}/session/end`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: expect.arrayContaining(['authorization_code']),
      scopes_supported: expect.arrayContaining(['openid', 'email', 'groups']),
      token_endpoint_auth_methods_supported: ['none'],
    });
  });

  it('publishes its public RSA signing key, and no private part of it', async () => {
    const issuer = await start();
    const { keys } = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'RSA', kid: issuer.kid, alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' });
  });

  it('answers any other path with a 404 JSON error, and other methods with 405', async () => {
    const issuer = await start();
    const missing = await fetch(`${issuer.issuer}/authorize`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NotFound' });
    const post = await fetch(issuer.jwksUri, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ code: 'MethodNotAllowed' });
  });

  it('signs tokens the service accepts, with the claims asked for', async () => {
    const issuer = await start();
    const identity = await verifierFor(issuer).verify(issuer.sign({ sub: 'alice', groups: ['lab-a'], amr: ['mfa'] }));
    expect(identity).toMatchObject({ subject: 'alice', issuer: issuer.issuer, groups: ['lab-a'], authMethods: ['mfa'] });
  });

  it('signs users in to a client registered after it started (a console on a port known only then)', async () => {
    const issuer = await start();
    const authorize = () =>
      fetch(
        `${issuer.issuer}/auth?${new URLSearchParams({
          client_id: CONSOLE_CLIENT_ID,
          redirect_uri: 'http://127.0.0.1:39004/',
          response_type: 'code',
          scope: 'openid',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual' },
      );
    expect((await authorize()).status).toBe(400); // no such client yet: an error page, no redirect
    issuer.registerClient(consoleClient('http://127.0.0.1:39004'));
    const response = await authorize();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startDevIssuer({ host: '0.0.0.0', port: 0, dataDir, audience: AUDIENCE })).rejects.toThrow(/loopback/);
  });
});

describe('the signing key', () => {
  it('is kept in <dataDir>/oidc/signing-key.json, readable by its owner only', async () => {
    const issuer = await start();
    const file = signingKeyPath(dataDir);
    expect(file).toBe(join(dataDir, 'oidc', 'signing-key.json'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateSigningKey(dataDir)).kid).toBe(issuer.kid);
  });

  it('survives a restart: same kid, and a token signed before still verifies', async () => {
    const first = await start();
    const token = first.sign({ sub: 'alice' });
    await first.close();
    running.splice(running.indexOf(first), 1);
    // Same port, so the restarted issuer is the same issuer (iss) the token names.
    const second = await start(first.port);
    expect(second.kid).toBe(first.kid);
    await expect(verifierFor(second).verify(token)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('is one key when several callers create it at once', async () => {
    const keys = await Promise.all([loadOrCreateSigningKey(dataDir), loadOrCreateSigningKey(dataDir), loadOrCreateSigningKey(dataDir)]);
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
  });

  it('in a file that is not a key is an error naming the file, not silently replaced', async () => {
    const file = signingKeyPath(dataDir);
    await mkdir(join(dataDir, 'oidc'), { recursive: true });
    await writeFile(file, 'not json', { mode: 0o600 });
    await expect(start()).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe('not json');
  });
});
