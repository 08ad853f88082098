/**
 * Round trips: requests signed by @smithy/signature-v4 (the SDK's own signer, an independent implementation)
 * verify here, and any change to what was signed does not.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { clearSigningKeyCache, parseSigV4, type SigV4Request, sha256Hex, signingKey, verifySigV4 } from '../../../shared/sigv4';
import { catchError, encode, received } from './helpers';

const CREDENTIALS = { accessKeyId: 'AKIAROUNDTRIP0000001', secretAccessKey: 'k3y/with+plus=and/slash0123456789abcdefg' };
const SIGNED_AT = new Date('2026-03-04T05:06:07Z');
const HOST = 's3.eu-west-1.amazonaws.com';

const keyPath = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(encode).join('/')}`;

function signer(service = 's3', credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = CREDENTIALS) {
  const s3 = service === 's3';
  return new SignatureV4({ service, region: 'eu-west-1', credentials, sha256: Sha256, uriEscapePath: !s3, applyChecksum: s3 });
}

function request(path: string, query: Record<string, string> = {}, extra: Partial<HttpRequest> = {}): HttpRequest {
  return new HttpRequest({ method: 'GET', protocol: 'https:', hostname: HOST, path, query, headers: { host: HOST }, ...extra });
}

async function signHeader(req: HttpRequest, service = 's3', credentials = CREDENTIALS): Promise<SigV4Request> {
  return received(await signer(service, credentials).sign(req, { signingDate: SIGNED_AT }));
}

/** As @aws-sdk/s3-request-presigner does it: the payload is UNSIGNED-PAYLOAD, said in the query. */
async function presign(req: HttpRequest, expiresIn = 3600, credentials = CREDENTIALS): Promise<SigV4Request> {
  req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return received(await signer('s3', credentials).presign(req, { signingDate: SIGNED_AT, expiresIn }));
}

function verify(req: SigV4Request, options: { now?: Date; secret?: string; payloadHash?: string; maxSkewSeconds?: number } = {}) {
  const parsed = parseSigV4(req);
  if (!parsed) throw new Error('not recognised as SigV4');
  verifySigV4(req, parsed, options.secret ?? CREDENTIALS.secretAccessKey, { now: options.now ?? SIGNED_AT, ...options });
  return parsed;
}

const AWKWARD_KEYS = [
  'plain.txt',
  'with space.txt',
  'a+b=c&d.txt',
  '100%.txt',
  '%2F-literal-percent-two-F',
  'ünïcødé/日本語/🚀.bin',
  'double//slash',
  '/leading-slash',
  'trailing-slash/',
  'dots/./and/../kept',
  "sub-delims!$'()*,;:@",
  'tilde~under_score-dash.dot',
  'question?hash#',
];

describe('round trips with @smithy/signature-v4', () => {
  it.each(AWKWARD_KEYS)('an S3 GET of the key %j verifies, path unnormalised', async (key) => {
    const req = await signHeader(request(keyPath('bucket', key), {}, { headers: { host: HOST, range: 'bytes=0-9' } }));
    expect(verify(req)).toMatchObject({ form: 'header', service: 's3', region: 'eu-west-1', accessKeyId: CREDENTIALS.accessKeyId });
  });

  it.each(AWKWARD_KEYS)('a presigned S3 URL for the key %j verifies', async (key) => {
    const req = await presign(request(keyPath('bucket', key)));
    expect(verify(req)).toMatchObject({ form: 'query', expiresSeconds: 3600, payloadHash: 'UNSIGNED-PAYLOAD' });
  });

  it('a list request whose prefix and continuation token hold reserved characters verifies', async () => {
    const query = { 'list-type': '2', prefix: 'a b/c+d=e&f%g/ü', 'continuation-token': '1ZxL+/9w==', delimiter: '/', 'max-keys': '1000' };
    await expect(signHeader(request('/bucket', query)).then((req) => verify(req))).resolves.toBeTruthy();
  });

  it('session tokens are read from x-amz-security-token (header) and X-Amz-Security-Token (query)', async () => {
    const withToken = { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE+token/with=chars' };
    expect(verify(await signHeader(request('/bucket/key'), 's3', withToken)).sessionToken).toBe(withToken.sessionToken);
    expect(verify(await presign(request('/bucket/key'), 900, withToken)).sessionToken).toBe(withToken.sessionToken);
  });

  it('a non-S3 request signs the normalised, double-encoded path', async () => {
    const req = await signHeader(request('/prod/items/./a%20b/../c//%C3%BC', { q: 'x y' }), 'execute-api');
    expect(verify(req, { payloadHash: sha256Hex('') }).service).toBe('execute-api');
  });

  it('a non-S3 POST without x-amz-content-sha256 verifies against the hash of its body', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const req = await signHeader(
      request(
        '/',
        {},
        {
          method: 'POST',
          headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body,
        },
      ),
      'sts',
    );
    expect(verify(req, { payloadHash: sha256Hex(body) }).payloadHash).toBeUndefined();
    expect(catchError(() => verify(req, { payloadHash: sha256Hex(`${body}&x=1`) })).code).toBe('SignatureDoesNotMatch');
  });

  it('a header added after signing, and not signed, does not matter', async () => {
    const req = await signHeader(request('/bucket/key'));
    req.headers['user-agent'] = 'changed-by-a-proxy';
    expect(() => verify(req)).not.toThrow();
  });
});

describe('what fails verification', () => {
  const signedGet = () =>
    signHeader(request(keyPath('bucket', 'dir/file.txt'), { versionId: 'v1' }, { headers: { host: HOST, range: 'bytes=0-9' } }));

  it.each([
    ['one byte of the secret', (req: SigV4Request) => verify(req, { secret: CREDENTIALS.secretAccessKey.replace(/^k/, 'K') })],
    ['the method', (req: SigV4Request) => verify({ ...req, method: 'DELETE' })],
    ['the path', (req: SigV4Request) => verify({ ...req, rawPath: req.rawPath.replace('file', 'File') })],
    [
      'an encoded path that decodes to another key',
      (req: SigV4Request) => verify({ ...req, rawPath: req.rawPath.replace('/file', '%2Ffile') }),
    ],
    ['a query value', (req: SigV4Request) => verify({ ...req, rawQuery: req.rawQuery.replace('v1', 'v2') })],
    ['an added query parameter', (req: SigV4Request) => verify({ ...req, rawQuery: `${req.rawQuery}&acl` })],
    ['a signed header', (req: SigV4Request) => verify({ ...req, headers: { ...req.headers, range: 'bytes=0-99' } })],
    ['a signed header removed', (req: SigV4Request) => verify({ ...req, headers: { ...req.headers, range: '' } })],
    ['x-amz-date, by a second', (req: SigV4Request) => verify({ ...req, headers: { ...req.headers, 'x-amz-date': '20260304T050608Z' } })],
    [
      'the region of the scope',
      (req: SigV4Request) =>
        verify({ ...req, headers: { ...req.headers, authorization: req.headers.authorization!.replace('/eu-west-1/', '/eu-west-2/') } }),
    ],
  ])('changing %s gives SignatureDoesNotMatch (403)', async (_what, tamper) => {
    const req = await signedGet();
    expect(() => verify(req)).not.toThrow();
    const error = catchError(() => tamper(req));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(error.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
    expect(error.extra.CanonicalRequest).toContain('\n');
  });

  it('changing the signing day gives AuthorizationHeaderMalformed: the scope no longer matches X-Amz-Date', async () => {
    const req = await signedGet();
    const error = catchError(() => verify({ ...req, headers: { ...req.headers, 'x-amz-date': '20260305T050607Z' } }));
    expect(error).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
  });

  it('a presigned URL with one parameter changed gives SignatureDoesNotMatch', async () => {
    const req = await presign(request('/bucket/key'));
    expect(catchError(() => verify({ ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601') })).code).toBe(
      'SignatureDoesNotMatch',
    );
    expect(catchError(() => verify({ ...req, rawPath: '/bucket/other' })).code).toBe('SignatureDoesNotMatch');
  });

  it('a presigned URL expires X-Amz-Expires seconds after X-Amz-Date', async () => {
    const req = await presign(request('/bucket/key'), 60);
    expect(() => verify(req, { now: new Date(SIGNED_AT.getTime() + 60_000) })).not.toThrow();
    const error = catchError(() => verify(req, { now: new Date(SIGNED_AT.getTime() + 61_000) }));
    expect(error).toMatchObject({ code: 'AccessDenied', status: 403, extra: { 'X-Amz-Expires': '60' } });
    expect(error.message).toMatch(/^Request has expired/);
  });

  it('a header-form request more than 15 minutes from the server clock is RequestTimeTooSkewed, either way', async () => {
    const req = await signedGet();
    const at = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);
    expect(() => verify(req, { now: at(900) })).not.toThrow();
    expect(() => verify(req, { now: at(-900) })).not.toThrow();
    for (const seconds of [901, -901]) {
      expect(catchError(() => verify(req, { now: at(seconds) }))).toMatchObject({
        code: 'RequestTimeTooSkewed',
        status: 403,
        extra: { RequestTime: '20260304T050607Z', MaxAllowedSkewMilliseconds: '900000' },
      });
    }
    expect(catchError(() => verify(req, { now: at(61), maxSkewSeconds: 60 })).code).toBe('RequestTimeTooSkewed');
  });

  it('a time check failure is reported even when the signature is also wrong, so clients fix their clock first', async () => {
    const req = await signedGet();
    expect(catchError(() => verify(req, { now: new Date(SIGNED_AT.getTime() + 3_600_000), secret: 'wrong' })).code).toBe(
      'RequestTimeTooSkewed',
    );
  });
});

describe('signingKey', () => {
  it('derives the key of the AWS documentation example (20120215/us-east-1/iam)', () => {
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('reuses a derived key, distinguishes secrets, and forgets the least recently used past 64 entries', () => {
    clearSigningKeyCache();
    const first = signingKey('secret-a', '20260304', 'eu-west-1', 's3');
    expect(signingKey('secret-a', '20260304', 'eu-west-1', 's3')).toBe(first);
    expect(signingKey('secret-b', '20260304', 'eu-west-1', 's3').equals(first)).toBe(false);
    for (let i = 0; i < 64; i++) signingKey(`filler-${i}`, '20260304', 'eu-west-1', 's3');
    const again = signingKey('secret-a', '20260304', 'eu-west-1', 's3');
    expect(again).not.toBe(first);
    expect(again.equals(first)).toBe(true);
  });
});
