/**
 * The worked examples of the S3 API reference ("Signature Calculations for the Authorization Header",
 * "Query String Authentication", "Transferring Payload in Multiple Chunks", "Including Trailing Headers"):
 * their requests as a server receives them, and their published signatures.
 */
import { describe, expect, it } from 'vitest';
import {
  type AwsChunkedDecoder,
  bodyVerifier,
  canonicalRequest,
  EMPTY_SHA256,
  parseSigV4,
  type SigV4Request,
  sha256Hex,
  verifySigV4,
} from '../../../shared/sigv4';
import { catchError, runThrough } from './helpers';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIGNED_AT = new Date('2013-05-24T00:00:00Z');
const HOST = 'examplebucket.s3.amazonaws.com';

function authorization(signedHeaders: string, signature: string): string {
  return (
    `AWS4-HMAC-SHA256 ` +
    `Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`
  );
}

function verified(req: SigV4Request, now = SIGNED_AT) {
  const parsed = parseSigV4(req)!;
  verifySigV4(req, parsed, SECRET, { now });
  return { parsed, canonicalHash: sha256Hex(canonicalRequest(req, parsed, parsed.payloadHash!)) };
}

const emptyGet = { host: HOST, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': '20130524T000000Z' };

describe('the S3 documentation examples', () => {
  it('GET object with a Range header verifies, with the published canonical request', () => {
    const req: SigV4Request = {
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery: '',
      headers: {
        ...emptyGet,
        range: 'bytes=0-9',
        authorization: authorization(
          'host;range;x-amz-content-sha256;x-amz-date',
          'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
        ),
      },
    };
    expect(verified(req).canonicalHash).toBe('7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
  });

  const put = (rawPath: string): SigV4Request => ({
    method: 'PUT',
    rawPath,
    rawQuery: '',
    headers: {
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      host: HOST,
      'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization: authorization(
        'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
        '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
      ),
    },
  });

  it('PUT object of a key with `$` verifies whether the client encoded the `$` or not', () => {
    expect(verified(put('/test%24file.text')).canonicalHash).toBe('9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d');
    expect(verified(put('/test$file.text')).canonicalHash).toBe('9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d');
  });

  it('PUT object: the body "Welcome to Amazon S3." passes the payload hash check, another body does not', async () => {
    const req = put('/test%24file.text');
    const parsed = verified(req).parsed;
    await expect(runThrough(bodyVerifier(req, parsed, SECRET)!, Buffer.from('Welcome to Amazon S3.'))).resolves.toEqual(
      Buffer.from('Welcome to Amazon S3.'),
    );
    await expect(runThrough(bodyVerifier(req, parsed, SECRET)!, Buffer.from('Welcome to Amazon S4.'))).rejects.toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
    });
  });

  it('GET bucket lifecycle (`?lifecycle`, a parameter without value) verifies', () => {
    const req: SigV4Request = {
      method: 'GET',
      rawPath: '/',
      rawQuery: 'lifecycle',
      headers: {
        ...emptyGet,
        authorization: authorization(
          'host;x-amz-content-sha256;x-amz-date',
          'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
        ),
      },
    };
    expect(verified(req).canonicalHash).toBe('9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca');
  });

  it('GET bucket (list objects) with max-keys and prefix verifies in either parameter order', () => {
    for (const rawQuery of ['max-keys=2&prefix=J', 'prefix=J&max-keys=2']) {
      const req: SigV4Request = {
        method: 'GET',
        rawPath: '/',
        rawQuery,
        headers: {
          ...emptyGet,
          authorization: authorization(
            'host;x-amz-content-sha256;x-amz-date',
            '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
          ),
        },
      };
      expect(verified(req).canonicalHash).toBe('df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7');
    }
  });

  describe('the presigned URL example', () => {
    const presigned: SigV4Request = {
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery:
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      headers: { host: HOST },
    };

    it('verifies as a query-form UNSIGNED-PAYLOAD request for 86400 s', () => {
      expect(verified(presigned).parsed).toMatchObject({
        form: 'query',
        payloadHash: 'UNSIGNED-PAYLOAD',
        expiresSeconds: 86400,
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      });
      expect(() => verified(presigned, new Date('2013-05-25T00:00:00Z'))).not.toThrow();
    });

    it('a second after X-Amz-Date + X-Amz-Expires it is AccessDenied "Request has expired"', () => {
      const error = catchError(() => verified(presigned, new Date('2013-05-25T00:00:01Z')));
      expect(error).toMatchObject({ code: 'AccessDenied', status: 403, extra: { Expires: '2013-05-25T00:00:00.000Z' } });
      expect(error.message).toMatch(/^Request has expired/);
    });

    it('used more than 15 minutes before X-Amz-Date it is AccessDenied "Request is not yet valid"', () => {
      expect(() => verified(presigned, new Date('2013-05-23T23:45:00Z'))).not.toThrow();
      const error = catchError(() => verified(presigned, new Date('2013-05-23T23:44:59Z')));
      expect(error).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(error.message).toMatch(/^Request is not yet valid/);
    });
  });

  const chunkedHeaders = {
    'content-encoding': 'aws-chunked',
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-decoded-content-length': '66560',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  };
  const a = (n: number) => Buffer.alloc(n, 'a');
  const text = (s: string) => Buffer.from(s, 'latin1');

  it('the chunked upload example: the seed and its three chunk signatures verify, 66560 bytes come out', async () => {
    const req: SigV4Request = {
      method: 'PUT',
      rawPath: '/examplebucket/chunkObject.txt',
      rawQuery: '',
      headers: {
        ...chunkedHeaders,
        'content-length': '66824',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        authorization: authorization(
          'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
          '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        ),
      },
    };
    const body = Buffer.concat([
      text('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
      a(65536),
      text('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
      a(1024),
      text('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
    ]);
    expect(body.length).toBe(66824);
    const { parsed } = verified(req);
    await expect(runThrough(bodyVerifier(req, parsed, SECRET)!, body, 1000)).resolves.toEqual(a(66560));
  });

  it('the trailing-header example: chunk, trailer signatures and its CRC32C verify; the trailer is handed over', async () => {
    const req: SigV4Request = {
      method: 'PUT',
      rawPath: '/examplebucket/chunkObject.txt',
      rawQuery: '',
      headers: {
        ...chunkedHeaders,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32c',
        authorization: authorization(
          'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
          '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
        ),
      },
    };
    const body = Buffer.concat([
      text('10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n'),
      a(65536),
      text('\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n'),
      a(1024),
      text('\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n'),
      text('x-amz-checksum-crc32c:sOO8/Q==\r\n'),
      text('x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n'),
    ]);
    const { parsed, canonicalHash } = verified(req);
    expect(canonicalHash).toBe('44d48b8c2f70eae815a0198cc73d7a546a73a93359c070abbaa5e6c7de112559');
    const decoder = bodyVerifier(req, parsed, SECRET) as AwsChunkedDecoder;
    await expect(runThrough(decoder, body, 4096)).resolves.toEqual(a(66560));
    await expect(decoder.trailers).resolves.toEqual({ 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  });
});
