import { describe, expect, it } from 'vitest';
import { S3Refusal } from '../../../shared/proxy/errors';
import { classify } from '../../../shared/proxy/operations';

const name = (method: string, scope: 'service' | 'bucket' | 'object', params: string[] = [], copy = false) => classify(method, scope, params, copy).name;

function refusal(fn: () => unknown): S3Refusal {
  try {
    fn();
  } catch (error) {
    if (error instanceof S3Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('request classification', () => {
  it('tells every served operation apart by method, path shape, query and copy source', () => {
    expect(name('GET', 'service')).toBe('ListBuckets');
    expect(name('HEAD', 'bucket')).toBe('HeadBucket');
    expect(name('PUT', 'bucket')).toBe('CreateBucket');
    expect(name('GET', 'bucket', ['location'])).toBe('GetBucketLocation');
    expect(name('GET', 'bucket')).toBe('ListObjects');
    expect(name('GET', 'bucket', ['prefix', 'marker', 'delimiter'])).toBe('ListObjects');
    expect(name('GET', 'bucket', ['list-type', 'prefix', 'start-after', 'encoding-type'])).toBe('ListObjectsV2');
    expect(name('GET', 'bucket', ['uploads', 'key-marker'])).toBe('ListMultipartUploads');
    expect(name('POST', 'bucket', ['delete'])).toBe('DeleteObjects');
    expect(name('GET', 'object')).toBe('GetObject');
    expect(name('GET', 'object', ['partNumber', 'response-content-type'])).toBe('GetObject');
    expect(name('HEAD', 'object')).toBe('HeadObject');
    expect(name('PUT', 'object')).toBe('PutObject');
    expect(name('PUT', 'object', [], true)).toBe('CopyObject');
    expect(name('DELETE', 'object')).toBe('DeleteObject');
    expect(name('POST', 'object', ['uploads'])).toBe('CreateMultipartUpload');
    expect(name('PUT', 'object', ['partNumber', 'uploadId'])).toBe('UploadPart');
    expect(name('PUT', 'object', ['partNumber', 'uploadId'], true)).toBe('UploadPartCopy');
    expect(name('POST', 'object', ['uploadId'])).toBe('CompleteMultipartUpload');
    expect(name('DELETE', 'object', ['uploadId'])).toBe('AbortMultipartUpload');
    expect(name('GET', 'object', ['uploadId', 'max-parts'])).toBe('ListParts');
  });

  it('refuses GetBucketPolicy and the like with NotImplemented naming the operation', () => {
    const cases: Array<[string, 'bucket' | 'object', string[], string]> = [
      ['GET', 'bucket', ['policy'], 'GetBucketPolicy'],
      ['PUT', 'bucket', ['policy'], 'PutBucketPolicy'],
      ['GET', 'bucket', ['acl'], 'GetBucketAcl'],
      ['GET', 'object', ['acl'], 'GetObjectAcl'],
      ['PUT', 'object', ['tagging'], 'PutObjectTagging'],
      ['GET', 'bucket', ['versioning'], 'GetBucketVersioning'],
      ['GET', 'bucket', ['versions'], 'ListObjectVersions'],
      ['POST', 'object', ['restore'], 'RestoreObject'],
      ['GET', 'object', ['attributes'], 'GetObjectAttributes'],
    ];
    for (const [method, scope, params, operation] of cases) {
      const error = refusal(() => classify(method, scope, params, false));
      expect({ operation, status: error.status, code: error.s3Code }).toEqual({ operation, status: 501, code: 'NotImplemented' });
      expect(error.message).toContain(operation);
    }
  });

  it('refuses bucket deletion, and methods S3 has no object operation for', () => {
    for (const [method, scope] of [['DELETE', 'bucket'], ['PATCH', 'object'], ['OPTIONS', 'object'], ['PUT', 'service']] as const) {
      expect(refusal(() => classify(method, scope, [], false)).s3Code).toBe('NotImplemented');
    }
  });

  it('never forwards a parameter the operation does not take', () => {
    expect(refusal(() => classify('GET', 'object', ['unknown-thing'], false)).message).toMatch(/unknown-thing/);
    expect(refusal(() => classify('PUT', 'object', ['partNumber'], false)).s3Code).toBe('NotImplemented');
    expect(refusal(() => classify('HEAD', 'bucket', ['location'], false)).s3Code).toBe('NotImplemented');
  });
});
