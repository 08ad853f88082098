/**
 * AWS failures of the service's own calls (its tables, STS): a refusal of the service itself (a permission its
 * role lacks, a table that is missing, credentials AWS does not accept) is a 500 `DependencyMisconfigured` that
 * an operator can find in the log (AWS's error name, code, status and request id), while throttling and outages
 * stay 503 with Retry-After (issue 9, finding 8). AWS's answers come from a request handler that answers as
 * DynamoDB and STS do, so the SDK parses them as it parses AWS's own.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { dependencyFailure } from '../../../shared/adapters/aws-errors';
import { createDynamoAccessKeyStore } from '../../../shared/adapters/dynamodb/access-key-store';
import { createDynamoAuditLog } from '../../../shared/adapters/dynamodb/audit-log';
import { createDynamoVolumeRepository } from '../../../shared/adapters/dynamodb/volume-repository';
import { s3Failure } from '../../../shared/adapters/s3-per-call';
import { createStsCredentialIssuer } from '../../../shared/adapters/sts-credential-issuer';
import { DependencyMisconfigured, DependencyUnavailable } from '../../../shared/errors';
import { errorResponse } from '../../../shared/http/error-mapper';
import { createLogger } from '../../../shared/log';
import { errorResponse as s3ErrorResponse } from '../../../shared/proxy/errors';
import { AssumeRoleRefused, S3AccessDenied } from '../../../shared/volumes/ports';

const clock = { now: () => new Date() };
const AWS_REQUEST_ID = 'K2H6N7SGGKZQ3V5HUOMQ5DCFRJVV4KQNSO5AEMVJF66Q9ASUAAJG';

/** An error shaped as the SDK throws it for an answer of `status` with `code`, or for no answer at all. */
function sdkError(code: string, status?: number): Error {
  return Object.assign(new Error(`${code} happened`), {
    name: code,
    $fault: status !== undefined && status >= 500 ? 'server' : 'client',
    $metadata: { ...(status !== undefined ? { httpStatusCode: status, requestId: AWS_REQUEST_ID } : {}), attempts: 1, totalRetryDelay: 0 },
  });
}

/** A DynamoDB client whose every call gets this JSON error answer (no retries). */
function dynamoAnswering(status: number, type: string): DynamoDBClient {
  return new DynamoDBClient({
    region: 'eu-west-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    requestHandler: {
      handle: async (_request: HttpRequest) => ({
        response: new HttpResponse({
          statusCode: status,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': AWS_REQUEST_ID },
          body: Readable.from([
            Buffer.from(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} for the test` })),
          ]),
        }),
      }),
    },
  });
}

/** An STS client whose every call gets this XML error answer (no retries). */
function stsAnswering(status: number, code: string): STSClient {
  return new STSClient({
    region: 'eu-west-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({
          statusCode: status,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': AWS_REQUEST_ID },
          body: Readable.from([
            Buffer.from(
              `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} for the ` +
                `test</Message></Error><RequestId>${AWS_REQUEST_ID}</RequestId></ErrorResponse>`,
            ),
          ]),
        }),
      }),
    },
  });
}

const assume = (client: STSClient) =>
  createStsCredentialIssuer({ client: () => client }).assumeRole({
    roleArn: 'arn:aws:iam::111111111111:role/customer',
    sessionName: 's',
    externalId: 'x',
    durationSeconds: 900,
    region: 'eu-west-1',
  });

describe('which AWS failures are the service misconfigured, and which an outage', () => {
  it.each([
    ['AccessDeniedException', 400],
    ['AccessDenied', 403],
    ['UnrecognizedClientException', 400],
    ['InvalidClientTokenId', 403],
    ['ResourceNotFoundException', 400],
    ['KMSAccessDeniedException', 400],
    ['ValidationException', 400],
  ])('%s (%i) is a 500 DependencyMisconfigured that keeps the SDK error as its cause', (code, status) => {
    const cause = sdkError(code, status);
    const error = dependencyFailure('The volume store', 'VolumeStoreUnavailable', cause);
    expect(error).toBeInstanceOf(DependencyMisconfigured);
    expect(error).toMatchObject({ status: 500, code: 'DependencyMisconfigured', s3Code: 'InternalError' });
    expect(error.message).toMatch(/^The volume store refused .* An operator must look/);
    expect(error.message).not.toContain(code);
    expect(error.cause).toBe(cause);
  });

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['RequestLimitExceeded', 400],
    ['SlowDown', 503],
    ['TooManyRequestsException', 429],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
    ['ExpiredTokenException', 400],
    ['TimeoutError', undefined],
    ['ECONNREFUSED', undefined],
  ])('%s (%s) stays a 503 with the dependency’s own code', (code, status) => {
    const error = dependencyFailure('The volume store', 'VolumeStoreUnavailable', sdkError(code, status));
    expect(error).toBeInstanceOf(DependencyUnavailable);
    expect(error).toMatchObject({
      status: 503,
      code: 'VolumeStoreUnavailable',
      message: 'The volume store did not answer; try again shortly.',
    });
  });
});

describe('the adapters of the service’s own calls', () => {
  it(
    'DynamoDB refusing the service (AccessDeniedException, a missing table) is DependencyMisconfigured in the volume store, audit ' +
      'log and access key store',
    async () => {
      for (const type of ['AccessDeniedException', 'ResourceNotFoundException', 'UnrecognizedClientException']) {
        const client = dynamoAnswering(400, type);
        const misconfigured = {
          status: 500,
          code: 'DependencyMisconfigured',
          cause: { name: type, $metadata: { httpStatusCode: 400, requestId: AWS_REQUEST_ID } },
        };
        await expect(createDynamoVolumeRepository({ client, tableName: 'volumes' }).get('vol-1')).rejects.toMatchObject(misconfigured);
        await expect(
          createDynamoAuditLog({ client, tableName: 'audit', retentionDays: 30, clock }).list('vol-1', { limit: 10 }),
        ).rejects.toMatchObject(misconfigured);
        await expect(createDynamoAccessKeyStore({ client, tableName: 'keys', clock }).get('VGAKABCDEFGHIJKLMNOP')).rejects.toMatchObject(
          misconfigured,
        );
      }
    },
  );

  it('DynamoDB throttling or failing is still 503 with the store’s code', async () => {
    for (const [status, type] of [
      [400, 'ProvisionedThroughputExceededException'],
      [400, 'ThrottlingException'],
      [400, 'RequestLimitExceeded'],
      [500, 'InternalServerError'],
    ] as const) {
      await expect(
        createDynamoVolumeRepository({ client: dynamoAnswering(status, type), tableName: 'volumes' }).get('vol-1'),
      ).rejects.toMatchObject({
        status: 503,
        code: 'VolumeStoreUnavailable',
      });
    }
  });

  it(
    'STS refusing the customer’s role (AccessDenied: its trust policy) stays a refusal; STS refusing our own credentials is ' +
      'DependencyMisconfigured; throttling is 503',
    async () => {
      await expect(assume(stsAnswering(403, 'AccessDenied'))).rejects.toBeInstanceOf(AssumeRoleRefused);
      await expect(assume(stsAnswering(403, 'InvalidClientTokenId'))).rejects.toMatchObject({
        status: 500,
        code: 'DependencyMisconfigured',
        cause: { name: 'InvalidClientTokenId' },
      });
      await expect(assume(stsAnswering(403, 'SignatureDoesNotMatch'))).rejects.toMatchObject({
        status: 500,
        code: 'DependencyMisconfigured',
      });
      await expect(assume(stsAnswering(400, 'Throttling'))).rejects.toMatchObject({ status: 503, code: 'StsUnavailable' });
      await expect(assume(stsAnswering(503, 'ServiceUnavailable'))).rejects.toMatchObject({ status: 503, code: 'StsUnavailable' });
    },
  );
});

describe('the ports’ refusals keep the SDK error as their cause', () => {
  it('STS refusing the customer’s role is AssumeRoleRefused whose cause is STS’s error, with its request id', async () => {
    const refused = await assume(stsAnswering(403, 'AccessDenied')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AssumeRoleRefused);
    expect(refused).toMatchObject({
      code: 'AccessDenied',
      cause: { name: 'AccessDenied', $metadata: { httpStatusCode: 403, requestId: AWS_REQUEST_ID } },
    });
  });

  it('S3 refusing vended credentials is S3AccessDenied whose cause is S3’s error', () => {
    const cause = sdkError('AccessDenied', 403);
    const refused = s3Failure(cause, undefined);
    expect(refused).toBeInstanceOf(S3AccessDenied);
    expect(refused).toMatchObject({ code: 'AccessDenied', cause });
  });
});

describe('the renderers log the cause an operator needs, and answer nothing of it', () => {
  const captured = () => {
    const lines: string[] = [];
    return { lines, log: createLogger({ service: 'test' }, { write: (line) => lines.push(line) }) };
  };

  it('the API answers 500 DependencyMisconfigured with the request id; the log names the AWS error, code, status and request id', () => {
    const { lines, log } = captured();
    const cause = Object.assign(sdkError('AccessDeniedException', 400), {
      $metadata: { httpStatusCode: 400, requestId: AWS_REQUEST_ID, extendedRequestId: 'ext-1', cfId: 'cf-1' },
    });
    const response = errorResponse(dependencyFailure('The volume store', 'VolumeStoreUnavailable', cause), 'req-42', log);
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['retry-after']).toBeUndefined();
    const body = JSON.parse(response.body!);
    expect(body).toMatchObject({ code: 'DependencyMisconfigured', requestId: 'req-42' });
    expect(response.body).not.toContain('AccessDeniedException');
    expect(response.body).not.toContain(AWS_REQUEST_ID);
    const line = JSON.parse(lines.find((l) => l.includes('request refused'))!);
    expect(line).toMatchObject({
      level: 'error',
      status: 500,
      code: 'DependencyMisconfigured',
      cause: {
        name: 'AccessDeniedException',
        code: 'AccessDeniedException',
        status: 400,
        requestId: AWS_REQUEST_ID,
        extendedRequestId: 'ext-1',
        cfId: 'cf-1',
      },
    });
  });

  it('a throttled dependency is answered 503 with Retry-After, and its cause is logged too', () => {
    const { lines, log } = captured();
    const response = errorResponse(
      dependencyFailure('The volume store', 'VolumeStoreUnavailable', sdkError('ProvisionedThroughputExceededException', 400)),
      'req-43',
      log,
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(response.body!).code).toBe('VolumeStoreUnavailable');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      status: 503,
      cause: { code: 'ProvisionedThroughputExceededException', status: 400, requestId: AWS_REQUEST_ID },
    });
  });

  it('the proxy answers S3’s InternalError for it, and logs the cause the same way', () => {
    const { lines, log } = captured();
    const response = s3ErrorResponse(
      dependencyFailure('The access key store', 'AccessKeyStoreUnavailable', sdkError('AccessDeniedException', 400)),
      'req-44',
      log,
    );
    expect(response.status).toBe(500);
    expect(String(response.body)).toContain('<Code>InternalError</Code>');
    expect(String(response.body)).not.toContain('AccessDeniedException');
    expect(JSON.parse(lines.find((l) => l.includes('request refused'))!)).toMatchObject({
      status: 500,
      code: 'DependencyMisconfigured',
      cause: { code: 'AccessDeniedException', requestId: AWS_REQUEST_ID },
    });
  });

  it('an unmapped SDK error that escapes is a 500 whose log line still names its code, status and request id', () => {
    const { lines, log } = captured();
    errorResponse(sdkError('SerializationException', 400), 'req-45', log);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      message: 'unhandled error',
      cause: { code: 'SerializationException', status: 400, requestId: AWS_REQUEST_ID },
    });
  });
});
