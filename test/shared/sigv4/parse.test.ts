import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, parseSigV4, type SigV4Request } from '../../../shared/sigv4';
import { catchError } from './helpers';

const SIGNATURE = 'a'.repeat(64);
const CREDENTIAL = 'AKIDEXAMPLE/20130524/us-east-1/s3/aws4_request';

function headerRequest(authorization: string, headers: Record<string, string> = {}): SigV4Request {
  return {
    method: 'GET',
    rawPath: '/bucket/key',
    rawQuery: '',
    headers: { host: 'localhost', 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY_SHA256, authorization, ...headers },
  };
}

const good = `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${SIGNATURE}`;

function queryRequest(params: Record<string, string>, headers: Record<string, string> = {}): SigV4Request {
  const rawQuery = Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return { method: 'GET', rawPath: '/bucket/key', rawQuery, headers: { host: 'localhost', ...headers } };
}

const presigned = {
  'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  'X-Amz-Credential': CREDENTIAL,
  'X-Amz-Date': '20130524T000000Z',
  'X-Amz-Expires': '86400',
  'X-Amz-SignedHeaders': 'host',
  'X-Amz-Signature': SIGNATURE,
};

describe('parseSigV4, header form', () => {
  it('returns null for a request that carries no authentication at all', () => {
    expect(parseSigV4({ method: 'GET', rawPath: '/b/k', rawQuery: 'prefix=x&X-Amz-Date=1', headers: { host: 'h' } })).toBeNull();
  });

  it('reads every part of the Authorization header', () => {
    const withToken =
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, ` +
      `SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=${SIGNATURE}`;
    expect(parseSigV4(headerRequest(withToken, { 'x-amz-security-token': 'TOKEN' }))).toEqual({
      form: 'header',
      accessKeyId: 'AKIDEXAMPLE',
      date: '20130524',
      region: 'us-east-1',
      service: 's3',
      scope: '20130524/us-east-1/s3/aws4_request',
      signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'],
      signature: SIGNATURE,
      amzDate: '20130524T000000Z',
      sessionToken: 'TOKEN',
      payloadHash: EMPTY_SHA256,
    });
  });

  it('tolerates any spacing around the components', () => {
    const spaced =
      `  AWS4-HMAC-SHA256   Credential=${CREDENTIAL} ` + `,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=${SIGNATURE}  `;
    expect(parseSigV4(headerRequest(spaced))?.signature).toBe(SIGNATURE);
  });

  it('takes the signing time from the Date header when x-amz-date is absent', () => {
    const req = headerRequest(good.replace(';x-amz-date', ';date'), {
      'x-amz-date': undefined as never,
      date: 'Fri, 24 May 2013 00:00:00 GMT',
    });
    delete req.headers['x-amz-date'];
    expect(parseSigV4(req)?.amzDate).toBe('20130524T000000Z');
  });

  it.each([
    ['SigV2 (AWS AKID:signature)', 'AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', 'InvalidRequest', /Please use AWS4-HMAC-SHA256/],
    ['a Bearer token', 'Bearer eyJhbGciOi', 'InvalidArgument', /Unsupported Authorization Type "Bearer"/],
    [
      'SigV4a',
      `AWS4-ECDSA-P256-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host, Signature=${SIGNATURE}`,
      'AuthorizationHeaderMalformed',
      /not supported/,
    ],
    ['an empty header', '   ', 'AuthorizationHeaderMalformed', /empty/],
    [
      'a missing Signature',
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host`,
      'AuthorizationHeaderMalformed',
      /three components/,
    ],
    ['a repeated component', `${good}, Signature=${SIGNATURE}`, 'AuthorizationHeaderMalformed', /Signature appears twice/],
    ['an unknown component', `${good}, Foo=bar`, 'AuthorizationHeaderMalformed', /unexpected component "Foo=bar"/],
    ['a four-part credential', good.replace('/us-east-1', ''), 'AuthorizationHeaderMalformed', /YYYYMMDD\/REGION\/SERVICE\/aws4_request/],
    [
      'a credential not ending in aws4_request',
      good.replace('aws4_request', 'aws4_reqest'),
      'AuthorizationHeaderMalformed',
      /Credential is mal-formed/,
    ],
    [
      'a credential dated another day',
      good.replace('20130524', '20130525'),
      'AuthorizationHeaderMalformed',
      /not the same as X-Amz-Date: "20130524"/,
    ],
    ['upper-case signed header names', good.replace('host;', 'Host;'), 'AuthorizationHeaderMalformed', /lower-case header names/],
    ['host left unsigned', good.replace('host;', ''), 'AuthorizationHeaderMalformed', /must include host/],
    ['x-amz-content-sha256 left unsigned', good.replace(';x-amz-content-sha256', ''), 'InvalidRequest', /must be included in signature/],
  ])('%s is %s', (_what, authorization, code, message) => {
    const error = catchError(() => parseSigV4(headerRequest(authorization)));
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('an S3 request without x-amz-content-sha256 is InvalidRequest, as S3 answers', () => {
    const req = headerRequest(good.replace(';x-amz-content-sha256', ''));
    delete req.headers['x-amz-content-sha256'];
    expect(catchError(() => parseSigV4(req))).toMatchObject({
      code: 'InvalidRequest',
      message: 'Missing required header for this request: x-amz-content-sha256',
    });
  });

  it('a non-S3 request without x-amz-content-sha256 has no payload hash: the body must be hashed', () => {
    const req = headerRequest(good.replace('/s3/', '/sts/').replace(';x-amz-content-sha256', ''));
    delete req.headers['x-amz-content-sha256'];
    expect(parseSigV4(req)?.payloadHash).toBeUndefined();
  });

  it('an x-amz-content-sha256 that is neither a hash nor a known mode is InvalidArgument', () => {
    expect(catchError(() => parseSigV4(headerRequest(good, { 'x-amz-content-sha256': 'abc' }))).code).toBe('InvalidArgument');
    expect(
      catchError(() => parseSigV4(headerRequest(good, { 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }))).message,
    ).toMatch(/SigV4a/);
  });

  it('a missing or invalid x-amz-date is AccessDenied (403)', () => {
    for (const date of ['', '20130524', '20131324T000000Z', '20130524T250000Z']) {
      const error = catchError(() => parseSigV4(headerRequest(good, { 'x-amz-date': date })));
      expect(error).toMatchObject({
        code: 'AccessDenied',
        status: 403,
        message: 'AWS authentication requires a valid Date or x-amz-date header',
      });
    }
  });

  it('both an Authorization header and presigned parameters is InvalidArgument', () => {
    const req = { ...queryRequest(presigned), headers: { ...headerRequest(good).headers } };
    expect(catchError(() => parseSigV4(req))).toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringMatching(/Only one auth mechanism/),
    });
  });
});

describe('parseSigV4, query form', () => {
  it('reads a presigned URL; its payload is UNSIGNED-PAYLOAD for S3', () => {
    expect(parseSigV4(queryRequest({ ...presigned, 'X-Amz-Security-Token': 'T+/=' }))).toMatchObject({
      form: 'query',
      accessKeyId: 'AKIDEXAMPLE',
      expiresSeconds: 86400,
      signedHeaders: ['host'],
      sessionToken: 'T+/=',
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
  });

  it('takes the payload hash from x-amz-content-sha256 (header, else query) when there is one', () => {
    expect(parseSigV4(queryRequest(presigned, { 'x-amz-content-sha256': EMPTY_SHA256 }))?.payloadHash).toBe(EMPTY_SHA256);
    expect(parseSigV4(queryRequest({ ...presigned, 'X-Amz-Content-Sha256': EMPTY_SHA256 }))?.payloadHash).toBe(EMPTY_SHA256);
  });

  it('a presigned non-S3 request hashes its body', () => {
    const credential = CREDENTIAL.replace('/s3/', '/sts/');
    expect(parseSigV4(queryRequest({ ...presigned, 'X-Amz-Credential': credential }))?.payloadHash).toBeUndefined();
  });

  it('SigV2 query authentication is InvalidRequest', () => {
    const req = queryRequest({ AWSAccessKeyId: 'AKID', Expires: '1700000000', Signature: 'c2ln' });
    expect(catchError(() => parseSigV4(req))).toMatchObject({ code: 'InvalidRequest', status: 400 });
  });

  const { 'X-Amz-Expires': _expires, ...withoutExpires } = presigned;
  it.each([
    ['X-Amz-Expires missing', withoutExpires, /requires the X-Amz-Algorithm, X-Amz-Credential/],
    ['another algorithm', { ...presigned, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }, /X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"/],
    ['X-Amz-Expires over a week', { ...presigned, 'X-Amz-Expires': '604801' }, /must be less than a week \(in seconds\) that is 604800/],
    ['X-Amz-Expires not a number', { ...presigned, 'X-Amz-Expires': '1h' }, /X-Amz-Expires should be a number/],
    ['X-Amz-Expires negative', { ...presigned, 'X-Amz-Expires': '-1' }, /non-negative/],
    ['a malformed X-Amz-Date', { ...presigned, 'X-Amz-Date': '2013-05-24T00:00:00Z' }, /ISO8601 Long Format/],
    ['a credential dated another day', { ...presigned, 'X-Amz-Date': '20130525T000000Z' }, /Invalid credential date "20130524"/],
    [
      'a malformed credential',
      { ...presigned, 'X-Amz-Credential': 'AKID/20130524/us-east-1/s3' },
      /X-Amz-Credential parameter; the Credential is mal-formed/,
    ],
    ['host left unsigned', { ...presigned, 'X-Amz-SignedHeaders': 'x-amz-date' }, /X-Amz-SignedHeaders must include host/],
  ])('%s is AuthorizationQueryParametersError', (_what, params, message) => {
    const error = catchError(() => parseSigV4(queryRequest(params)));
    expect(error).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    expect(error.message).toMatch(message);
  });

  it('X-Amz-Expires of exactly 604800 is accepted', () => {
    expect(parseSigV4(queryRequest({ ...presigned, 'X-Amz-Expires': '604800' }))?.expiresSeconds).toBe(604800);
  });

  it('a repeated X-Amz-Signature is refused rather than one of them picked', () => {
    const req = queryRequest(presigned);
    req.rawQuery += `&X-Amz-Signature=${'b'.repeat(64)}`;
    expect(catchError(() => parseSigV4(req))).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      message: expect.stringMatching(/only once/),
    });
  });
});
