import { describe, expect, it } from 'vitest';
import { s3HeaderName, s3Headers } from '../../../shared/s3/header-names';

describe('S3 header spelling', () => {
  it('spells the standard headers S3 sends as S3 does, ETag and Content-MD5 included', () => {
    const names = [
      'etag',
      'content-length',
      'content-type',
      'last-modified',
      'accept-ranges',
      'content-range',
      'content-encoding',
      'content-disposition',
      'content-language',
      'cache-control',
      'expires',
      'date',
      'server',
      'connection',
      'location',
      'content-md5',
      'access-control-allow-origin',
      'vary',
    ];
    expect(names.map(s3HeaderName)).toEqual([
      'ETag',
      'Content-Length',
      'Content-Type',
      'Last-Modified',
      'Accept-Ranges',
      'Content-Range',
      'Content-Encoding',
      'Content-Disposition',
      'Content-Language',
      'Cache-Control',
      'Expires',
      'Date',
      'Server',
      'Connection',
      'Location',
      'Content-MD5',
      'Access-Control-Allow-Origin',
      'Vary',
    ]);
  });

  it("keeps S3's own x-amz-* names lower-case, user metadata included, whatever case they come in", () => {
    const names = [
      'x-amz-request-id',
      'X-Amz-Id-2',
      'x-amz-checksum-crc32',
      'x-amz-checksum-type',
      'x-amz-version-id',
      'x-amz-server-side-encryption',
      'x-amz-meta-Sample-ID',
    ];
    expect(names.map(s3HeaderName)).toEqual([
      'x-amz-request-id',
      'x-amz-id-2',
      'x-amz-checksum-crc32',
      'x-amz-checksum-type',
      'x-amz-version-id',
      'x-amz-server-side-encryption',
      'x-amz-meta-sample-id',
    ]);
  });

  it('spells the request id and error type of AWS JSON services as they do', () => {
    expect([s3HeaderName('x-amzn-requestid'), s3HeaderName('x-amzn-errortype')]).toEqual(['x-amzn-RequestId', 'x-amzn-ErrorType']);
  });

  it('names a header once when it was given in two spellings, with the value given last', () => {
    expect(s3Headers({ 'content-length': '1', etag: '"a"', 'Content-Length': '2', ETAG: '"b"' })).toEqual({
      'Content-Length': '2',
      ETag: '"b"',
    });
  });
});
