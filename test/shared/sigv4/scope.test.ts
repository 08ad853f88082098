/** A credential scope for another service or region is refused in S3's words, header and presigned forms. */
import { describe, expect, it } from 'vitest';
import { checkScopeRegion, checkScopeService, type ParsedSigV4 } from '../../../shared/sigv4';
import { catchError } from './helpers';

const claim = (form: ParsedSigV4['form'], region: string, service: string): ParsedSigV4 => ({
  form,
  accessKeyId: 'AKID',
  date: '20260304',
  region,
  service,
  scope: `20260304/${region}/${service}/aws4_request`,
  signedHeaders: ['host'],
  signature: 'a'.repeat(64),
  amzDate: '20260304T050607Z',
});

describe('checkScopeService', () => {
  it('takes the endpoint own service', () => {
    expect(() => checkScopeService(claim('header', 'us-east-1', 's3'), 's3')).not.toThrow();
  });

  it('refuses another service: AuthorizationHeaderMalformed (header) or AuthorizationQueryParametersError (presigned), 400', () => {
    expect(catchError(() => checkScopeService(claim('header', 'us-east-1', 'sts'), 's3'))).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: 'The authorization header is malformed; incorrect service "sts". This endpoint belongs to "s3".',
    });
    expect(catchError(() => checkScopeService(claim('query', 'us-east-1', 'dynamodb'), 's3'))).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      status: 400,
      message: 'Error parsing the X-Amz-Credential parameter; incorrect service "dynamodb". This endpoint belongs to "s3".',
    });
  });
});

describe('checkScopeRegion', () => {
  it('takes the expected region and the ones also accepted', () => {
    expect(() => checkScopeRegion(claim('header', 'eu-west-1', 's3'), 'eu-west-1')).not.toThrow();
    expect(() => checkScopeRegion(claim('query', 'us-east-1', 's3'), 'eu-west-1', ['us-east-1'])).not.toThrow();
  });

  it('refuses another region naming the expected one, in the message and in <Region>', () => {
    expect(catchError(() => checkScopeRegion(claim('header', 'us-east-1', 's3'), 'eu-west-1'))).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      extra: { Region: 'eu-west-1' },
    });
    expect(catchError(() => checkScopeRegion(claim('query', 'ap-south-1', 's3'), 'eu-west-1', ['us-east-1']))).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      message: "Error parsing the X-Amz-Credential parameter; the region 'ap-south-1' is wrong; expecting 'eu-west-1'",
      extra: { Region: 'eu-west-1' },
    });
  });
});
