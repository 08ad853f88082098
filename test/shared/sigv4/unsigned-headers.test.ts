/**
 * Every `x-amz-*` header of an S3 request must be in SignedHeaders, presigned or header-signed, as S3 requires:
 * otherwise a presigned PUT plus an added `x-amz-copy-source` is a server-side copy nobody signed. Requests are
 * signed by @smithy/signature-v4 (the SDK's signer) and changed afterwards, as an attacker holding them would.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { parseSigV4, type SigV4Request, sha256Hex, verifySigV4 } from '../../../shared/sigv4';
import { catchError, received } from './helpers';

const CREDENTIALS = { accessKeyId: 'AKIAUNSIGNEDHEADERS1', secretAccessKey: 'unsigned/headers+secret0123456789abcdefgh' };
const SIGNED_AT = new Date('2026-03-04T05:06:07Z');
const HOST = 's3.eu-west-1.amazonaws.com';
const MESSAGE = 'There were headers present in the request which were not signed';

const signer = (service = 's3') =>
  new SignatureV4({
    service,
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
    applyChecksum: service === 's3',
  });

const put = (headers: Record<string, string> = {}) =>
  new HttpRequest({
    method: 'PUT',
    protocol: 'https:',
    hostname: HOST,
    path: '/bucket/upload.txt',
    headers: { host: HOST, ...headers },
    body: 'hello',
  });

/** As @aws-sdk/s3-request-presigner does it: UNSIGNED-PAYLOAD, hoisted into the query with any other x-amz-* header. */
async function presignedPut(headers: Record<string, string> = {}): Promise<SigV4Request> {
  return received(
    await signer().presign(put({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers }), { signingDate: SIGNED_AT, expiresIn: 3600 }),
  );
}

async function headerSignedPut(headers: Record<string, string> = {}): Promise<SigV4Request> {
  return received(await signer().sign(put({ 'x-amz-content-sha256': sha256Hex('hello'), ...headers }), { signingDate: SIGNED_AT }));
}

const withHeaders = (req: SigV4Request, headers: Record<string, string>): SigV4Request => ({
  ...req,
  headers: { ...req.headers, ...headers },
});

function verify(req: SigV4Request): void {
  const parsed = parseSigV4(req);
  if (!parsed) throw new Error('not recognised as SigV4');
  verifySigV4(req, parsed, CREDENTIALS.secretAccessKey, { now: SIGNED_AT });
}

describe('x-amz-* headers the signature does not cover', () => {
  it.each([
    ['x-amz-copy-source', 'other-bucket/secret.txt'],
    ['x-amz-acl', 'public-read'],
    ['x-amz-meta-foo', 'bar'],
  ])('a presigned PUT with %s added is AccessDenied (403), naming the header in HeadersNotSigned', async (name, value) => {
    const url = await presignedPut();
    expect(() => verify(url)).not.toThrow();
    const error = catchError(() => parseSigV4(withHeaders(url, { [name]: value })));
    expect(error).toMatchObject({ code: 'AccessDenied', status: 403, message: MESSAGE, extra: { HeadersNotSigned: name } });
  });

  it('a header-signed PUT with an x-amz-meta header added after signing is AccessDenied, and so is verifying it', async () => {
    const req = withHeaders(await headerSignedPut({ 'x-amz-meta-signed': 'yes' }), { 'x-amz-meta-extra': 'sneaked in' });
    expect(catchError(() => parseSigV4(req))).toMatchObject({ code: 'AccessDenied', extra: { HeadersNotSigned: 'x-amz-meta-extra' } });
    // The verifier checks it too, for a claim that did not come from parseSigV4.
    const claim = parseSigV4(await headerSignedPut({ 'x-amz-meta-signed': 'yes' }))!;
    expect(catchError(() => verifySigV4(req, claim, CREDENTIALS.secretAccessKey, { now: SIGNED_AT }))).toMatchObject({
      code: 'AccessDenied',
    });
  });

  it('lists every unsigned header, sorted, in one refusal', async () => {
    const req = withHeaders(await presignedPut(), { 'x-amz-meta-b': '2', 'x-amz-acl': 'private', 'x-amz-meta-a': '1' });
    expect(catchError(() => parseSigV4(req)).extra).toEqual({ HeadersNotSigned: 'x-amz-acl, x-amz-meta-a, x-amz-meta-b' });
  });

  it('signed x-amz-* headers pass: the SDK signs x-amz-user-agent, metadata, ACLs and copy sources it sends', async () => {
    const req = await headerSignedPut({
      'x-amz-user-agent': 'aws-sdk-js/3',
      'x-amz-meta-owner': 'alice',
      'x-amz-acl': 'private',
      'x-amz-copy-source': 'bucket/a.txt',
    });
    expect(req.headers.authorization).toContain('x-amz-user-agent');
    expect(() => verify(req)).not.toThrow();
  });

  it('headers outside the x-amz- prefix pass unsigned: x-amzn-trace-id, user-agent, content-type of a presigned PUT', async () => {
    const url = withHeaders(await presignedPut(), {
      'x-amzn-trace-id': 'Root=1-abc',
      'user-agent': 'curl/8',
      'content-type': 'text/plain',
    });
    expect(() => verify(url)).not.toThrow();
  });

  it(
    'a presigned URL may carry x-amz-content-sha256 unsigned: its value is the end of the canonical request, so only the signed one ' +
      'verifies',
    async () => {
      const url = await presignedPut();
      expect(() => verify(withHeaders(url, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }))).not.toThrow();
      expect(catchError(() => verify(withHeaders(url, { 'x-amz-content-sha256': sha256Hex('hello') }))).code).toBe('SignatureDoesNotMatch');
    },
  );

  it('a header-signed S3 request must sign x-amz-content-sha256 (InvalidRequest, as S3 words it)', async () => {
    const req = await headerSignedPut();
    const unsignedHash = { ...req.headers, authorization: req.headers.authorization!.replace(';x-amz-content-sha256', '') };
    expect(catchError(() => parseSigV4({ ...req, headers: unsignedHash })).code).toBe('InvalidRequest');
  });

  it('other services make no such check (the local STS and DynamoDB take their clients as AWS does)', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const sts = received(
      await signer('sts').sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'https:',
          hostname: 'sts.amazonaws.com',
          path: '/',
          headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
        { signingDate: SIGNED_AT },
      ),
    );
    const req = withHeaders(sts, { 'x-amz-extra': 'x' });
    expect(() =>
      verifySigV4(req, parseSigV4(req)!, CREDENTIALS.secretAccessKey, { now: SIGNED_AT, payloadHash: sha256Hex(body) }),
    ).not.toThrow();
  });

  it('a claim for another service with no body hash is refused with a 400, never a TypeError', async () => {
    const req = received(await signer('sts').sign(put(), { signingDate: SIGNED_AT }));
    const error = catchError(() => verifySigV4(req, parseSigV4(req)!, CREDENTIALS.secretAccessKey, { now: SIGNED_AT }));
    expect(error).toMatchObject({ code: 'InvalidRequest', status: 400 });
  });
});
