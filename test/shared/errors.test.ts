/**
 * Errors keep their cause (issue 12 item 4): every error raised on purpose takes the standard ES2022 `cause`;
 * both renderers (the API's JSON, the proxy's S3 XML) log the cause's name, code, HTTP status and AWS request
 * id, and answer nothing of it; SigV4Error and the ports' refusals are part of the one hierarchy, with the HTTP
 * answers they had.
 */
import { describe, expect, it } from 'vitest';
import { AppError, DependencyUnavailable, Forbidden, GatewayError, NotFound, ValidationFailed } from '../../shared/errors';
import { errorResponse } from '../../shared/http/error-mapper';
import { createLogger } from '../../shared/log';
import { incompleteBody } from '../../shared/proxy/body';
import { S3Refusal, errorResponse as s3ErrorResponse } from '../../shared/proxy/errors';
import { SigV4Error } from '../../shared/sigv4';
import { AssumeRoleRefused, S3AccessDenied } from '../../shared/volumes/ports';

const AWS_REQUEST_ID = 'K2H6N7SGGKZQ3V5HUOMQ5DCFRJVV4KQNSO5AEMVJF66Q9ASUAAJG';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

/** An error shaped as the AWS SDK throws it, its stack naming a secret (which must never reach a response). */
function sdkError(code: string, status: number): Error {
  const error = Object.assign(new Error(`${code} happened`), {
    name: code,
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: AWS_REQUEST_ID, attempts: 1 },
  });
  error.stack = `${code}: ${code} happened\n    at sign (${SECRET})`;
  return error;
}

const captured = () => {
  const lines: string[] = [];
  return { lines, log: createLogger({ service: 'test' }, { write: (line) => lines.push(line) }) };
};
const refusedLine = (lines: string[]) => JSON.parse(lines.find((l) => l.includes('request refused'))!);

describe('the one hierarchy', () => {
  it('every AppError takes the standard cause option, which JSON never carries', () => {
    const cause = sdkError('AccessDenied', 403);
    for (const error of [
      new Forbidden('no', 'RoleRefused', { cause }),
      new ValidationFailed('bad', 'field', 'Code', { cause }),
      new NotFound('gone', 'NotFound', 'NoSuchKey', { cause }),
      new DependencyUnavailable('down', 'StsUnavailable', { cause }),
      new S3Refusal(400, 'IncompleteBody', 'short', {}, { cause }),
      new SigV4Error('SignatureDoesNotMatch', 'mismatch', {}, { cause }),
    ]) {
      expect(error.cause).toBe(cause);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toBeInstanceOf(GatewayError);
      expect(JSON.stringify(error)).not.toContain('AccessDenied happened');
    }
    expect(new Forbidden('no').cause).toBeUndefined();
  });

  it('SigV4Error is an AppError whose status and S3 code are S3’s, as before', () => {
    expect(new SigV4Error('SignatureDoesNotMatch', 'x')).toMatchObject({
      name: 'SigV4Error',
      status: 403,
      code: 'SignatureDoesNotMatch',
      s3Code: 'SignatureDoesNotMatch',
    });
    expect(new SigV4Error('IncompleteBody', 'x')).toMatchObject({ status: 400, code: 'IncompleteBody', s3Code: 'IncompleteBody' });
    expect(new SigV4Error('RequestTimeTooSkewed', 'x')).toMatchObject({ status: 403, s3Code: 'RequestTimeTooSkewed' });
  });

  it('the ports’ refusals are GatewayErrors with the dependency’s code and cause, not AppErrors: one that escapes is still a 500', () => {
    const cause = sdkError('AccessDenied', 403);
    for (const refusal of [new AssumeRoleRefused('AccessDenied', 'no', { cause }), new S3AccessDenied('AccessDenied', 'no', { cause })]) {
      expect(refusal).toBeInstanceOf(GatewayError);
      expect(refusal).not.toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: 'AccessDenied', cause });
      const { lines, log } = captured();
      const api = errorResponse(refusal, 'req-1', log);
      expect([api.statusCode, JSON.parse(api.body!).code]).toEqual([500, 'InternalError']);
      expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'unhandled error', errorName: refusal.name, cause: { code: 'AccessDenied' } });
      const s3 = s3ErrorResponse(refusal, 'req-1', captured().log);
      expect([s3.status, String(s3.body)]).toEqual([500, expect.stringContaining('<Code>InternalError</Code>')]);
    }
  });
});

describe('the renderers log the cause and answer nothing of it', () => {
  const causeLogged = { name: 'AccessDenied', code: 'AccessDenied', status: 403, requestId: AWS_REQUEST_ID };

  it(
    'the API: a RoleRefused with STS’s error as cause answers 403 {code, message, requestId}; the log names STS’s code, status and ' +
      'request id',
    () => {
      const { lines, log } = captured();
      const response = errorResponse(
        new Forbidden('The volume’s role refused the gateway (AccessDenied).', 'RoleRefused', { cause: sdkError('AccessDenied', 403) }),
        'req-2',
        log,
      );
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body!)).toEqual({
        code: 'RoleRefused',
        message: 'The volume’s role refused the gateway (AccessDenied).',
        requestId: 'req-2',
      });
      expect(refusedLine(lines)).toMatchObject({ status: 403, code: 'RoleRefused', cause: causeLogged });
      expect(lines.join('\n')).not.toContain(SECRET);
    },
  );

  it('the proxy: an S3Refusal with a cause answers as before; the log names the cause', () => {
    const { lines, log } = captured();
    const response = s3ErrorResponse(incompleteBody(sdkError('AccessDenied', 403)), 'req-3', log);
    const plain = s3ErrorResponse(incompleteBody(), 'req-3', captured().log);
    expect([response.status, response.body]).toEqual([plain.status, plain.body]);
    expect(response.status).toBe(400);
    expect(String(response.body)).toContain('<Code>IncompleteBody</Code>');
    expect(String(response.body)).not.toContain(AWS_REQUEST_ID);
    expect(refusedLine(lines)).toMatchObject({ status: 400, code: 'IncompleteBody', cause: causeLogged });
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('the proxy: a SigV4Error answers S3’s status, code and extra fields as before (a token among them never), and logs its cause', () => {
    const { lines, log } = captured();
    const extra = { StringToSign: 'AWS4-HMAC-SHA256\n20250101T000000Z', Token: 'eyJhbGciOi.eyJzdWIiOi.c2ln' };
    const response = s3ErrorResponse(
      new SigV4Error('SignatureDoesNotMatch', 'mismatch', extra, { cause: sdkError('AccessDenied', 403) }),
      'req-4',
      log,
    );
    expect(response.status).toBe(403);
    expect(String(response.body)).toContain(
      '<Code>SignatureDoesNotMatch</Code><Message>mismatch</Message><StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z</StringToSign>' +
        '<RequestId>req-4</RequestId>',
    );
    expect(String(response.body)).not.toContain('eyJ');
    expect(refusedLine(lines)).toMatchObject({ level: 'info', status: 403, code: 'SignatureDoesNotMatch', cause: causeLogged });
  });

  it('both renderers log a cause wrapping the SDK error (a port’s refusal) with that error’s status and request id beneath it', () => {
    const refusal = new AssumeRoleRefused('AccessDenied', 'no', { cause: sdkError('AccessDenied', 403) });
    for (const render of [errorResponse, s3ErrorResponse]) {
      const wrapped = captured();
      render(new DependencyUnavailable('down', 'StsUnavailable', { cause: refusal }), 'req-6', wrapped.log);
      expect(refusedLine(wrapped.lines)).toMatchObject({ cause: { name: 'AssumeRoleRefused', code: 'AccessDenied', cause: causeLogged } });
      const escaped = captured();
      render(refusal, 'req-6', escaped.log);
      expect(JSON.parse(escaped.lines[0]!)).toMatchObject({
        message: 'unhandled error',
        cause: { name: 'AssumeRoleRefused', cause: causeLogged },
      });
      expect([...wrapped.lines, ...escaped.lines].join('\n')).not.toContain(SECRET);
    }
  });

  it('an error without a cause logs no cause field', () => {
    const { lines, log } = captured();
    s3ErrorResponse(new SigV4Error('SignatureDoesNotMatch', 'mismatch'), 'req-5', log);
    errorResponse(new Forbidden('no'), 'req-5', log);
    expect(lines.map((l) => JSON.parse(l).cause)).toEqual([undefined, undefined]);
  });
});
