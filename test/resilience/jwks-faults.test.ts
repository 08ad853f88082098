/**
 * The identity provider's JWKS endpoint down, throttled or slow, on the real local stack (the dev issuer's JWKS
 * behind the stack's fault injector; GET /me verifies the bearer token): tokens signed by keys already fetched
 * keep verifying; a token whose kid is new (the issuer rotated while its JWKS was unreachable) gets 503
 * IdentityProviderUnavailable with Retry-After, never 401 (the token may be fine) nor 500; once the JWKS answers,
 * the next request verifies at once. A kid the JWKS really does not publish stays 401 UnknownSigningKey.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../local/oidc/token';
import { setLogSink } from '../../shared/log';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let undoSink: () => void;

async function me(token: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const response = await fetch(`${stack.info.apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

function expectUnavailable(answer: { status: number; retryAfter: string | null; body: any }): void {
  expect(answer.status).toBe(503);
  expect(answer.body.code).toBe('IdentityProviderUnavailable');
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
}

beforeAll(async () => {
  undoSink = setLogSink(() => undefined);
  stack = await startTestStack();
  // The service fetches the JWKS on its first token.
  expect((await me(stack.token({ sub: 'alice' }))).status).toBe(200);
}, 60_000);

afterEach(() => stack.faults.clear());
afterAll(async () => {
  undoSink?.();
  await stack?.close();
});

describe('JWKS unreachable', () => {
  it('tokens signed by an already-fetched key keep verifying while the JWKS is down or throttled', async () => {
    stack.faults.add({ target: 'jwks', fault: { kind: 'down' } });
    expect(await me(stack.token({ sub: 'alice' }))).toMatchObject({ status: 200, body: { subject: 'alice' } });
    stack.faults.clear();
    stack.faults.add({ target: 'jwks', fault: { kind: 'throttle' } });
    expect(await me(stack.token({ sub: 'bob' }))).toMatchObject({ status: 200, body: { subject: 'bob' } });
  });

  it('a token with a new kid gets 503 IdentityProviderUnavailable while the JWKS is down, throttled, failing; then verifies', async () => {
    const rotated = await stack.issuer.rotate();
    const token = stack.token({ sub: 'carol' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated);

    stack.faults.add({ target: 'jwks', fault: { kind: 'down' } });
    expectUnavailable(await me(token));
    stack.faults.clear();
    stack.faults.add({ target: 'jwks', fault: { kind: 'throttle' } });
    expectUnavailable(await me(token));
    stack.faults.clear();
    stack.faults.add({ target: 'jwks', fault: { kind: 'fail', status: 500 } });
    expectUnavailable(await me(token));
    stack.faults.clear();

    expect((await me(token)).status).toBe(200);
  });

  it('a JWKS slower than the fetch timeout is unavailable too, not a hang or a 500', async () => {
    const token = (await stack.issuer.rotate(), stack.token({ sub: 'dave' }));
    stack.faults.add({ target: 'jwks', fault: { kind: 'slow', delayMs: 8000 }, times: 1 });
    const started = performance.now();
    expectUnavailable(await me(token));
    expect(performance.now() - started).toBeLessThan(6000);
  }, 20_000);

  it('a kid the JWKS does not publish is still 401 UnknownSigningKey when the JWKS answers', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = signToken({
      privateKey,
      kid: 'not-published',
      issuer: stack.info.issuer,
      audience: stack.info.audience,
      sub: 'mallory',
      now: new Date(),
    });
    const answer = await me(forged);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('UnknownSigningKey');
  });
});
