import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../../functions/me/handler';
import { type DevIssuer, startDevIssuer } from '../../local/oidc/issuer';
import { createTokenVerifier } from '../../shared/auth/token-verifier';
import { loadAuthConfig } from '../../shared/config';
import type { HttpDeps } from '../../shared/http/route';
import type { HttpResult } from '../../shared/http/types';
import { createLogger } from '../../shared/log';

const AUDIENCE = 'volume-gateway-test';
let dataDir: string;
let issuer: DevIssuer;
let logLines: string[];
let handle: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

function event(headers: Record<string, string>, requestId: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /me',
    rawPath: '/me',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'GET', path: '/me', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey: 'GET /me',
      stage: '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: 1_893_456_000_000,
    },
    isBase64Encoded: false,
  };
}

function context(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'me',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:me',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/me',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const call = (headers: Record<string, string>, requestId = 'req-1') => handle(event(headers, requestId), context(`lambda-${requestId}`));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'me-'));
  issuer = await startDevIssuer({ port: 0, dataDir, audience: AUDIENCE });
  const auth = loadAuthConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: AUDIENCE, JWKS_ALLOW_HTTP_LOOPBACK: 'true' });
  logLines = [];
  const deps: HttpDeps = {
    config: { cors: { allowedOrigins: [] } },
    verifier: createTokenVerifier(auth),
    logger: createLogger({ service: 'volume-gateway' }, { level: 'debug', write: (line) => logLines.push(line) }),
  };
  handle = makeHandler(deps);
});

afterAll(async () => {
  await issuer?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /me', () => {
  it('answers 200 with the caller identity and the request id, never the token', async () => {
    const token = issuer.sign({ sub: 'alice', email: 'alice@example.org', groups: ['lab-a'], amr: ['pwd', 'mfa'] });
    const response = await call({ Authorization: `Bearer ${token}` }, 'req-ok');
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['x-request-id']).toBe('req-ok');
    expect(JSON.parse(response.body!)).toEqual({
      subject: 'alice',
      issuer: issuer.issuer,
      email: 'alice@example.org',
      groups: ['lab-a'],
      authMethods: ['pwd', 'mfa'],
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(response)).not.toContain(token);
    expect(logLines.some((line) => line.includes('req-ok'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('without a token answers 401 MissingToken as JSON with the request id', async () => {
    const response = await call({}, 'req-none');
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['x-request-id']).toBe('req-none');
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body!)).toEqual({ code: 'MissingToken', message: expect.any(String), requestId: 'req-none' });
  });

  it('with a refused token answers 401 with its code, and neither the answer nor the logs echo the token', async () => {
    const token = issuer.sign({ sub: 'alice' }, { audience: 'other-app' });
    const response = await call({ authorization: `Bearer ${token}` }, 'req-refused');
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body!)).toMatchObject({ code: 'WrongAudience', requestId: 'req-refused' });
    expect(JSON.stringify(response)).not.toContain(token);
    expect(logLines.some((line) => line.includes('req-refused') && line.includes('WrongAudience'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(token);
  });
});
