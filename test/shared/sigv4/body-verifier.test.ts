import { Transform } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, bodyVerifier, EMPTY_SHA256, parseSigV4, type SigV4Request, sha256Hex } from '../../../shared/sigv4';
import { catchError, encodeAwsChunked, runThrough } from './helpers';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A PUT whose claim signs `host` and every `x-amz-*` header it carries (as S3 requires). */
function s3Put(payloadHash: string, headers: Record<string, string> = {}): SigV4Request {
  const amz = { 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': payloadHash, ...headers };
  const signed = ['host', ...Object.keys(amz)].sort().join(';');
  return {
    method: 'PUT',
    rawPath: '/bucket/key',
    rawQuery: '',
    headers: {
      host: 'localhost',
      ...amz,
      authorization:
        `AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=${signed}, ` + `Signature=${'a'.repeat(64)}`,
    },
  };
}

describe('bodyVerifier', () => {
  it('checks a body against a hex x-amz-content-sha256', async () => {
    const req = s3Put(sha256Hex('hello'));
    await expect(runThrough(bodyVerifier(req, parseSigV4(req), SECRET)!, Buffer.from('hello'), 2)).resolves.toEqual(Buffer.from('hello'));
    const error = await runThrough(bodyVerifier(req, parseSigV4(req), SECRET)!, Buffer.from('hellO')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
      extra: { ClientComputedContentSHA256: sha256Hex('hello'), S3ComputedContentSHA256: sha256Hex('hellO') },
    });
  });

  it('has nothing to check for UNSIGNED-PAYLOAD', () => {
    const req = s3Put('UNSIGNED-PAYLOAD');
    expect(bodyVerifier(req, parseSigV4(req), SECRET)).toBeUndefined();
  });

  it('decodes aws-chunked bodies, reading x-amz-decoded-content-length and x-amz-trailer', async () => {
    const req = s3Put('STREAMING-UNSIGNED-PAYLOAD-TRAILER', {
      'x-amz-decoded-content-length': '5',
      'x-amz-trailer': 'x-amz-checksum-sha256',
    });
    const verifier = bodyVerifier(req, parseSigV4(req), SECRET);
    expect(verifier).toBeInstanceOf(AwsChunkedDecoder);
    const body = encodeAwsChunked({
      chunks: [Buffer.from('hello')],
      trailers: [['x-amz-checksum-sha256', Buffer.from(sha256Hex('hello'), 'hex').toString('base64')]],
    });
    await expect(runThrough(verifier as Transform, body)).resolves.toEqual(Buffer.from('hello'));
  });

  it('an anonymous request may still send an unsigned aws-chunked body or a body hash', async () => {
    const anonymous = {
      method: 'PUT',
      rawPath: '/b/k',
      rawQuery: '',
      headers: { host: 'h', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' },
    };
    expect(bodyVerifier(anonymous, null)).toBeInstanceOf(AwsChunkedDecoder);
    expect(bodyVerifier({ ...anonymous, headers: { host: 'h', 'x-amz-content-sha256': EMPTY_SHA256 } }, null)).toBeInstanceOf(Transform);
    const signedMode = { ...anonymous, headers: { host: 'h', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } };
    expect(catchError(() => bodyVerifier(signedMode, null)).code).toBe('InvalidRequest');
  });

  it('refuses a trailer that is not a checksum, and a decoded length that is not a number', () => {
    const trailer = s3Put('STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-trailer': 'x-amz-meta-foo' });
    expect(catchError(() => bodyVerifier(trailer, parseSigV4(trailer), SECRET))).toMatchObject({
      code: 'InvalidRequest',
      message: expect.stringMatching(/x-amz-trailer/),
    });
    const length = s3Put('STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-decoded-content-length': '12abc' });
    expect(catchError(() => bodyVerifier(length, parseSigV4(length), SECRET)).code).toBe('InvalidArgument');
  });
});
