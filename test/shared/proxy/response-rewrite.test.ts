/**
 * S3's answers rewritten for the client, on documents the local S3 implementation really produces (captured
 * live from it, in process) and on a few shapes of AWS's S3 that it does not (its `+` for spaces, its ARN-naming
 * AccessDenied message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RewriteContext, rewriteResponse } from '../../../shared/proxy/response-rewrite';
import { type Harness, harness, textOf, type Xml, xmlOf } from '../../local/aws/s3/helpers';
import { encode } from '../sigv4/helpers';

const volume = { name: 'shared-genomes', bucket: 'lab-genomes', prefix: 'runs/2025' };
const ctx = (overrides: Partial<RewriteContext> = {}): RewriteContext => ({
  volume,
  urlEncoded: false,
  requestId: 'OURS',
  origin: 'https://proxy.example',
  ...overrides,
});
const parse = (xml: string): Promise<Xml> => xmlOf({ status: 200, body: xml });

let s3: Harness;
const KEYS = [
  'runs/2025/a b+c.txt',
  'runs/2025/dir/one',
  'runs/2025/dir/two',
  'runs/2025/lab-genomes/runs/2025/x',
  'runs/2025/ünï ✓',
  'runs/2025-other/secret',
];

async function captured(path: string, query: string, method = 'GET', body?: string): Promise<string> {
  const response = await s3.send({
    method,
    path,
    query,
    ...(body ? { body, headers: { 'content-md5': (await import('../../local/aws/s3/helpers')).md5Base64(body) } } : {}),
  });
  return textOf(response);
}

beforeAll(async () => {
  s3 = await harness();
  await s3.send({ method: 'PUT', path: '/lab-genomes' });
  for (const key of KEYS) await s3.send({ method: 'PUT', path: `/lab-genomes/${key.split('/').map(encode).join('/')}`, body: 'x' });
});
afterAll(() => s3.cleanup());

describe('listings', () => {
  it('ListObjectsV2 with a delimiter shows the volume, relative keys and prefixes, never the bucket or the root', async () => {
    const raw = await captured(
      '/lab-genomes',
      `list-type=2&prefix=${encode('runs/2025/')}&delimiter=%2F&start-after=${encode('runs/2025/a')}`,
    );
    const out = rewriteResponse(raw, ctx());
    expect(out).not.toMatch(/lab-genomes<|runs\/2025/);
    const xml = await parse(out);
    expect(xml.ListBucketResult.Name).toBe('shared-genomes');
    expect(xml.ListBucketResult.Prefix).toBe('');
    expect(xml.ListBucketResult.StartAfter).toBe('a');
    expect(xml.ListBucketResult.Contents.map((c: Xml) => c.Key)).toEqual(['a b+c.txt', 'ünï ✓']);
    expect(xml.ListBucketResult.CommonPrefixes.map((p: Xml) => p.Prefix)).toEqual(['dir/', 'lab-genomes/']);
  });

  it('keeps a key that contains the bucket’s and the root’s names whole', async () => {
    const xml = await parse(rewriteResponse(await captured('/lab-genomes', `list-type=2&prefix=${encode('runs/2025/lab')}`), ctx()));
    expect(xml.ListBucketResult.Prefix).toBe('lab');
    expect(xml.ListBucketResult.Contents.map((c: Xml) => c.Key)).toEqual(['lab-genomes/runs/2025/x']);
  });

  it('ListObjects (V1) maps Marker and NextMarker back', async () => {
    const raw = await captured('/lab-genomes', `prefix=${encode('runs/2025/')}&marker=${encode('runs/2025/a')}&delimiter=%2F&max-keys=1`);
    const xml = await parse(rewriteResponse(raw, ctx()));
    expect(xml.ListBucketResult.Marker).toBe('a');
    expect(xml.ListBucketResult.NextMarker).toBe('a b+c.txt');
    expect(xml.ListBucketResult.IsTruncated).toBe('true');
  });

  it('with encoding-type=url keeps the keys URL-encoded, without the root', async () => {
    const raw = await captured('/lab-genomes', `list-type=2&encoding-type=url&prefix=${encode('runs/2025/')}`);
    const xml = await parse(rewriteResponse(raw, ctx({ urlEncoded: true })));
    expect(xml.ListBucketResult.Prefix).toBe('');
    expect(xml.ListBucketResult.Contents.map((c: Xml) => decodeURIComponent(c.Key))).toEqual([
      'a b+c.txt',
      'dir/one',
      'dir/two',
      'lab-genomes/runs/2025/x',
      'ünï ✓',
    ]);
  });

  it('with encoding-type=url reads AWS’s "+" for a space in the root', async () => {
    const spaced = { ...volume, prefix: 'my runs' };
    const aws =
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lab-genomes</Name><Prefix>my+runs%2F</Prefix>` +
      `<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>` +
      `my+runs/a+b%2Bc</Key><Size>1</Size></Contents></ListBucketResult>`;
    const xml = await parse(rewriteResponse(aws, ctx({ volume: spaced, urlEncoded: true })));
    expect(xml.ListBucketResult.Prefix).toBe('');
    expect(xml.ListBucketResult.Contents[0].Key).toBe('a+b%2Bc');
  });

  it('refuses to pass on a listing that names a key outside the root', () => {
    const bad = '<ListBucketResult><Name>lab-genomes</Name><Contents><Key>runs/2025-other/secret</Key></Contents></ListBucketResult>';
    expect(() => rewriteResponse(bad, ctx())).toThrow(/outside the volume root/);
  });
});

describe('multipart documents', () => {
  it('maps Initiate, ListParts, ListMultipartUploads and Complete, with Location at the proxy', async () => {
    const key = `/lab-genomes/${encode('runs/2025/big file.bin').replace(/%2F/g, '/')}`;
    const initiated = rewriteResponse(await captured(key, 'uploads', 'POST'), ctx({ key: 'big file.bin' }));
    const init = await parse(initiated);
    expect(init.InitiateMultipartUploadResult).toMatchObject({ Bucket: 'shared-genomes', Key: 'big file.bin' });
    const uploadId = init.InitiateMultipartUploadResult.UploadId;
    const part = await s3.send({ method: 'PUT', path: key, query: `partNumber=1&uploadId=${encode(uploadId)}`, body: 'part' });
    const parts = await parse(rewriteResponse(await captured(key, `uploadId=${encode(uploadId)}`), ctx()));
    expect(parts.ListPartsResult).toMatchObject({ Bucket: 'shared-genomes', Key: 'big file.bin' });
    const uploads = await parse(
      rewriteResponse(await captured('/lab-genomes', `uploads&prefix=${encode('runs/2025/')}&key-marker=${encode('runs/2025/a')}`), ctx()),
    );
    expect(uploads.ListMultipartUploadsResult).toMatchObject({ Bucket: 'shared-genomes', Prefix: '', KeyMarker: 'a' });
    expect(uploads.ListMultipartUploadsResult.Upload.map((u: Xml) => u.Key)).toEqual(['big file.bin']);
    const etag = part.headers!.etag;
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await parse(
      rewriteResponse(await captured(key, `uploadId=${encode(uploadId)}`, 'POST', body), ctx({ key: 'big file.bin' })),
    );
    expect(done.CompleteMultipartUploadResult).toMatchObject({
      Bucket: 'shared-genomes',
      Key: 'big file.bin',
      Location: 'https://proxy.example/shared-genomes/big%20file.bin',
    });
  });
});

describe('checksums in multipart results', () => {
  it('CompleteMultipartUploadResult and ListPartsResult keep S3’s Checksum* and ChecksumType elements as S3 wrote them', async () => {
    const completed =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>' +
      'https://lab-genomes.s3.amazonaws.com/runs/2025/x</Location><Bucket>lab-genomes</Bucket><Key>runs/2025/x</Key><ETag>' +
      '"3858f62230ac3c915f300c664312c11f-2"</ETag><ChecksumCRC32C>Smw00A==-2</ChecksumCRC32C><ChecksumType>' +
      'COMPOSITE</ChecksumType></CompleteMultipartUploadResult>';
    const done = await parse(rewriteResponse(completed, ctx({ key: 'x' })));
    expect(done.CompleteMultipartUploadResult).toMatchObject({
      Bucket: 'shared-genomes',
      Key: 'x',
      ChecksumCRC32C: 'Smw00A==-2',
      ChecksumType: 'COMPOSITE',
    });
    const parts =
      '<ListPartsResult><Bucket>lab-genomes</Bucket><Key>runs/2025/x</Key><UploadId>u</UploadId><ChecksumAlgorithm>' +
      'CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Part><PartNumber>1</PartNumber><ETag>"e"</ETag>' +
      '<Size>5</Size><ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME></Part></ListPartsResult>';
    const listed = await parse(rewriteResponse(parts, ctx()));
    expect(listed.ListPartsResult).toMatchObject({
      Key: 'x',
      ChecksumAlgorithm: 'CRC64NVME',
      ChecksumType: 'FULL_OBJECT',
      Part: [{ ChecksumCRC64NVME: 'AAAAAAAAAAA=' }],
    });
  });
});

describe('DeleteObjects results', () => {
  it('name the client’s keys, deleted or not', () => {
    const raw =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>runs/2025/a</Key></Deleted><Error><Key>' +
      'runs/2025/b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>';
    expect(rewriteResponse(raw, ctx())).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>' +
        'AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
    );
  });
});

describe('error documents', () => {
  it('NoSuchKey names the client’s key and resource and our request id, not S3’s ids', async () => {
    const raw = await captured(`/lab-genomes/runs/2025/missing`, '');
    const xml = await parse(rewriteResponse(raw, ctx({ key: 'missing' })));
    expect(xml.Error).toMatchObject({ Code: 'NoSuchKey', Key: 'missing', RequestId: 'OURS' });
    expect(xml.Error.HostId).toBeUndefined();
    expect(JSON.stringify(xml)).not.toMatch(/lab-genomes|runs\/2025/);
  });

  it('an AccessDenied that names the role and the bucket is told in words that do not', async () => {
    const aws =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>AccessDenied</Code><Message>User: arn:aws:sts::111111111111:assumed-role/Lab/alice is not authorized to ' +
      'perform: s3:PutObject on resource: "arn:aws:s3:::lab-genomes/runs/2025/x" because no session policy allows the ' +
      's3:PutObject action</Message><RequestId>S3ID</RequestId><HostId>H</HostId></Error>';
    const xml = await parse(rewriteResponse(aws, ctx({ key: 'x' })));
    expect(xml.Error.Message).toBe("Access Denied: S3 does not allow s3:PutObject here to this volume's credentials.");
    expect(xml.Error.RequestId).toBe('OURS');
  });

  it('a NoSuchBucket from S3 names the volume', async () => {
    const raw = await captured('/no-such-lab/runs/2025/x', '');
    const xml = await parse(rewriteResponse(raw, ctx({ key: 'x' })));
    expect(xml.Error.Code).toBe('NoSuchBucket');
    expect(xml.Error.BucketName).toBe('shared-genomes');
  });
});
