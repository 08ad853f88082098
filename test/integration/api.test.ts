/** The HTTP API of the local stack, over real HTTP, as a browser or curl sees it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ corsAllowedOrigins: 'http://app.localhost:8080' });
});
afterAll(() => stack?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.info.apiUrl}${path}`, { headers });

describe('HTTP API', () => {
  it('answers GET /health without a token', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('says who the token says the caller is on GET /me', async () => {
    const token = stack.token({ sub: 'alice', email: 'alice@lab.example', groups: ['lab'], amr: ['pwd', 'mfa'] });
    const response = await get('/me', { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      subject: 'alice',
      email: 'alice@lab.example',
      groups: ['lab'],
      authMethods: ['pwd', 'mfa'],
      issuer: stack.info.issuer,
    });
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it.each([
    ['no token', {}, 'MissingToken'],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }, 'MalformedAuthorization'],
    ['garbage', { authorization: 'Bearer not-a-jwt' }, 'MalformedToken'],
  ])('refuses %s with 401 and a JSON code', async (_name, headers, code) => {
    const response = await get('/me', headers as Record<string, string>);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { code: string; message: string; requestId: string };
    expect(body.code).toBe(code);
    expect(body.message.split(' ').length).toBeGreaterThan(4);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('refuses an expired token and one for another audience with their own codes', async () => {
    const expired = stack.issuer.sign({ sub: 'alice' }, { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
    expect(((await (await get('/me', { authorization: `Bearer ${expired}` })).json()) as { code: string }).code).toBe('TokenExpired');
    const foreign = stack.token({ sub: 'alice' }, { audience: 'another-app' });
    expect(((await (await get('/me', { authorization: `Bearer ${foreign}` })).json()) as { code: string }).code).toBe('WrongAudience');
  });

  it('answers CORS preflight for an allowed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.info.apiUrl}/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('http://app.localhost:8080');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.localhost:8080');
    // A browser sends the token in Authorization: the preflight must allow that header, or every call fails.
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('DELETE');
    const denied = await preflight('http://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).not.toBe('http://evil.example');
  });

  it('answers 404 JSON for a route serverless.yml does not declare', async () => {
    const response = await get('/nope');
    expect(response.status).toBe(404);
  });

  it('writes stack.json with what a user needs to reach the stack', () => {
    const info = JSON.parse(readFileSync(join(stack.dataDir, 'stack.json'), 'utf8'));
    expect(Object.keys(info).sort()).toEqual([
      'apiUrl',
      'audience',
      'awsEndpoint',
      'customers',
      'gatewayPrincipalArn',
      'issuer',
      'nodeProxyUrl',
      'proxyUrl',
      'region',
    ]);
    expect(info.customers.length).toBeGreaterThanOrEqual(2);
    expect(info.gatewayPrincipalArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('logs no token it was sent', async () => {
    const token = stack.token({ sub: 'log-check' });
    await get('/me', { authorization: `Bearer ${token}` });
    await get('/me', { authorization: `Bearer ${token}x` });
    expect(stack.logLines.join('\n')).not.toContain(token.split('.')[2]);
  });
});
