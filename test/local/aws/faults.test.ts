/**
 * Fault injection of the local stack: rules count down and match by action, and each fault reaches a real
 * SDK client in the words AWS uses, so the SDK's own classifier sees Throttling (STS), ThrottlingException
 * (DynamoDB) and SlowDown (S3) as throttling and retries them; a cut connection, a failure, a delay and a
 * reset mid-body behave as on the wire. Driven in-process (`stack.faults`) and over `/_local/faults`.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../local/aws/faults';
import { startTestStack, type TestStack } from '../../support/local-stack';

let stack: TestStack;
const BUCKET = 'faults-unit';
const BODY = Buffer.alloc(64 * 1024, 'x');

function clientConfig(maxAttempts: number) {
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  return { endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: { accessKeyId, secretAccessKey }, maxAttempts };
}
const sts = (maxAttempts = 1) => new STSClient(clientConfig(maxAttempts));
const dynamo = (maxAttempts = 1) => new DynamoDBClient(clientConfig(maxAttempts));
const s3 = (maxAttempts = 1) => new S3Client({ ...clientConfig(maxAttempts), forcePathStyle: true });

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

beforeAll(async () => {
  stack = await startTestStack();
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: BODY }));
}, 60_000);

afterEach(() => stack.faults.clear());
afterAll(async () => stack?.close());

describe('FaultInjector', () => {
  it('applies a rule as many times as it says, to matching actions only, first rule first', () => {
    const faults = new FaultInjector();
    faults.add({ target: 'sts', action: 'AssumeRole', fault: { kind: 'throttle' }, times: 2 });
    faults.add({ target: 'sts', fault: { kind: 'down' } });
    expect(faults.take('sts', 'AssumeRole')).toEqual({ kind: 'throttle' });
    expect(faults.take('sts', 'GetCallerIdentity')).toEqual({ kind: 'down' });
    expect(faults.take('sts', 'AssumeRole')).toEqual({ kind: 'throttle' });
    expect(faults.take('sts', 'AssumeRole')).toEqual({ kind: 'down' });
    expect(faults.take('dynamodb', 'PutItem')).toBeUndefined();
  });

  it('removes a rule with the function add returned, and clears one target or all', () => {
    const faults = new FaultInjector();
    const remove = faults.add({ target: 's3', fault: { kind: 'fail' } });
    faults.add({ target: 'jwks', fault: { kind: 'throttle' } });
    faults.add({ target: 'iam', fault: { kind: 'throttle' } });
    remove();
    expect(faults.take('s3', 'GET')).toBeUndefined();
    faults.clear('jwks');
    expect(faults.take('jwks', 'GET')).toBeUndefined();
    expect(faults.take('iam', 'CreateRole')).toEqual({ kind: 'throttle' });
    faults.clear();
    expect(faults.take('iam', 'CreateRole')).toBeUndefined();
  });

  it('refuses a rule that is not one (reset-mid-body outside S3, a negative count, an unknown kind)', () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ target: 'sts', fault: { kind: 'reset-mid-body', afterBytes: 1 } })).toThrow();
    expect(() => faults.add({ target: 'sts', fault: { kind: 'down' }, times: 0 })).toThrow();
    expect(() => faults.add({ target: 'sts', fault: { kind: 'melt' } as never })).toThrow();
  });
});

describe("throttling in each service's own words", () => {
  it('STS answers 400 Throttling, which the SDK classifies as throttling and retries', async () => {
    stack.faults.add({ target: 'sts', action: 'GetCallerIdentity', fault: { kind: 'throttle' }, times: 1 });
    const error = await failure(sts().send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(isThrottlingError(error as never)).toBe(true);

    stack.faults.add({ target: 'sts', action: 'GetCallerIdentity', fault: { kind: 'throttle' }, times: 2 });
    const answer = await sts(3).send(new GetCallerIdentityCommand({}));
    expect(answer.Account).toBe(stack.info.customers[0]!.accountId);
    expect(answer.$metadata.attempts).toBe(3);
  });

  it('DynamoDB answers 400 ThrottlingException, classified as throttling and retried', async () => {
    stack.faults.add({ target: 'dynamodb', action: 'ListTables', fault: { kind: 'throttle' }, times: 1 });
    const error = await failure(dynamo().send(new ListTablesCommand({})));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(isThrottlingError(error as never)).toBe(true);

    stack.faults.add({ target: 'dynamodb', action: 'ListTables', fault: { kind: 'throttle' }, times: 1 });
    expect((await dynamo(2).send(new ListTablesCommand({}))).$metadata.attempts).toBe(2);
  });

  it('S3 answers 503 SlowDown, classified as throttling and retried', async () => {
    stack.faults.add({ target: 's3', action: 'GET', fault: { kind: 'throttle' }, times: 1 });
    const error = await failure(s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(error.name).toBe('SlowDown');
    expect(error.$metadata?.httpStatusCode).toBe(503);
    expect(isThrottlingError(error as never)).toBe(true);

    stack.faults.add({ target: 's3', action: 'GET', fault: { kind: 'throttle' }, times: 1 });
    const answer = await s3(2).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(Buffer.from(await answer.Body!.transformToByteArray()).equals(BODY)).toBe(true);
    expect(answer.$metadata.attempts).toBe(2);
  });

  it('only the action named is throttled', async () => {
    stack.faults.add({ target: 's3', action: 'PUT', fault: { kind: 'throttle' } });
    const answer = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    await answer.Body!.transformToByteArray();
  });
});

describe('failures, outages, delays and resets', () => {
  it('fail answers 500 InternalFailure or 503 ServiceUnavailable, transient errors the SDK retries', async () => {
    stack.faults.add({ target: 'sts', fault: { kind: 'fail' }, times: 1 });
    const internal = await failure(sts().send(new GetCallerIdentityCommand({})));
    expect([internal.name, internal.$metadata?.httpStatusCode]).toEqual(['InternalFailure', 500]);
    expect(isTransientError(internal as never)).toBe(true);

    stack.faults.add({ target: 's3', fault: { kind: 'fail', status: 503 }, times: 1 });
    const unavailable = await failure(s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect([unavailable.name, unavailable.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
  });

  it('down cuts the connection with no answer; the SDK retries it', async () => {
    stack.faults.add({ target: 'sts', fault: { kind: 'down' }, times: 1 });
    const error = await failure(sts().send(new GetCallerIdentityCommand({})));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();

    stack.faults.add({ target: 'sts', fault: { kind: 'down' }, times: 1 });
    expect((await sts(2).send(new GetCallerIdentityCommand({}))).$metadata.attempts).toBe(2);
  });

  it('slow answers normally after the delay', async () => {
    stack.faults.add({ target: 'sts', fault: { kind: 'slow', delayMs: 300 }, times: 1 });
    const started = performance.now();
    await sts().send(new GetCallerIdentityCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reset-mid-body sends 200, the headers and the first bytes, then cuts the connection', async () => {
    stack.faults.add({ target: 's3', action: 'GET', fault: { kind: 'reset-mid-body', afterBytes: 1000 }, times: 1 });
    const answer = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.ContentLength).toBe(BODY.length);
    await expect(answer.Body!.transformToByteArray()).rejects.toThrow();
  });

  it('the JWKS answers 429 when throttled and cuts the connection when down', async () => {
    stack.faults.add({ target: 'jwks', fault: { kind: 'throttle' }, times: 1 });
    expect((await fetch(stack.issuer.jwksUri)).status).toBe(429);
    stack.faults.add({ target: 'jwks', fault: { kind: 'down' }, times: 1 });
    await expect(fetch(stack.issuer.jwksUri)).rejects.toThrow();
    expect((await fetch(stack.issuer.jwksUri)).status).toBe(200);
  });
});

describe('/_local/faults', () => {
  const route = () => `${stack.info.awsEndpoint}/_local/faults`;

  it('POST adds a rule and answers its id; DELETE clears every rule', async () => {
    const added = await fetch(route(), { method: 'POST', body: JSON.stringify({ target: 'sts', fault: { kind: 'throttle' } }) });
    expect(added.status).toBe(200);
    expect((await added.json()) as { id: string }).toEqual({ id: expect.any(String) });
    expect((await failure(sts().send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');
    expect((await failure(sts().send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');

    expect((await fetch(route(), { method: 'DELETE' })).status).toBe(200);
    expect((await sts().send(new GetCallerIdentityCommand({}))).$metadata.httpStatusCode).toBe(200);
  });

  it('refuses a body that is not a fault rule with 400', async () => {
    expect((await fetch(route(), { method: 'POST', body: '{"target":"sts","fault":{"kind":"explode"}}' })).status).toBe(400);
    expect((await fetch(route(), { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await sts().send(new GetCallerIdentityCommand({}))).$metadata.httpStatusCode).toBe(200);
  });
});
