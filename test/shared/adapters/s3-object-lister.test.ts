/**
 * The object lister over a stand-in upstream: what it asks S3 (ListObjectsV2, URL-encoded keys, the resume point)
 * and how it reads S3's answers: one element or several, URL-encoded keys, S3's refusals by code, and S3's trouble.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createS3ObjectLister } from '../../../shared/adapters/s3-object-lister';
import { DependencyUnavailable } from '../../../shared/errors';
import type { Upstream, UpstreamRequest } from '../../../shared/proxy/types';
import { S3AccessDenied } from '../../../shared/volumes/ports';

const credentials = { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3_600_000) };
const request = { bucket: 'lab', region: 'us-east-1', prefix: 'runs/', maxKeys: 2, delimiter: '/', startAfter: 'runs/a/' };

function answering(status: number, xml: string) {
  const sent: UpstreamRequest[] = [];
  const upstream: Upstream = {
    send: async (r) => {
      sent.push(r);
      return { status, headers: {}, body: Readable.from([Buffer.from(xml)]) };
    },
  };
  return { lister: createS3ObjectLister({ upstream }), sent };
}

describe('the S3 object lister', () => {
  it('asks ListObjectsV2 with URL-encoded keys and reads one object, several prefixes and IsTruncated', async () => {
    const { lister, sent } = answering(
      200,
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>lab</Name><IsTruncated>true</IsTruncated>' +
        '<Contents><Key>runs/a+b%01%C3%BC.txt</Key><LastModified>2026-12-06T05:00:00.000Z</LastModified>' +
        '<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>12</Size></Contents>' +
        '<CommonPrefixes><Prefix>runs/b/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>runs/c%20d/</Prefix></CommonPrefixes>' +
        '</ListBucketResult>',
    );
    expect(await lister.listPage(credentials, request)).toEqual({
      objects: [
        {
          key: 'runs/a b\u0001ü.txt',
          size: 12,
          lastModified: new Date('2026-12-06T05:00:00.000Z'),
          etag: '"0cc175b9c0f1b6a831c399e269772661"',
        },
      ],
      prefixes: ['runs/b/', 'runs/c d/'],
      truncated: true,
    });
    expect(sent[0]).toMatchObject({ method: 'GET', bucket: 'lab', region: 'us-east-1', headers: {} });
    expect(sent[0]!.key).toBeUndefined();
    expect(new Map(sent[0]!.query)).toEqual(
      new Map([
        ['list-type', '2'],
        ['prefix', 'runs/'],
        ['max-keys', '2'],
        ['encoding-type', 'url'],
        ['delimiter', '/'],
        ['start-after', 'runs/a/'],
      ]),
    );
  });

  it('reads an empty listing', async () => {
    const { lister } = answering(200, '<ListBucketResult><IsTruncated>false</IsTruncated><Prefix>runs/</Prefix></ListBucketResult>');
    expect(await lister.listPage(credentials, request)).toEqual({ objects: [], prefixes: [], truncated: false });
  });

  it("rejects S3's refusals with S3's code, and S3's trouble as 503 S3Unavailable", async () => {
    const error = (code: string) => `<Error><Code>${code}</Code><Message>no ${code}</Message></Error>`;
    for (const [status, code] of [
      [403, 'AccessDenied'],
      [404, 'NoSuchBucket'],
      [301, 'PermanentRedirect'],
    ] as const) {
      await expect(answering(status, error(code)).lister.listPage(credentials, request)).rejects.toEqual(
        expect.objectContaining({ name: S3AccessDenied.name, code, message: `no ${code}` }),
      );
    }
    for (const [status, body] of [
      [503, error('SlowDown')],
      [500, error('InternalError')],
      [400, error('RequestTimeout')],
      [502, '<html>bad gateway</html>'],
    ] as const) {
      const failure = await answering(status, body)
        .lister.listPage(credentials, request)
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DependencyUnavailable);
      expect(failure).toMatchObject({ status: 503, code: 'S3Unavailable' });
    }
  });
});
