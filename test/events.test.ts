/** The sample events in events/ are real payload-2.0 events the handlers answer. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const event = (name: string) => JSON.parse(readFileSync(`events/${name}.json`, 'utf8'));
const context = { awsRequestId: 'local', getRemainingTimeInMillis: () => 10_000 };

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
  process.env.OIDC_ISSUER = 'https://issuer.example.org';
  process.env.OIDC_AUDIENCE = 'volume-gateway';
  process.env.VOLUMES_TABLE = 'volumes';
  process.env.AUDIT_TABLE = 'audit';
  process.env.ACCESS_KEYS_TABLE = 'access-keys';
  process.env.GATEWAY_PRINCIPAL_ARN = 'arn:aws:iam::123456789012:role/volume-gateway';
});

describe('sample events', () => {
  it('health.json gets 200 from the health handler, with the event’s request id', async () => {
    const { handler } = await import('../functions/health/handler');
    const result = await handler(event('health'), context as never);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['x-request-id']).toBe('sample-request-id');
  });

  it('me.json, with its placeholder token, is refused with 401 MalformedToken', async () => {
    const { handler } = await import('../functions/me/handler');
    const result = await handler(event('me'), context as never);
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(String(result.body)).code).toBe('MalformedToken');
  });
});
