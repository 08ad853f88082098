import { describe, expect, it } from 'vitest';
import { forwardedHeaders, returnedHeaders, withoutAwsChunked } from '../../../shared/proxy/headers';

describe('headers towards S3', () => {
  it('keeps what S3 semantics need and drops the client’s signing and hop-by-hop headers', () => {
    const forwarded = forwardedHeaders({
      authorization: 'AWS4-HMAC-SHA256 Credential=…',
      'x-amz-date': '20250601T120000Z',
      'x-amz-security-token': 't',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '5',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-copy-source': '/v/k',
      'x-amz-meta-sample': 'S1',
      'x-amz-checksum-crc32': 'AAAAAA==',
      'x-amz-server-side-encryption': 'AES256',
      range: 'bytes=0-9',
      'if-none-match': '"e"',
      'if-modified-since': 'Sun, 01 Jun 2025 12:00:00 GMT',
      'content-type': 'text/plain',
      'content-md5': 'x',
      'content-length': '99',
      'content-encoding': 'aws-chunked,gzip',
      'cache-control': 'no-cache',
      'content-disposition': 'attachment',
      'content-language': 'en',
      expires: 'never',
      host: 'proxy',
      expect: '100-continue',
      'user-agent': 'aws-cli',
      connection: 'keep-alive',
      'amz-sdk-invocation-id': 'i',
      'x-forwarded-for': '1.2.3.4',
    });
    expect(forwarded).toEqual({
      'x-amz-meta-sample': 'S1',
      'x-amz-checksum-crc32': 'AAAAAA==',
      'x-amz-server-side-encryption': 'AES256',
      range: 'bytes=0-9',
      'if-none-match': '"e"',
      'if-modified-since': 'Sun, 01 Jun 2025 12:00:00 GMT',
      'content-type': 'text/plain',
      'content-md5': 'x',
      'content-length': '99',
      'content-encoding': 'gzip',
      'cache-control': 'no-cache',
      'content-disposition': 'attachment',
      'content-language': 'en',
      expires: 'never',
    });
  });

  it('takes aws-chunked out of content-encoding, dropping the header when nothing is left', () => {
    expect(withoutAwsChunked('aws-chunked')).toBeUndefined();
    expect(withoutAwsChunked('gzip, aws-chunked')).toBe('gzip');
    expect(forwardedHeaders({ 'content-encoding': 'AWS-CHUNKED' })).toEqual({});
  });
});

describe('headers back to the client', () => {
  it('drops x-amz-bucket-region (it broke Nextflow) and what names the bucket, keeps S3 semantics, and says our request id', () => {
    const returned = returnedHeaders(
      {
        'x-amz-bucket-region': 'eu-central-1',
        'x-amz-request-id': 'S3-ID',
        'x-amz-id-2': 'host-id',
        location: 'https://lab-genomes.s3.amazonaws.com/runs/2025/x',
        server: 'AmazonS3',
        'transfer-encoding': 'chunked',
        connection: 'close',
        etag: '"abc"',
        'content-length': '0',
        'content-range': 'bytes 0-9/100',
        'accept-ranges': 'bytes',
        'last-modified': 'Sun, 01 Jun 2025 12:00:00 GMT',
        'x-amz-checksum-crc32': 'AAAAAA==',
        'x-amz-version-id': 'v1',
        'x-amz-meta-sample': 'S1',
        'content-type': 'application/octet-stream',
      },
      'OURS',
    );
    expect(returned).toEqual({
      etag: '"abc"',
      'content-length': '0',
      'content-range': 'bytes 0-9/100',
      'accept-ranges': 'bytes',
      'last-modified': 'Sun, 01 Jun 2025 12:00:00 GMT',
      'x-amz-checksum-crc32': 'AAAAAA==',
      'x-amz-version-id': 'v1',
      'x-amz-meta-sample': 'S1',
      'content-type': 'application/octet-stream',
      'x-amz-request-id': 'OURS',
    });
  });
});
