import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucket, errorCode, type Harness, harness, OTHER_ACCOUNT, putObject, textOf, userCaller, type Xml, xmlOf } from './helpers';

describe('buckets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ region: 'eu-west-1', now: () => new Date('2030-05-06T07:08:09.000Z') });
  });
  afterEach(() => h.cleanup());

  it('creates, lists, heads and deletes a bucket', async () => {
    const created = await h.send({ method: 'PUT', path: '/my-bucket.data' });
    expect(created.status).toBe(200);
    expect(created.headers!.location).toBe('/my-bucket.data');
    const listing = (await xmlOf(await h.send({ path: '/' }))).ListAllMyBucketsResult;
    expect(listing.Buckets.Bucket).toEqual([
      { Name: 'my-bucket.data', CreationDate: '2030-05-06T07:08:09.000Z', BucketRegion: 'eu-west-1' },
    ]);
    expect(listing.Owner.ID).toMatch(/^[0-9a-f]{64}$/);
    const head = await h.send({ method: 'HEAD', path: '/my-bucket.data' });
    expect(head.status).toBe(200);
    expect(head.headers!['x-amz-bucket-region']).toBe('eu-west-1');
    expect((await h.send({ method: 'DELETE', path: '/my-bucket.data' })).status).toBe(204);
    expect((await h.send({ method: 'HEAD', path: '/my-bucket.data' })).status).toBe(404);
    expect(await errorCode(await h.send({ path: '/my-bucket.data' }))).toBe('NoSuchBucket');
  });

  it('lists only the caller’s account’s buckets, by name, with prefix and pagination', async () => {
    for (const name of ['charlie', 'alpha', 'bravo', 'alpha-2']) await createBucket(h, name);
    await createBucket(h, 'theirs', userCaller(OTHER_ACCOUNT, 'bob'));
    const names = (xml: Xml) => xml.ListAllMyBucketsResult.Buckets.Bucket.map((b: Xml) => b.Name);
    expect(names(await xmlOf(await h.send({ path: '/' })))).toEqual(['alpha', 'alpha-2', 'bravo', 'charlie']);
    expect(names(await xmlOf(await h.send({ path: '/', query: 'prefix=alpha' })))).toEqual(['alpha', 'alpha-2']);
    const first = (await xmlOf(await h.send({ path: '/', query: 'max-buckets=3' }))).ListAllMyBucketsResult;
    expect(first.Buckets.Bucket.map((b: Xml) => b.Name)).toEqual(['alpha', 'alpha-2', 'bravo']);
    const rest = await xmlOf(await h.send({ path: '/', query: `max-buckets=3&continuation-token=${first.ContinuationToken}` }));
    expect(names(rest)).toEqual(['charlie']);
  });

  it('enforces S3 bucket naming rules with InvalidBucketName', async () => {
    for (const name of [
      'ab',
      'a'.repeat(64),
      'UpperCase',
      'under_score',
      '-start',
      'end-',
      'double..dot',
      '192.168.1.1',
      'xn--punycode',
      'sthree-x',
      'name-s3alias',
      'x--ol-s3',
    ]) {
      const response = await h.send({ method: 'PUT', path: `/${name}` });
      expect(response.status, name).toBe(400);
      expect(await errorCode(response), name).toBe('InvalidBucketName');
    }
    for (const name of ['abc', 'a'.repeat(63), 'my.bucket-1', '1bucket'])
      expect((await h.send({ method: 'PUT', path: `/${name}` })).status, name).toBe(200);
  });

  it('answers BucketAlreadyOwnedByYou for your own bucket and BucketAlreadyExists for another account’s', async () => {
    await createBucket(h, 'taken');
    const again = await h.send({ method: 'PUT', path: '/taken' });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('BucketAlreadyOwnedByYou');
    const other = await h.send({ method: 'PUT', path: '/taken', caller: userCaller(OTHER_ACCOUNT, 'bob') });
    expect(other.status).toBe(409);
    expect(await errorCode(other)).toBe('BucketAlreadyExists');
  });

  it('keeps S3’s us-east-1 legacy: re-creating your own us-east-1 bucket succeeds', async () => {
    const east = await harness({ region: 'us-east-1' });
    try {
      await createBucket(east, 'legacy');
      expect((await east.send({ method: 'PUT', path: '/legacy' })).status).toBe(200);
      expect((await east.send({ method: 'PUT', path: '/legacy', caller: userCaller(OTHER_ACCOUNT, 'bob') })).status).toBe(409);
    } finally {
      await east.cleanup();
    }
  });

  it('takes the region from a LocationConstraint and reports it from GetBucketLocation', async () => {
    const body =
      '<CreateBucketConfiguration ' +
      'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>ap-southeast-2</LocationConstraint></CreateBucketConfiguration>';
    expect((await h.send({ method: 'PUT', path: '/sydney', body })).status).toBe(200);
    const location = await h.send({ path: '/sydney', query: 'location' });
    expect(await textOf(location)).toContain('>ap-southeast-2</LocationConstraint>');
    expect((await xmlOf(location)).LocationConstraint['#text']).toBe('ap-southeast-2');
    const bad = await h.send({ method: 'PUT', path: '/nowhere', body: body.replace('ap-southeast-2', 'mars-1') });
    expect(await errorCode(bad)).toBe('InvalidLocationConstraint');
    expect(await errorCode(await h.send({ method: 'PUT', path: '/broken', body: '<CreateBucketConfiguration>' }))).toBe('MalformedXML');
  });

  it('reports us-east-1 as an empty LocationConstraint', async () => {
    const body = '<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>';
    await h.send({ method: 'PUT', path: '/virginia', body });
    expect(await textOf(await h.send({ path: '/virginia', query: 'location' }))).toMatch(
      /<LocationConstraint xmlns="[^"]+"><\/LocationConstraint>$/,
    );
  });

  it('refuses to delete a bucket that holds objects, with BucketNotEmpty', async () => {
    await createBucket(h, 'full');
    await putObject(h, 'full', 'k', 'v');
    const response = await h.send({ method: 'DELETE', path: '/full' });
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('BucketNotEmpty');
    await h.send({ method: 'DELETE', path: '/full/k' });
    expect((await h.send({ method: 'DELETE', path: '/full' })).status).toBe(204);
  });

  it('deletes a bucket with a pending multipart upload, and a re-created bucket starts empty', async () => {
    await createBucket(h, 'pending');
    await h.send({ method: 'POST', path: '/pending/k', query: 'uploads' });
    expect((await h.send({ method: 'DELETE', path: '/pending' })).status).toBe(204);
    await createBucket(h, 'pending');
    const uploads = (await xmlOf(await h.send({ path: '/pending', query: 'uploads' }))).ListMultipartUploadsResult;
    expect(uploads.Upload).toBeUndefined();
  });
});

describe('operations this endpoint does not implement', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'bkt');
    await putObject(h, 'bkt', 'k', 'v');
  });
  afterEach(() => h.cleanup());

  it('answers 501 NotImplemented naming the operation', async () => {
    const cases: [string, string, string, string][] = [
      ['PUT', '/bkt', 'versioning', 'PutBucketVersioning'],
      ['PUT', '/bkt', 'tagging', 'PutBucketTagging'],
      ['GET', '/bkt', 'acl', 'GetBucketAcl'],
      ['PUT', '/bkt', 'lifecycle', 'PutBucketLifecycleConfiguration'],
      ['GET', '/bkt', 'policy', 'GetBucketPolicy'],
      ['GET', '/bkt', 'versions', 'ListObjectVersions'],
      ['GET', '/bkt/k', 'retention', 'GetObjectRetention'],
      ['PUT', '/bkt/k', 'legal-hold', 'PutObjectLegalHold'],
      ['PUT', '/bkt/k', 'acl', 'PutObjectAcl'],
      ['POST', '/bkt/k', 'select&select-type=2', 'SelectObjectContent'],
      ['GET', '/bkt/k', 'attributes', 'GetObjectAttributes'],
      ['GET', '/bkt/k', 'versionId=3HL4kqtJlcpXroDTDmJ', 'GetObject with versionId'],
      ['POST', '/bkt', '', 'PostObject'],
    ];
    for (const [method, path, query, operation] of cases) {
      const response = await h.send({ method, path, query });
      expect(response.status, operation).toBe(501);
      const xml = await xmlOf(response);
      expect(xml.Error.Code).toBe('NotImplemented');
      expect(xml.Error.Message).toContain(operation);
    }
  });

  it('answers GetBucketVersioning as never versioned and GetObjectTagging with no tags (what the aws cli and rclone ask)', async () => {
    const versioning = await h.send({ path: '/bkt', query: 'versioning' });
    expect(versioning.status).toBe(200);
    expect(await textOf(versioning)).toMatch(
      /<VersioningConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><\/VersioningConfiguration>$/,
    );
    const tagging = await h.send({ path: '/bkt/k', query: 'tagging' });
    expect(tagging.status).toBe(200);
    expect(await textOf(tagging)).toContain('<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>');
    expect((await h.send({ path: '/bkt/missing', query: 'tagging' })).status).toBe(404);
  });

  it('treats versionId=null as the current version and ignores the SDK’s x-id parameter', async () => {
    expect(await textOf(await h.send({ path: '/bkt/k', query: 'versionId=null&x-id=GetObject' }))).toBe('v');
  });

  it('answers MethodNotAllowed for a method that makes no sense on the service', async () => {
    expect((await h.send({ method: 'DELETE', path: '/' })).status).toBe(405);
  });
});
