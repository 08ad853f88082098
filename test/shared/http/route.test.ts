import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/auth/identity';
import type { TokenVerifier } from '../../../shared/auth/token-verifier';
import { Unauthenticated } from '../../../shared/errors';
import { type HttpDeps, route } from '../../../shared/http/route';
import { ok } from '../../../shared/http/types';
import { createLogger } from '../../../shared/log';

function event(requestId: string, token?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /whoami',
    rawPath: '/whoami',
    rawQueryString: '',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'GET', path: '/whoami', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey: 'GET /whoami',
      stage: '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: 1_893_456_000_000,
    },
    isBase64Encoded: false,
  };
}

/** A fresh context per invocation, as the Lambda runtime gives one. */
function context(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'whoami',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:whoami',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/whoami',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const identity = (subject: string): Identity => ({
  subject,
  issuer: 'https://issuer.test',
  groups: [],
  authMethods: [],
  expiresAt: new Date(2_000_000_000_000),
  token: `token-of-${subject}`,
});

/** Resolves once `count` callers have arrived: holds every invocation until all are in flight together. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === count) open();
    return opened;
  };
}

function stack(verify: TokenVerifier['verify'], run: Parameters<typeof route<undefined, Identity>>[1]) {
  const lines: Array<Record<string, unknown>> = [];
  const deps: HttpDeps = {
    config: { cors: { allowedOrigins: [] } },
    verifier: { verify },
    logger: createLogger({ service: 'volume-gateway' }, { level: 'debug', write: (line) => lines.push(JSON.parse(line)) }),
  };
  return { handle: route<undefined, Identity>({}, run)(deps), lines };
}

describe('route: per-request state', () => {
  it('keeps the request id, identity and logger of concurrent invocations apart', async () => {
    const allInFlight = barrier(3);
    // Tokens verify in reverse order of arrival, so the invocations' middlewares interleave.
    const delays: Record<string, number> = { alice: 30, bob: 15, carol: 0 };
    const { handle, lines } = stack(
      async (token) => {
        await new Promise((resolve) => setTimeout(resolve, delays[token]));
        return identity(token);
      },
      async (r) => {
        await allInFlight();
        r.log.info('route ran');
        return ok({ requestId: r.requestId, subject: r.identity.subject });
      },
    );
    const callers = ['alice', 'bob', 'carol'];
    const responses = await Promise.all(callers.map((who) => handle(event(`req-${who}`, who), context(`lambda-${who}`))));
    for (const [i, who] of callers.entries()) {
      expect(responses[i]!.statusCode).toBe(200);
      expect(responses[i]!.headers?.['x-request-id']).toBe(`req-${who}`);
      expect(JSON.parse(responses[i]!.body!)).toEqual({ requestId: `req-${who}`, subject: who });
      const logged = lines.filter((line) => line.requestId === `req-${who}`);
      expect(logged.map((line) => line.message)).toEqual(['route ran', 'request served']);
      expect(logged.every((line) => line.subject === who)).toBe(true);
    }
  });

  it('renders a refusal in the JWT middleware as JSON with the invocation’s request id', async () => {
    const { handle, lines } = stack(
      async () => {
        throw new Unauthenticated('InvalidToken', 'The token could not be verified.');
      },
      () => ok({}),
    );
    const response = await handle(event('req-refused', 'forged'), context('lambda-refused'));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['x-request-id']).toBe('req-refused');
    expect(JSON.parse(response.body!)).toEqual({
      code: 'InvalidToken',
      message: 'The token could not be verified.',
      requestId: 'req-refused',
    });
    expect(lines).toContainEqual(expect.objectContaining({ message: 'request refused', requestId: 'req-refused', code: 'InvalidToken' }));
  });

  it('renders an unexpected failure in a middleware as a 500 with the request id and no detail', async () => {
    const { handle, lines } = stack(
      async () => {
        throw new Error('identity provider exploded');
      },
      () => ok({}),
    );
    const response = await handle(event('req-boom', 'any'), context('lambda-boom'));
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['x-request-id']).toBe('req-boom');
    expect(JSON.parse(response.body!)).toMatchObject({ code: 'InternalError', requestId: 'req-boom' });
    expect(JSON.stringify(response)).not.toContain('exploded');
    expect(lines).toContainEqual(expect.objectContaining({ message: 'unhandled error', requestId: 'req-boom' }));
  });

  it('logs a route’s own failure under its request id and verified subject', async () => {
    const { handle, lines } = stack(
      async (token) => identity(token),
      () => {
        throw new Error('route bug');
      },
    );
    const response = await handle(event('req-bug', 'dave'), context('lambda-bug'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body!)).toMatchObject({ code: 'InternalError', requestId: 'req-bug' });
    expect(lines).toContainEqual(expect.objectContaining({ message: 'unhandled error', requestId: 'req-bug', subject: 'dave' }));
  });
});

describe('route: wiring', () => {
  const logger = createLogger({ service: 'volume-gateway' }, { write: () => undefined });
  const publicDeps: HttpDeps = { config: { cors: { allowedOrigins: [] } }, logger };

  it('builds a public route with no token verifier, and it answers', async () => {
    const handle = route<undefined, undefined>({ auth: 'public' }, () => ok({ up: true }))(publicDeps);
    const response = await handle(event('req-public'), context('lambda-public'));
    expect(response.statusCode).toBe(200);
  });

  it('refuses to build a token route wired without a token verifier, naming the wiring to use', () => {
    expect(() => route<undefined, Identity>({}, () => ok({}))(publicDeps)).toThrow(/without a token verifier.*httpDefaults/);
  });
});
