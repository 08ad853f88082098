/**
 * GET /openapi.json against the real local stack: served without a token, and every answer recorded here from
 * real calls (a customer's volume registered, verified and used) is checked against the schema the served
 * document gives for its route and status. An undocumented status, or a field the document does not describe,
 * fails.
 */
import { CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { customerClients } from '../support/sdk-volume';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

let stack: TestStack;
let document: { openapi: string; servers?: Array<{ url: string }>; paths: Record<string, Record<string, any>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
let token: string;

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Calls the API and checks the answer against the served document's operation `method template`. */
async function call(
  method: string,
  template: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<Reply> {
  const bearer = options.token === undefined ? token : options.token;
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const reply = { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  conforms(method, template, reply);
  return reply;
}

const checked: string[] = [];

function conforms(method: string, template: string, reply: Reply): void {
  const operation = document.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is in the document`).toBeDefined();
  const documented = operation.responses[String(reply.status)];
  expect(documented, `${method} ${template} documents status ${reply.status} (${JSON.stringify(reply.body)})`).toBeDefined();
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) {
    expect(reply.body, `${method} ${template} ${reply.status} has no body`).toBeUndefined();
  } else {
    const validate = ajv.compile(schema);
    const valid = validate(reply.body);
    expect(valid ? [] : validate.errors, `${method} ${template} ${reply.status}: ${JSON.stringify(reply.body)}`).toEqual([]);
  }
  checked.push(`${method} ${template} ${reply.status}`);
}

/**
 * Puts the trust and permissions policies the API returned on the role, as the customer, with the SDK (this file is
 * about the API's answers; the aws cli's run of the returned commands is volume-story's and the guides').
 */
async function applySetup(roleName: string, setup: { trustPolicy: unknown; permissionsPolicy: unknown }): Promise<void> {
  const { iam } = customerClients(stack);
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(setup.trustPolicy) }));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'volume-openapi', PolicyDocument: JSON.stringify(setup.permissionsPolicy) }),
  );
  iam.destroy();
}

beforeAll(async () => {
  stack = await startTestStack();
  token = stack.token({ sub: 'alice', email: 'alice@example.org' });
  const { s3 } = customerClients(stack);
  await s3.send(new CreateBucketCommand({ Bucket: 'openapi-lab' }));
  s3.destroy();
}, 60_000);
afterAll(() => stack?.close());

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without a token, naming the server it was reached at', async () => {
    const response = await fetch(`${stack.info.apiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await response.json()) as typeof document;
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: stack.info.apiUrl }]);
    expect(document.paths['/volumes']?.post?.security).toEqual([{ bearerAuth: [] }]);
    conforms('GET', '/openapi.json', { status: 200, body: document, headers: response.headers });
  });
});

describe('answers recorded from real calls match their documented schemas', () => {
  let volumeId: string;

  it('health, me, and a 401 without a token', async () => {
    expect((await call('GET', '/health', '/health', { token: null })).status).toBe(200);
    expect((await call('GET', '/me', '/me')).body.subject).toBe('alice');
    expect((await call('GET', '/me', '/me', { token: null })).status).toBe(401);
  });

  it('registers a volume (201), verifies it, lists, reads and changes it', async () => {
    const placeholder = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
    });
    const { iam } = customerClients(stack);
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'OpenApiRole', AssumeRolePolicyDocument: placeholder }));
    iam.destroy();
    const created = await call('POST', '/volumes', '/volumes', {
      body: {
        name: 'openapi-vol',
        bucket: 'openapi-lab',
        prefix: 'runs',
        region: 'us-east-1',
        accessMode: 'read-write',
        auth: { type: 'role', roleArn: role.Role!.Arn },
        description: 'OpenAPI check',
      },
    });
    expect(created.status).toBe(201);
    volumeId = created.body.id;
    await applySetup('OpenApiRole', created.body.setup);
    const verified = await call('POST', '/volumes/{id}/verify', `/volumes/${volumeId}/verify`);
    expect(verified.body.status).toBe('active');
    expect((await call('GET', '/volumes', '/volumes?limit=10')).body.items).toHaveLength(1);
    const got = await call('GET', '/volumes/{id}', `/volumes/${volumeId}`);
    expect(got.body.lastVerification.status).toBe('active');
    expect((await call('PATCH', '/volumes/{id}', `/volumes/${volumeId}`, { body: { description: 'changed' } })).status).toBe(200);
  });

  it('a gateway-oidc volume: registered (201), read and deleted, its auth type as the document names it', async () => {
    const created = await call('POST', '/volumes', '/volumes', {
      body: {
        name: 'openapi-oidc',
        bucket: 'openapi-lab',
        region: 'us-east-1',
        accessMode: 'read-only',
        auth: { type: 'gateway-oidc', roleArn: 'arn:aws:iam::111111111111:role/OpenApiOidc' },
      },
    });
    expect(created.body.auth.type).toBe('gateway-oidc');
    expect((await call('GET', '/volumes/{id}', `/volumes/${created.body.id}`)).status).toBe(200);
    expect((await call('DELETE', '/volumes/{id}', `/volumes/${created.body.id}`)).status).toBe(204);
  });

  it('refusals: a 400 naming the field, a 404 VolumeNotFound', async () => {
    const invalid = await call('POST', '/volumes', '/volumes', {
      body: {
        name: 'Bad_Name',
        bucket: 'openapi-lab',
        region: 'us-east-1',
        accessMode: 'read-only',
        auth: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/x' },
      },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.field).toBe('name');
    const missing = await call('GET', '/volumes/{id}', '/volumes/vol-does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('VolumeNotFound');
  });

  it('members and the audit trail', async () => {
    expect(
      (await call('PUT', '/volumes/{id}/members/{subject}', `/volumes/${volumeId}/members/bob`, { body: { access: 'read' } })).status,
    ).toBe(200);
    expect((await call('GET', '/volumes/{id}/members', `/volumes/${volumeId}/members`)).body.items).toHaveLength(2);
    expect((await call('DELETE', '/volumes/{id}/members/{subject}', `/volumes/${volumeId}/members/bob`)).status).toBe(204);
    expect((await call('GET', '/volumes/{id}/audit', `/volumes/${volumeId}/audit`)).body.items.length).toBeGreaterThan(0);
  });

  it('credentials, a presigned URL, a listing, a download redirect, a browser upload and the Nextflow config', async () => {
    expect(
      (await call('POST', '/volumes/{id}/credentials', `/volumes/${volumeId}/credentials`, { body: { access: 'read' } })).body.Version,
    ).toBe(1);
    const put = await call('POST', '/volumes/{id}/presign', `/volumes/${volumeId}/presign`, {
      body: { key: 'a/b.txt', method: 'PUT', contentType: 'text/plain' },
    });
    expect(put.status).toBe(200);
    expect((await fetch(put.body.url, { method: 'PUT', headers: put.body.headers, body: 'b' })).status).toBe(200);
    const objects = `/volumes/${volumeId}/objects`;
    expect((await call('GET', '/volumes/{id}/objects', `${objects}?delimiter=/`)).body.prefixes).toEqual(['a/']);
    expect((await call('GET', '/volumes/{id}/objects', objects)).body.objects).toMatchObject([{ key: 'a/b.txt', size: 1 }]);
    expect((await call('GET', '/volumes/{id}/objects', `${objects}?limit=0`)).status).toBe(400);
    const download = await call('GET', '/volumes/{id}/download/{key}', `/volumes/${volumeId}/download/a/b.txt`);
    expect(download.status).toBe(302);
    expect(download.headers.get('location')).toMatch(/^http/);
    const started = await call('POST', '/volumes/{id}/uploads', `/volumes/${volumeId}/uploads`, { body: { key: 'big.bin', parts: 2 } });
    expect(started.status).toBe(201);
    const uploadId = encodeURIComponent(started.body.uploadId);
    const more = await call('POST', '/volumes/{id}/uploads/{uploadId}/parts', `/volumes/${volumeId}/uploads/${uploadId}/parts`, {
      body: { key: 'big.bin', from: 2, count: 1 },
    });
    expect(more.body.parts).toMatchObject([{ partNumber: 2 }]);
    expect(
      (
        await call('POST', '/volumes/{id}/uploads/{uploadId}/abort', `/volumes/${volumeId}/uploads/${uploadId}/abort`, {
          body: { key: 'big.bin' },
        })
      ).status,
    ).toBe(204);
    expect((await call('GET', '/volumes/{id}/nextflow-config', `/volumes/${volumeId}/nextflow-config`)).status).toBe(200);
  });

  it('gateway access keys: create (201), list, revoke (204)', async () => {
    const created = await call('POST', '/access-keys', '/access-keys', { body: { volumes: ['openapi-vol'] } });
    expect(created.status).toBe(201);
    expect((await call('GET', '/access-keys', '/access-keys')).body.items).toHaveLength(1);
    expect((await call('DELETE', '/access-keys/{id}', `/access-keys/${created.body.accessKeyId}`)).status).toBe(204);
  });

  it('deleting the volume answers 204, and it is gone', async () => {
    expect((await call('DELETE', '/volumes/{id}', `/volumes/${volumeId}`)).status).toBe(204);
    expect((await call('GET', '/volumes/{id}', `/volumes/${volumeId}`)).status).toBe(404);
    expect(checked.length).toBeGreaterThan(20);
  });
});
