import { afterEach, describe, expect, it } from 'vitest';
import { S3Refusal } from '../../../shared/proxy/errors';
import { checkResponseOverrides, classify } from '../../../shared/proxy/operations';
import { bodyText, type ProxyWorld, proxyWorld } from './world';

const name = (method: string, scope: 'service' | 'bucket' | 'object', params: string[] = [], copy = false) =>
  classify(method, scope, params, copy).name;

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

  it('serves object tagging: Get (read), Put with its body streamed and Delete (write), with or without versionId', () => {
    expect(classify('GET', 'object', ['tagging'], false)).toMatchObject({ name: 'GetObjectTagging', access: 'read', body: 'none' });
    expect(classify('PUT', 'object', ['tagging'], false)).toMatchObject({ name: 'PutObjectTagging', access: 'write', body: 'stream' });
    expect(classify('DELETE', 'object', ['tagging'], false)).toMatchObject({ name: 'DeleteObjectTagging', access: 'write', body: 'none' });
    expect(name('GET', 'object', ['tagging', 'versionId'])).toBe('GetObjectTagging');
    // A copy source does not make a tagging request a copy (the header is never forwarded).
    expect(name('PUT', 'object', ['tagging'], true)).toBe('PutObjectTagging');
    expect(refusal(() => classify('GET', 'bucket', ['tagging'], false)).message).toContain('GetBucketTagging');
    expect(refusal(() => classify('PUT', 'object', ['tagging', 'uploadId'], false)).s3Code).toBe('NotImplemented');
    expect(refusal(() => classify('POST', 'object', ['tagging'], false)).s3Code).toBe('NotImplemented');
  });

  it('refuses GetBucketPolicy and the like with NotImplemented naming the operation', () => {
    const cases: Array<[string, 'bucket' | 'object', string[], string]> = [
      ['GET', 'bucket', ['policy'], 'GetBucketPolicy'],
      ['PUT', 'bucket', ['policy'], 'PutBucketPolicy'],
      ['GET', 'bucket', ['acl'], 'GetBucketAcl'],
      ['GET', 'object', ['acl'], 'GetObjectAcl'],
      ['PUT', 'bucket', ['tagging'], 'PutBucketTagging'],
      ['GET', 'object', ['retention'], 'GetObjectRetention'],
      ['PUT', 'object', ['retention'], 'PutObjectRetention'],
      ['GET', 'object', ['legal-hold'], 'GetObjectLegalHold'],
      ['PUT', 'object', ['legal-hold'], 'PutObjectLegalHold'],
      ['GET', 'object', ['torrent'], 'GetObjectTorrent'],
      ['GET', 'bucket', ['versioning'], 'GetBucketVersioning'],
      ['GET', 'bucket', ['versions'], 'ListObjectVersions'],
      ['POST', 'object', ['restore'], 'RestoreObject'],
      ['GET', 'object', ['attributes'], 'GetObjectAttributes'],
      // s3cmd info, rclone and the aws cli ask for these too.
      ['GET', 'bucket', ['requestPayment'], 'GetBucketRequestPayment'],
      ['GET', 'bucket', ['ownershipControls'], 'GetBucketOwnershipControls'],
      ['GET', 'bucket', ['object-lock'], 'GetObjectLockConfiguration'],
      ['GET', 'bucket', ['publicAccessBlock'], 'GetPublicAccessBlock'],
      ['DELETE', 'bucket', [], 'DeleteBucket'],
      ['POST', 'bucket', [], 'PostObject'],
    ];
    for (const [method, scope, params, operation] of cases) {
      const error = refusal(() => classify(method, scope, params, false));
      expect({ operation, status: error.status, code: error.s3Code }).toEqual({ operation, status: 501, code: 'NotImplemented' });
      expect(error.message).toContain(operation);
    }
  });

  it('refuses bucket deletion, and methods S3 has no object operation for', () => {
    for (const [method, scope] of [
      ['DELETE', 'bucket'],
      ['PATCH', 'object'],
      ['OPTIONS', 'object'],
      ['PUT', 'service'],
    ] as const) {
      expect(refusal(() => classify(method, scope, [], false)).s3Code).toBe('NotImplemented');
    }
  });

  it('never forwards a parameter the operation does not take', () => {
    expect(refusal(() => classify('GET', 'object', ['unknown-thing'], false)).message).toMatch(/unknown-thing/);
    expect(refusal(() => classify('PUT', 'object', ['partNumber'], false)).s3Code).toBe('NotImplemented');
    expect(refusal(() => classify('HEAD', 'bucket', ['location'], false)).s3Code).toBe('NotImplemented');
  });
});

describe('response-* overrides no header can carry', () => {
  it.each([
    ['response-content-type', 'text/plain\r\nX-Injected: 1'],
    ['response-content-disposition', 'attachment\nfilename=a'],
    ['response-cache-control', 'no-cache\u0000'],
    ['response-content-language', 'fr\u007f'],
    ['response-expires', 'Thu, 01 Jan 2031 \u2013'],
    ['response-content-encoding', '日本'],
  ])('%s = %j is 400 InvalidArgument naming the parameter', (param, value) => {
    const error = refusal(() =>
      checkResponseOverrides([
        ['partNumber', '1'],
        [param, value],
      ]),
    );
    expect(error).toMatchObject({ status: 400, s3Code: 'InvalidArgument', extra: { ArgumentName: param } });
  });

  it('Latin-1 text, tabs included, passes; other parameters are not looked at', () => {
    expect(() =>
      checkResponseOverrides([
        ['response-content-disposition', 'attachment; filename="café\t.txt"'],
        ['prefix', 'a\nb'],
      ]),
    ).not.toThrow();
  });

  describe('through the proxy', () => {
    let w: ProxyWorld | undefined;
    afterEach(() => w?.cleanup());

    it('are refused before anything is forwarded; a good override still reaches S3', async () => {
      w = await proxyWorld();
      await w.send({ method: 'PUT', path: '/shared-genomes/o.txt', body: 'o' });
      const refused = await w.send({ path: '/shared-genomes/o.txt', query: { 'response-content-type': 'text/plain\r\nSet-Cookie: a=b' } });
      expect(refused.status).toBe(400);
      expect(await bodyText(refused)).toContain('<Code>InvalidArgument</Code>');
      expect(w.sent).toHaveLength(1);
      const served = await w.send({ path: '/shared-genomes/o.txt', query: { 'response-content-type': 'text/csv' } });
      expect(served.headers['content-type']).toBe('text/csv');
    });
  });
});
