/**
 * The issuer's two public routes as Lambda handlers: the discovery document and JWKS with cache headers, a signer
 * that is down answered as 503 (not a 5xx with a stack), and 404 GatewayIssuerNotConfigured where the deployment
 * has no issuer (gateway-oidc volumes then are refused at POST /volumes too).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeDiscovery, makeJwks } from '../../functions/oidc-issuer/handler';
import { createCryptoTokenSigner } from '../../local/crypto-token-signer';
import { DependencyUnavailable } from '../../shared/errors';
import { createLogger } from '../../shared/log';

const ISSUER = 'https://api.example.org';
const settings = { issuer: ISSUER, audience: 'sts.amazonaws.com', thumbprints: [] };
const base = { config: { cors: { allowedOrigins: [] } }, logger: createLogger({}, { write: () => undefined }) };

const event = (path: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: `GET ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: {},
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'api.example.org',
    domainPrefix: 'api',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    requestId: 'req-1',
    routeKey: `GET ${path}`,
    stage: '$default',
    time: '01/Jan/2030:00:00:00 +0000',
    timeEpoch: 1_893_456_000_000,
  },
  isBase64Encoded: false,
});
const context = { awsRequestId: 'lambda-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('the gateway issuer routes', () => {
  it('answer the discovery document and the JWKS, cacheable', async () => {
    const signer = createCryptoTokenSigner({ issuer: ISSUER });
    const issuer = { settings, signer: async () => signer };
    const discovery = await makeDiscovery({ ...base, issuer })(event('/.well-known/openid-configuration'), context);
    expect(discovery.statusCode).toBe(200);
    expect(discovery.headers?.['cache-control']).toBe('public, max-age=3600');
    expect(JSON.parse(discovery.body!)).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
    const jwks = await makeJwks({ ...base, issuer })(event('/.well-known/jwks.json'), context);
    expect(jwks.statusCode).toBe(200);
    expect(jwks.headers?.['cache-control']).toBe('public, max-age=300');
    expect(JSON.parse(jwks.body!)).toEqual(await signer.jwks());
  });

  it('answer 503 when the signing key cannot be read, and 404 GatewayIssuerNotConfigured without an issuer', async () => {
    const down = {
      settings,
      signer: async () => Promise.reject(new DependencyUnavailable('KMS did not answer.', 'TokenSigningUnavailable')),
    };
    const unavailable = await makeJwks({ ...base, issuer: down })(event('/.well-known/jwks.json'), context);
    expect(unavailable.statusCode).toBe(503);
    for (const [make, path] of [
      [makeDiscovery, '/.well-known/openid-configuration'],
      [makeJwks, '/.well-known/jwks.json'],
    ] as const) {
      const answer = await make(base)(event(path), context);
      expect(answer.statusCode).toBe(404);
      expect(JSON.parse(answer.body!).code).toBe('GatewayIssuerNotConfigured');
    }
  });
});
