import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBucket,
  errorCode,
  type Harness,
  harness,
  md5Base64,
  OTHER_ACCOUNT,
  putObject,
  type RequestSpec,
  textOf,
  userCaller,
  xmlOf,
} from './helpers';

describe('authorization', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await createBucket(h, 'mine');
    await putObject(h, 'mine', 'secret.txt', 'secret');
    h.auth.reset();
  });
  afterEach(() => h.cleanup());

  it('refuses anonymous requests with AccessDenied and no effect', async () => {
    const specs: RequestSpec[] = [
      { path: '/' },
      { path: '/mine' },
      { path: '/mine/secret.txt' },
      { method: 'HEAD', path: '/mine/secret.txt' },
      { method: 'PUT', path: '/mine/new.txt', body: 'x' },
      { method: 'DELETE', path: '/mine/secret.txt' },
      { method: 'PUT', path: '/anon-bucket' },
      { path: '/nonexistent-bucket/key' },
    ];
    for (const spec of specs) {
      const response = await h.send({ ...spec, caller: null });
      expect(response.status, `${spec.method ?? 'GET'} ${spec.path}`).toBe(403);
      if (spec.method !== 'HEAD') expect(await errorCode(response)).toBe('AccessDenied');
    }
    expect(h.auth.calls).toEqual([]);
    expect(await textOf(await h.send({ path: '/mine/secret.txt' }))).toBe('secret');
    expect((await h.send({ method: 'HEAD', path: '/mine/new.txt' })).status).toBe(404);
    expect((await h.send({ method: 'HEAD', path: '/anon-bucket' })).status).toBe(404);
  });

  describe("another account's bucket", () => {
    const mallory = userCaller(OTHER_ACCOUNT, 'mallory');

    it('is AccessDenied whether or not the key exists, with identical answers', async () => {
      const existing = await h.send({ path: '/mine/secret.txt', caller: mallory });
      const missing = await h.send({ path: '/mine/no-such.txt', caller: mallory });
      expect(existing.status).toBe(403);
      expect(missing.status).toBe(403);
      const strip = (body: string) => body.replace(/<RequestId>.*<\/HostId>/, '');
      expect(strip(await textOf(existing))).toBe(strip(await textOf(missing)));
      expect((await h.send({ method: 'HEAD', path: '/mine/secret.txt', caller: mallory })).status).toBe(403);
      expect((await h.send({ method: 'HEAD', path: '/mine/no-such.txt', caller: mallory })).status).toBe(403);
    });

    it('refuses every operation before IAM is even asked, with no effect', async () => {
      const body = '<Delete><Object><Key>secret.txt</Key></Object></Delete>';
      const specs: RequestSpec[] = [
        { path: '/mine', query: 'list-type=2' },
        { path: '/mine' },
        { method: 'HEAD', path: '/mine' },
        { method: 'PUT', path: '/mine/secret.txt', body: 'overwritten' },
        { method: 'DELETE', path: '/mine/secret.txt' },
        { method: 'POST', path: '/mine', query: 'delete', body, headers: { 'content-md5': md5Base64(body) } },
        { method: 'POST', path: '/mine/up', query: 'uploads' },
        { method: 'DELETE', path: '/mine' },
        { method: 'GET', path: '/mine', query: 'cors' },
        { method: 'GET', path: '/mine', query: 'location' },
        { method: 'PUT', path: '/mine/copy', headers: { 'x-amz-copy-source': 'mine/secret.txt' } },
      ];
      for (const spec of specs) {
        const response = await h.send({ ...spec, caller: mallory });
        expect(response.status, `${spec.method ?? 'GET'} ${spec.path}?${spec.query ?? ''}`).toBe(403);
      }
      expect(h.auth.calls).toEqual([]);
      expect(await textOf(await h.send({ path: '/mine/secret.txt' }))).toBe('secret');
    });

    it('does not show up in their ListBuckets', async () => {
      const listing = await xmlOf(await h.send({ path: '/', caller: mallory }));
      expect(listing.ListAllMyBucketsResult.Buckets).toBe('');
    });
  });

  it('refuses a request whose x-amz-expected-bucket-owner is another account', async () => {
    expect((await h.send({ path: '/mine/secret.txt', headers: { 'x-amz-expected-bucket-owner': OTHER_ACCOUNT } })).status).toBe(403);
    expect((await h.send({ path: '/mine/secret.txt', headers: { 'x-amz-expected-bucket-owner': '111122223333' } })).status).toBe(200);
  });

  it('checks GetObject before looking the key up, so denied existing and missing keys look the same', async () => {
    h.auth.deny('s3:GetObject');
    const existing = await h.send({ path: '/mine/secret.txt' });
    const missing = await h.send({ path: '/mine/no-such.txt' });
    expect([existing.status, missing.status]).toEqual([403, 403]);
    expect(await errorCode(existing)).toBe('AccessDenied');
    expect(await errorCode(missing)).toBe('AccessDenied');
  });

  it('reports a missing key as NoSuchKey only to a caller who may list it there', async () => {
    expect(await errorCode(await h.send({ path: '/mine/no-such.txt' }))).toBe('NoSuchKey');
    const listCall = h.auth.calls.find((c) => c.action === 's3:ListBucket');
    expect(listCall).toEqual({ action: 's3:ListBucket', resource: 'arn:aws:s3:::mine', context: { 's3:prefix': 'no-such.txt' } });
    h.auth.deny('s3:ListBucket');
    const hidden = await h.send({ path: '/mine/no-such.txt' });
    expect(hidden.status).toBe(403);
    expect(await errorCode(hidden)).toBe('AccessDenied');
    expect((await h.send({ method: 'HEAD', path: '/mine/no-such.txt' })).status).toBe(403);
  });

  it('words AccessDenied with the action and resource for a same-account caller', async () => {
    h.auth.deny('s3:PutObject');
    const xml = await xmlOf(await h.send({ method: 'PUT', path: '/mine/x', body: 'x' }));
    expect(xml.Error.Message).toContain(
      'arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::mine/x"',
    );
  });

  it('passes the listing condition keys S3 supplies, only those the request sets', async () => {
    await h.send({ path: '/mine', query: 'list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=10' });
    expect(h.auth.calls.at(-1)).toEqual({
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::mine',
      context: { 's3:prefix': 'home/alice/', 's3:delimiter': '/', 's3:max-keys': '10' },
    });
    await h.send({ path: '/mine' });
    expect(h.auth.calls.at(-1)!.context).toEqual({});
  });

  it('lists only within a prefix a prefix-scoped policy allows', async () => {
    h.auth.rule((call) =>
      call.action === 's3:ListBucket' ? String(call.context?.['s3:prefix'] ?? '').startsWith('home/alice/') : undefined,
    );
    expect((await h.send({ path: '/mine', query: 'list-type=2&prefix=home/alice/' })).status).toBe(200);
    expect((await h.send({ path: '/mine', query: 'list-type=2&prefix=home/' })).status).toBe(403);
    expect((await h.send({ path: '/mine', query: 'list-type=2' })).status).toBe(403);
  });

  describe('asks IAM for the action and resource S3 uses', () => {
    const upload = async () =>
      (await xmlOf(await h.send({ method: 'POST', path: '/mine/mp', query: 'uploads' }))).InitiateMultipartUploadResult.UploadId as string;
    const cases: [string, () => Promise<RequestSpec>, string, string][] = [
      ['ListBuckets', async () => ({ path: '/' }), 's3:ListAllMyBuckets', 'arn:aws:s3:::*'],
      ['CreateBucket', async () => ({ method: 'PUT', path: '/brand-new' }), 's3:CreateBucket', 'arn:aws:s3:::brand-new'],
      ['DeleteBucket', async () => ({ method: 'DELETE', path: '/mine' }), 's3:DeleteBucket', 'arn:aws:s3:::mine'],
      ['HeadBucket', async () => ({ method: 'HEAD', path: '/mine' }), 's3:ListBucket', 'arn:aws:s3:::mine'],
      ['GetBucketLocation', async () => ({ path: '/mine', query: 'location' }), 's3:GetBucketLocation', 'arn:aws:s3:::mine'],
      ['GetBucketCors', async () => ({ path: '/mine', query: 'cors' }), 's3:GetBucketCORS', 'arn:aws:s3:::mine'],
      [
        'PutBucketCors',
        async () => ({ method: 'PUT', path: '/mine', query: 'cors', body: '<CORSConfiguration/>' }),
        's3:PutBucketCORS',
        'arn:aws:s3:::mine',
      ],
      ['DeleteBucketCors', async () => ({ method: 'DELETE', path: '/mine', query: 'cors' }), 's3:PutBucketCORS', 'arn:aws:s3:::mine'],
      ['GetBucketVersioning', async () => ({ path: '/mine', query: 'versioning' }), 's3:GetBucketVersioning', 'arn:aws:s3:::mine'],
      ['ListObjects', async () => ({ path: '/mine' }), 's3:ListBucket', 'arn:aws:s3:::mine'],
      ['ListObjectsV2', async () => ({ path: '/mine', query: 'list-type=2' }), 's3:ListBucket', 'arn:aws:s3:::mine'],
      ['ListMultipartUploads', async () => ({ path: '/mine', query: 'uploads' }), 's3:ListBucketMultipartUploads', 'arn:aws:s3:::mine'],
      ['GetObject', async () => ({ path: '/mine/secret.txt' }), 's3:GetObject', 'arn:aws:s3:::mine/secret.txt'],
      ['HeadObject', async () => ({ method: 'HEAD', path: '/mine/secret.txt' }), 's3:GetObject', 'arn:aws:s3:::mine/secret.txt'],
      ['PutObject', async () => ({ method: 'PUT', path: '/mine/a%20b', body: 'x' }), 's3:PutObject', 'arn:aws:s3:::mine/a b'],
      ['DeleteObject', async () => ({ method: 'DELETE', path: '/mine/secret.txt' }), 's3:DeleteObject', 'arn:aws:s3:::mine/secret.txt'],
      [
        'CopyObject',
        async () => ({ method: 'PUT', path: '/mine/c', headers: { 'x-amz-copy-source': 'mine/secret.txt' } }),
        's3:PutObject',
        'arn:aws:s3:::mine/c',
      ],
      [
        'CreateMultipartUpload',
        async () => ({ method: 'POST', path: '/mine/mp', query: 'uploads' }),
        's3:PutObject',
        'arn:aws:s3:::mine/mp',
      ],
      [
        'UploadPart',
        async () => ({ method: 'PUT', path: '/mine/mp', query: `partNumber=1&uploadId=${await upload()}`, body: 'x' }),
        's3:PutObject',
        'arn:aws:s3:::mine/mp',
      ],
      [
        'CompleteMultipartUpload',
        async () => ({ method: 'POST', path: '/mine/mp', query: `uploadId=${await upload()}`, body: '<CompleteMultipartUpload/>' }),
        's3:PutObject',
        'arn:aws:s3:::mine/mp',
      ],
      [
        'AbortMultipartUpload',
        async () => ({ method: 'DELETE', path: '/mine/mp', query: `uploadId=${await upload()}` }),
        's3:AbortMultipartUpload',
        'arn:aws:s3:::mine/mp',
      ],
      [
        'GetObjectTagging',
        async () => ({ path: '/mine/secret.txt', query: 'tagging' }),
        's3:GetObjectTagging',
        'arn:aws:s3:::mine/secret.txt',
      ],
      [
        'ListParts',
        async () => ({ path: '/mine/mp', query: `uploadId=${await upload()}` }),
        's3:ListMultipartUploadParts',
        'arn:aws:s3:::mine/mp',
      ],
    ];
    for (const [operation, spec, action, resource] of cases) {
      it(`${operation}: ${action} on ${resource}, denied before any effect`, async () => {
        const request = await spec();
        h.auth.reset();
        h.auth.rule(() => false);
        const response = await h.send(request);
        expect(response.status).toBe(403);
        expect(h.auth.calls[0]).toMatchObject({ action, resource });
        h.auth.reset();
        expect(await textOf(await h.send({ path: '/mine/secret.txt' }))).toBe('secret');
        expect((await h.send({ method: 'HEAD', path: '/mine/a%20b' })).status).toBe(404);
        expect((await h.send({ method: 'HEAD', path: '/brand-new' })).status).toBe(404);
        expect((await h.send({ method: 'HEAD', path: '/mine/c' })).status).toBe(404);
        expect((await h.send({ method: 'HEAD', path: '/mine/mp' })).status).toBe(404);
      });
    }
  });
});
