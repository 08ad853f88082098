/**
 * Hostile campaign, the HTTP API and what it vends, on the real stack. API abuse: oversized and malformed JSON,
 * wrong types, huge query strings and headers, unknown routes and methods, traversal in volume ids and keys,
 * CORS preflights from anywhere, the browser multipart answer for 10,000 parts (finding 6). Vended credentials
 * used straight against the local S3: outside the volume's prefix, in another bucket, other services and
 * actions are refused by IAM; read-only credentials cannot write. Every answer is the contract's JSON error
 * (or S3's), never a 5xx or a hang.
 */

import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_ORIGIN, type Answer, type HostileWorld, startHostileWorld } from './hostile-world';

let w: HostileWorld;
let rwId: string;
let roId: string;

beforeAll(async () => {
  w = await startHostileWorld();
  rwId = w.volumes['alice-rw'].id;
  roId = w.volumes['alice-ro'].id;
}, 120_000);
afterAll(() => w?.close());

/** A JSON error of the API contract: this status, a stable code, a request id, nothing else of ours. */
function expectApiError(answer: Answer & { json: any }, status: number, codes?: string[]): void {
  expect(answer.status, answer.body.slice(0, 300)).toBe(status);
  if (codes) expect(codes, answer.body.slice(0, 300)).toContain(answer.json?.code);
  if (answer.json?.code !== undefined) expect(typeof answer.json.requestId).toBe('string');
  expect(answer.body).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
}

describe('API abuse', () => {
  it('refuses malformed JSON with 400 MalformedJson and a non-JSON body with 400', async () => {
    expectApiError(await w.api('alice', 'POST', '/volumes', '{"name": "x",'), 400, ['MalformedJson']);
    expectApiError(await w.api('alice', 'POST', '/volumes', '\u0000\u0001\u0002'), 400, ['MalformedJson']);
    expectApiError(await w.api('alice', 'POST', '/volumes', '{"a":1}', { 'content-type': 'text/plain' }), 400, [
      'UnsupportedMediaType',
      'ValidationFailed',
    ]);
  });

  it('refuses wrong types, naming the field (400 ValidationFailed)', async () => {
    for (const body of [
      {
        name: 42,
        bucket: 'b',
        region: 'us-east-1',
        accessMode: 'read-write',
        auth: { type: 'role', roleArn: 'arn:aws:iam::111111111111:role/r' },
      },
      { name: ['x'], bucket: { $ne: null } },
      { name: 'n', bucket: 'b', region: 'us-east-1', accessMode: 'admin', auth: { type: 'role', roleArn: 'x' } },
      [],
      'a string',
      null,
      { __proto__: { admin: true }, constructor: { prototype: { admin: true } } },
    ]) {
      const answer = await w.api('alice', 'POST', '/volumes', JSON.stringify(body));
      expectApiError(answer, 400, ['ValidationFailed']);
    }
    expectApiError(await w.api('alice', 'POST', `/volumes/${rwId}/credentials`, { access: 'root', durationSeconds: -1 }), 400, [
      'ValidationFailed',
    ]);
    expectApiError(await w.api('alice', 'POST', `/volumes/${rwId}/credentials`, { durationSeconds: 1e308 }), 400, ['ValidationFailed']);
    expectApiError(await w.api('alice', 'POST', `/volumes/${rwId}/presign`, { key: 'a', method: 'POST' }), 400, ['ValidationFailed']);
  });

  it('refuses oversized bodies (413, as API Gateway) and deeply nested JSON (400), and stays up', async () => {
    const huge = await w.api('alice', 'POST', '/volumes', JSON.stringify({ name: 'x'.repeat(7 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const nested = await w.api('alice', 'POST', '/volumes', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expectApiError(nested, 400, ['MalformedJson', 'ValidationFailed']);
    const longString = await w.api('alice', 'POST', '/volumes', {
      name: 'n'.repeat(100_000),
      bucket: 'b',
      region: 'us-east-1',
      accessMode: 'read-write',
      auth: { type: 'role', roleArn: 'arn:aws:iam::111111111111:role/r' },
    });
    expectApiError(longString, 400, ['ValidationFailed']);
  });

  it('answers huge query strings and headers with a 4xx', async () => {
    const query = await w.api('alice', 'GET', `/volumes?limit=1&nextToken=${'A'.repeat(60_000)}`);
    expect(query.status).toBeGreaterThanOrEqual(400);
    expect(query.status).toBeLessThan(500);
    const header = await w.api('alice', 'GET', '/volumes', undefined, { 'x-padding': 'p'.repeat(20_000) });
    expect([400, 431]).toContain(header.status);
    for (const bad of ['-1', '0', '1e9', 'abc', '1&limit=2']) {
      const answer = await w.api('alice', 'GET', `/volumes?limit=${bad}`);
      expect(answer.status, `limit=${bad}`).toBeLessThan(500);
    }
    expectApiError(await w.api('alice', 'GET', '/volumes?nextToken=%00%ff%fe'), 400, ['InvalidNextToken', 'ValidationFailed']);
  });

  it('answers unknown routes and methods with a 4xx, never running a handler', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/health'],
      ['PUT', '/volumes'],
      ['TRACE', '/volumes'],
      ['GET', '/volumes/x/y/z/w'],
      ['POST', '/access-keys/../volumes'],
      ['GET', '//volumes'],
      ['PROPFIND', '/'],
    ] as const) {
      const answer = await w.api('alice', method, path);
      expect(answer.status, `${method} ${path} → ${answer.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path}`).toBeLessThan(500);
    }
  });

  it('answers volume ids that traverse or are not ids with 404 VolumeNotFound (or 400), never another volume', async () => {
    for (const id of [
      '%C0%AE',
      '%',
      '%E2%82',
      '..%2F..%2Faccess-keys',
      '%2e%2e',
      '..',
      rwId.toUpperCase(),
      `${rwId}%00`,
      `${rwId}%2F..%2F${roId}`,
      "'%20OR%201=1--",
      encodeURIComponent('{"S":"x"}'),
      'x'.repeat(2000),
    ]) {
      const answer = await w.api('alice', 'GET', `/volumes/${id}`);
      expect([400, 404], `${id} → ${answer.status} ${answer.body.slice(0, 200)}`).toContain(answer.status);
      if (answer.status === 404) expect(['VolumeNotFound', 'NotFound', 'RouteNotFound']).toContain(answer.json?.code ?? 'NotFound');
    }
    expectApiError(await w.api('mallory', 'GET', `/volumes/${rwId}`), 404, ['VolumeNotFound']);
    expectApiError(await w.api('mallory', 'POST', `/volumes/${rwId}/credentials`, {}), 404, ['VolumeNotFound']);
  });

  it('refuses presigning keys that escape the root, and the download route’s traversal', async () => {
    for (const key of ['../other/secret.txt', 'a/../../other', './x', '']) {
      const answer = await w.api('alice', 'POST', `/volumes/${rwId}/presign`, { key, method: 'GET' });
      expectApiError(answer, 400, ['InvalidKey']);
    }
    // A control character is a plain part of an S3 key (the one key rule keeps it): signed under the root, escaped.
    const nul = await w.api('alice', 'POST', `/volumes/${rwId}/presign`, { key: 'a\u0000b', method: 'GET' });
    expect(nul.status, nul.body.slice(0, 300)).toBe(200);
    expect(new URL(nul.json.url).pathname).toMatch(/\/a%00b$/);
    for (const path of ['..%2F..%2Fother%2Fsecret.txt', '%2e%2e/%2e%2e/other/secret.txt', '../other/secret.txt']) {
      const answer = await w.api('alice', 'GET', `/volumes/${rwId}/download/${path}`);
      expect(answer.status, `${path} → ${answer.status} ${answer.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers.location).toBeUndefined();
    }
  });

  it('answers CORS preflights from any origin without a 5xx, allowing no unknown origin', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1']) {
      const answer = await w.raw(w.stack.info.apiUrl, {
        method: 'OPTIONS',
        path: `/volumes/${rwId}/credentials`,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers['access-control-allow-origin']).not.toBe(origin);
      expect(answer.headers['access-control-allow-origin']).not.toBe('*');
    }
    const allowed = await w.raw(w.stack.info.apiUrl, {
      method: 'OPTIONS',
      path: `/volumes/${rwId}/credentials`,
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  });

  // Finding 6: {"parts": 10000} built a 7.8 MB answer, over Lambda's 6 MB response limit.
  it('keeps the browser multipart answer for 10,000 parts under Lambda’s 6 MB response limit', async () => {
    const started = await w.api('alice', 'POST', `/volumes/${rwId}/uploads`, { key: 'big/upload.bin', parts: 10_000 });
    expect(started.status, started.body.slice(0, 300)).toBeLessThan(300);
    expect(Buffer.byteLength(started.body)).toBeLessThan(6_291_456);
    expectApiError(await w.api('alice', 'POST', `/volumes/${rwId}/uploads`, { key: 'big/upload.bin', parts: 10_001 }), 400, [
      'ValidationFailed',
    ]);
    expectApiError(await w.api('alice', 'POST', `/volumes/${rwId}/uploads`, { key: 'big/upload.bin', parts: 1.5 }), 400, [
      'ValidationFailed',
    ]);
    await w.api('alice', 'POST', `/volumes/${rwId}/uploads/${encodeURIComponent(started.json.uploadId)}/abort`, { key: 'big/upload.bin' });
  });
});

describe('vended credentials, used straight against the local S3', () => {
  type Vended = { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const clientFor = (c: Vended) => {
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const config = { endpoint: w.stack.info.awsEndpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
    return { s3: new S3Client({ ...config, forcePathStyle: true }), iam: new IAMClient(config), sts: new STSClient(config) };
  };
  const vend = async (volumeId: string, body: Record<string, unknown> = {}) => {
    const answer = await w.api('alice', 'POST', `/volumes/${volumeId}/credentials`, body);
    expect(answer.status, answer.body).toBe(200);
    return clientFor(answer.json as Vended);
  };
  const denied = { name: 'AccessDenied' };

  it('reach the volume’s prefix and nothing else: other prefixes, the sibling, the other bucket, other services', async () => {
    const { s3, iam, sts } = await vend(rwId);
    await s3.send(new PutObjectCommand({ Bucket: 'hostile-lab', Key: 'project-x/vended.txt', Body: 'ok' }));
    for (const key of ['other/secret.txt', 'project-x-evil/secret.txt', 'project-x.txt', 'readonly/x', 'project-x']) {
      await expect(s3.send(new GetObjectCommand({ Bucket: 'hostile-lab', Key: key })), key).rejects.toMatchObject(denied);
      await expect(s3.send(new PutObjectCommand({ Bucket: 'hostile-lab', Key: key, Body: 'pwned' })), key).rejects.toMatchObject(denied);
      await expect(s3.send(new DeleteObjectCommand({ Bucket: 'hostile-lab', Key: key })), key).rejects.toMatchObject(denied);
    }
    for (const prefix of ['', 'other/', 'project-x-evil/', 'project-x']) {
      await expect(s3.send(new ListObjectsV2Command({ Bucket: 'hostile-lab', Prefix: prefix })), `prefix ${prefix}`).rejects.toMatchObject(
        denied,
      );
    }
    await expect(s3.send(new GetObjectCommand({ Bucket: 'other-lab', Key: 'secret.txt' }))).rejects.toMatchObject(denied);
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'other-lab' }))).rejects.toMatchObject(denied);
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: 'hostile-lab', Key: 'project-x/stolen.txt', CopySource: 'hostile-lab/other/secret.txt' })),
    ).rejects.toMatchObject(denied);
    const anything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    await expect(
      iam.send(new PutRolePolicyCommand({ RoleName: 'role-alice-rw', PolicyName: 'backdoor', PolicyDocument: anything })),
    ).rejects.toMatchObject(denied);
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'backdoor', AssumeRolePolicyDocument: anything }))).rejects.toMatchObject(
      denied,
    );
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/role-alice-rw', RoleSessionName: 'again' })),
    ).rejects.toMatchObject(denied);
  });

  it('for read access, or a read-only volume, refuse every write', async () => {
    const readOfRw = await vend(rwId, { access: 'read' });
    const readOnly = await vend(roId);
    for (const [{ s3 }, key] of [
      [readOfRw, 'project-x/by-read.txt'],
      [readOnly, 'readonly/by-read.txt'],
    ] as const) {
      await expect(s3.send(new PutObjectCommand({ Bucket: 'hostile-lab', Key: key, Body: 'x' }))).rejects.toMatchObject(denied);
      await expect(s3.send(new DeleteObjectCommand({ Bucket: 'hostile-lab', Key: key }))).rejects.toMatchObject(denied);
    }
    const write = await w.api('alice', 'POST', `/volumes/${roId}/credentials`, { access: 'write' });
    expect(write.status).toBe(403);
    const readerWrite = await w.api('reader', 'POST', `/volumes/${rwId}/credentials`, { access: 'write' });
    expect(readerWrite.status).toBe(403);
  });

  // Finding 2, as it was found: the API's presigned PUT plus an unsigned x-amz-copy-source became a server-side copy.
  it('a presigned PUT the API signs cannot be turned into a copy or an ACL change by unsigned x-amz-* headers', async () => {
    expect((await w.signed(w.fronts.node, { method: 'PUT', path: '/alice-rw/copy-source.txt', body: 'readable by the role' })).status).toBe(
      200,
    );
    const presigned = await w.api('alice', 'POST', `/volumes/${rwId}/presign`, { key: 'copy-target.txt', method: 'PUT' });
    expect(presigned.status, presigned.body).toBe(200);
    const url = new URL(presigned.json.url);
    const base = `${url.protocol}//${url.host}`;
    for (const extra of [
      { 'x-amz-copy-source': '/hostile-lab/project-x/copy-source.txt' },
      { 'x-amz-acl': 'public-read' },
      { 'x-amz-meta-x': 'y' },
    ] as Array<Record<string, string>>) {
      const answer = await w.raw(base, {
        method: 'PUT',
        path: `${url.pathname}${url.search}`,
        headers: { ...presigned.json.headers, ...extra },
        body: 'x',
      });
      expect(answer.status, answer.body).toBe(403);
      expect(answer.body).toContain('<Code>AccessDenied</Code>');
    }
    const head = await w.customerS3.send(new ListObjectsV2Command({ Bucket: 'hostile-lab', Prefix: 'project-x/copy-target' }));
    expect(head.KeyCount ?? 0).toBe(0);
  });

  it('presigned URLs the API signs cannot be stretched to other keys', async () => {
    const presigned = await w.api('alice', 'POST', `/volumes/${rwId}/presign`, { key: 'vended.txt', method: 'GET' });
    expect(presigned.status, presigned.body).toBe(200);
    const url = new URL(presigned.json.url);
    const moved = await w.raw(`${url.protocol}//${url.host}`, {
      path: `${url.pathname.replace('project-x/vended.txt', 'other/secret.txt')}${url.search}`,
    });
    expect(moved.status).toBe(403);
    expect(moved.body).not.toContain('not for the volume');
  });
});

describe('after the API and credential cases', () => {
  it('nothing outside a volume root was written, changed or deleted, and the stack still answers', async () => {
    await w.assertNothingOutside();
    await w.assertStackUp();
  });
});
