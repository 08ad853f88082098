/**
 * Issue 9, finding 4, on the real local stack: what a client sends is never a 500. A credential scope for another
 * service (with no x-amz-content-sha256: it was a TypeError) or region is refused as S3 refuses it, and
 * `response-*` overrides no header can carry are 400 InvalidArgument, through the proxy (before anything is
 * forwarded) and straight at the local S3; IAM, STS and DynamoDB keep answering their own scopes.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { type OneVolume, startOneVolume, VOLUME } from './one-volume';
import { sendSigned } from './signed-fetch';

let world: OneVolume;
let undoSink: () => void = () => undefined;
beforeAll(async () => {
  undoSink = setLogSink(() => undefined);
  world = await startOneVolume();
  await world.s3(world.stack.info.nodeProxyUrl).send(new PutObjectCommand({ Bucket: VOLUME, Key: 'o.txt', Body: 'o' }));
}, 60_000);
afterAll(async () => {
  await world?.stack.close();
  undoSink();
});

const BAD_OVERRIDES: Array<[string, string]> = [
  ['response-content-type', 'text/plain\r\nSet-Cookie: a=b'],
  ['response-content-disposition', 'attachment; filename="a\u0000.txt"'],
  ['response-content-language', '日本語'],
  ['response-expires', 'Thu, 01 Jan 2031 00:00:00 GMT\n'],
];

describe.each([
  ['the function URL front', () => world.stack.info.proxyUrl],
  ['the Node front', () => world.stack.info.nodeProxyUrl],
])('through %s', (_front, endpoint) => {
  it('a scope for sts with no x-amz-content-sha256 is 400 AuthorizationHeaderMalformed, not a 500', async () => {
    const answer = await sendSigned(
      endpoint(),
      { credentials: world.key, service: 'sts' },
      { path: `/${VOLUME}/o.txt`, noPayloadHash: true },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>AuthorizationHeaderMalformed</Code>');
    expect(answer.text).toContain('incorrect service &quot;sts&quot;. This endpoint belongs to &quot;s3&quot;.');
  });

  it('a scope for another region than the volume’s is 400 naming the volume’s region, in either form', async () => {
    const header = await sendSigned(endpoint(), { credentials: world.key, region: 'ap-south-1' }, { path: `/${VOLUME}/o.txt` });
    expect(header.status).toBe(400);
    expect(header.text).toContain('<Code>AuthorizationHeaderMalformed</Code>');
    expect(header.text).toContain('<Region>us-east-1</Region>');
    const presigned = await sendSigned(
      endpoint(),
      { credentials: world.key, region: 'ap-south-1' },
      { path: `/${VOLUME}/o.txt`, presign: true },
    );
    expect(presigned.status).toBe(400);
    expect(presigned.text).toContain('<Code>AuthorizationQueryParametersError</Code>');
  });

  it.each(BAD_OVERRIDES)('%s that no header can carry is 400 InvalidArgument, from the SDK too', async (param, value) => {
    const answer = await sendSigned(endpoint(), { credentials: world.key }, { path: `/${VOLUME}/o.txt`, query: { [param]: value } });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>InvalidArgument</Code>');
    expect(answer.text).toContain(`<ArgumentName>${param}</ArgumentName>`);
    const bySdk = world
      .s3(endpoint())
      .send(new GetObjectCommand({ Bucket: VOLUME, Key: 'o.txt', ResponseContentType: 'text/plain\r\nX-Injected: 1' }));
    await expect(bySdk).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
  });

  it('a Latin-1 override is still served', async () => {
    const got = await world
      .s3(endpoint())
      .send(new GetObjectCommand({ Bucket: VOLUME, Key: 'o.txt', ResponseContentDisposition: 'attachment; filename="café.txt"' }));
    expect(got.ContentDisposition).toBe('attachment; filename="café.txt"');
  });
});

describe('straight at the local S3', () => {
  const customer = () => world.stack.info.customers[0]!;
  const endpoint = () => world.stack.info.awsEndpoint;

  it('an S3 scope for another region is 400 AuthorizationHeaderMalformed naming the endpoint’s region', async () => {
    const answer = await sendSigned(endpoint(), { credentials: customer(), region: 'eu-west-1' }, { path: '/lab/data/o.txt' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(
      'The authorization header is malformed; the region &apos;eu-west-1&apos; is wrong; expecting &apos;us-east-1&apos;',
    );
    expect(answer.text).toContain('<Region>us-east-1</Region>');
  });

  it('a scope for a service the endpoint does not serve is refused as S3 refuses it', async () => {
    const answer = await sendSigned(
      endpoint(),
      { credentials: customer(), service: 'ec2' },
      { path: '/lab/data/o.txt', noPayloadHash: true },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('incorrect service &quot;ec2&quot;. This endpoint belongs to &quot;s3&quot;.');
  });

  it('STS keeps answering its own scope, whatever the region', async () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const identity = await new STSClient({ region, endpoint: endpoint(), credentials: customer(), maxAttempts: 1 }).send(
        new GetCallerIdentityCommand({}),
      );
      expect(identity.Account).toBe(customer().accountId);
    }
  });

  it.each(BAD_OVERRIDES)('%s that no header can carry is 400 InvalidArgument, not a 500', async (param, value) => {
    const answer = await sendSigned(endpoint(), { credentials: customer() }, { path: '/lab/data/o.txt', query: { [param]: value } });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>InvalidArgument</Code>');
    const direct = new S3Client({
      region: 'us-east-1',
      endpoint: endpoint(),
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: customer(),
    });
    expect((await direct.send(new GetObjectCommand({ Bucket: 'lab', Key: 'data/o.txt' }))).ContentLength).toBe(1);
  });
});
