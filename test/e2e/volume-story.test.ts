/**
 * The volumes issue's story, as a customer lives it, against the real local stack: a bucket and a
 * role made with /usr/bin/aws, POST /volumes, the returned commands applied verbatim, verify → active.
 * And the failures: a role that does not require the external ID is a confused-deputy risk, a
 * read-only role that allows writes fails, non-members see nothing, read members cannot manage.
 * The first volume is the customer's story with the aws cli; the failure cases set their roles up with the JS
 * SDK (the same IAM calls, without a Python start-up each), as does the web-identity volume, whose returned
 * commands docs/connecting-a-bucket.md applies verbatim (guides.test.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

const exec = promisify(execFile);
let stack: TestStack;
let customer: NodeJS.ProcessEnv;
let iam: IAMClient;
let customerS3: S3Client;
const tokens: Record<string, string> = {};

interface Reply {
  status: number;
  body: any;
  requestId: string | null;
}

async function api(who: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, requestId: response.headers.get('x-request-id') };
}

/** Runs the setup commands the API returned, verbatim, with the Debian aws cli pointed at the local AWS. */
async function applySetup(commands: string[]): Promise<void> {
  for (const command of commands) {
    expect(command.startsWith('aws ')).toBe(true);
    const script = `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`;
    await exec('bash', ['-euo', 'pipefail', '-c', script], { env: { ...customer, ENDPOINT: stack.info.awsEndpoint }, timeout: 60_000 });
  }
}

const placeholder = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
});

/** A role in the customer's account that trusts nobody yet, made with the aws cli: the customer attaches our policies later. */
async function createRole(name: string): Promise<string> {
  const created = JSON.parse(
    await stack.aws(customer, 'iam', 'create-role', '--role-name', name, '--assume-role-policy-document', placeholder),
  );
  return created.Role.Arn;
}

/** The same, with the JS SDK. */
async function createRoleWithSdk(name: string): Promise<string> {
  return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: placeholder }))).Role!.Arn!;
}

/** What the returned `update-assume-role-policy` and `put-role-policy` commands do, with the JS SDK. */
const applyTrust = (role: string, setup: { trustPolicy: unknown }) =>
  iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(setup.trustPolicy) }));
const applyPermissions = (role: string, volume: string, setup: { permissionsPolicy: unknown }) =>
  iam.send(
    new PutRolePolicyCommand({
      RoleName: role,
      PolicyName: `volume-gateway-${volume}`,
      PolicyDocument: JSON.stringify(setup.permissionsPolicy),
    }),
  );

const volumeInput = (name: string, roleArn: string, accessMode = 'read-write') => ({
  name,
  bucket: 'alice-lab',
  prefix: 'project-x',
  region: 'us-east-1',
  accessMode,
  auth: { type: 'role', roleArn },
  description: 'Sequencing runs',
});

beforeAll(async () => {
  stack = await startTestStack();
  customer = stack.customerEnv(0);
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  const config = {
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  };
  iam = new IAMClient(config);
  customerS3 = new S3Client({ ...config, forcePathStyle: true });
  for (const who of ['alice', 'bob', 'carol']) tokens[who] = stack.token({ sub: who });
  await stack.aws(customer, 's3', 'mb', 's3://alice-lab');
}, 60_000);
afterAll(() => stack?.close());

describe('registering and verifying a volume', () => {
  let volumeId: string;

  it('creates a pending volume with a generated external ID and the exact policies to attach', async () => {
    const roleArn = await createRole('AliceVolume');
    const created = await api('alice', 'POST', '/volumes', volumeInput('alice-genomes', roleArn));
    expect(created.status).toBe(201);
    volumeId = created.body.id;
    expect(created.body).toMatchObject({
      name: 'alice-genomes',
      bucket: 'alice-lab',
      prefix: 'project-x',
      status: 'pending',
      accessMode: 'read-write',
    });
    expect(created.body.externalId).toMatch(/^[\w+=,.@:/-]{16,}$/);
    const trust = JSON.stringify(created.body.setup.trustPolicy);
    expect(trust).toContain(stack.info.gatewayPrincipalArn);
    expect(trust).toContain(created.body.externalId);
    expect(JSON.stringify(created.body.setup.permissionsPolicy)).toContain('arn:aws:s3:::alice-lab/project-x/*');

    await applySetup(created.body.setup.commands);
    const verified = await api('alice', 'POST', `/volumes/${volumeId}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(verified.body.status).toBe('active');
    expect((await api('alice', 'GET', `/volumes/${volumeId}`)).body.status).toBe('active');
  });

  it('refuses a second volume with the same name, even when both are created at once', async () => {
    const roleArn = await createRoleWithSdk('RaceRole');
    const replies = await Promise.all([1, 2, 3].map(() => api('alice', 'POST', '/volumes', volumeInput('raced-name', roleArn))));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(replies.find((r) => r.status === 409)!.body.code).toBe('VolumeNameTaken');
    expect((await api('alice', 'POST', '/volumes', volumeInput('alice-genomes', roleArn))).body.code).toBe('VolumeNameTaken');
  });

  it('reports a role whose trust policy does not require the external ID as a confused-deputy risk', async () => {
    const roleArn = await createRoleWithSdk('NoExternalId');
    const created = await api('alice', 'POST', '/volumes', volumeInput('no-external-id', roleArn));
    const lax = { ...created.body.setup.trustPolicy };
    lax.Statement = lax.Statement.map((s: Record<string, unknown>) => ({ ...s, Condition: undefined }));
    await applyTrust('NoExternalId', { trustPolicy: lax });
    await applyPermissions('NoExternalId', 'no-external-id', created.body.setup);
    const verified = await api('alice', 'POST', `/volumes/${created.body.id}/verify`);
    expect(verified.body.status).toBe('failed');
    const check = verified.body.checks.find((c: { name: string }) => c.name === 'external-id-required');
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/confused.deputy/i);
    expect((await api('alice', 'GET', `/volumes/${created.body.id}`)).body.status).toBe('failed');
  });

  it('fails a read-only volume whose role allows writes', async () => {
    const roleArn = await createRoleWithSdk('TooGenerous');
    const created = await api('alice', 'POST', '/volumes', volumeInput('too-generous', roleArn, 'read-only'));
    await applyTrust('TooGenerous', created.body.setup);
    const writable = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::alice-lab', 'arn:aws:s3:::alice-lab/*'] }],
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'TooGenerous', PolicyName: 'everything', PolicyDocument: writable }));
    const verified = await api('alice', 'POST', `/volumes/${created.body.id}/verify`);
    expect(verified.body.status).toBe('failed');
    expect(verified.body.checks.find((c: { name: string }) => c.name === 'read-only-refuses-write').ok).toBe(false);
    const leftovers = await customerS3.send(new ListObjectsV2Command({ Bucket: 'alice-lab', Prefix: 'project-x/.volume-gateway' }));
    expect(leftovers.KeyCount ?? 0).toBe(0);
  });

  it('verifies a web-identity volume with the owner’s own token (the Galaxy set-up)', async () => {
    const roleArn = await createRoleWithSdk('AliceWebIdentity');
    const created = await api('alice', 'POST', '/volumes', {
      ...volumeInput('alice-web', roleArn, 'read-only'),
      auth: { type: 'web-identity', roleArn },
    });
    expect(created.status).toBe(201);
    expect(created.body.externalId).toBeUndefined();
    expect(JSON.stringify(created.body.setup.trustPolicy)).toContain('sts:AssumeRoleWithWebIdentity');
    // The returned commands: the issuer as the account's OIDC provider unless it is one (with every audience the API
    // accepts: `npm run token`'s and the console's), each audience added to an existing one, then the two policies.
    expect(created.body.setup.commands[0]).toMatch(
      /^aws iam get-open-id-connect-provider .* \|\| aws iam create-open-id-connect-provider --url \S+ --client-id-list \S+ \S+ /,
    );
    expect(created.body.setup.commands[1]).toMatch(/^aws iam add-client-id-to-open-id-connect-provider /);
    expect(created.body.setup.commands).toHaveLength(5);
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: stack.info.issuer,
        ClientIDList: [stack.info.audience],
        ThumbprintList: ['0'.repeat(40)],
      }),
    );
    await applyTrust('AliceWebIdentity', created.body.setup);
    await applyPermissions('AliceWebIdentity', 'alice-web', created.body.setup);
    const verified = await api('alice', 'POST', `/volumes/${created.body.id}/verify`);
    expect(verified.body.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(verified.body.status).toBe('active');
  });

  it('hides a volume from non-members on every route (404, never 403)', async () => {
    for (const [method, path, body] of [
      ['GET', `/volumes/${volumeId}`],
      ['PATCH', `/volumes/${volumeId}`, { description: 'mine now' }],
      ['DELETE', `/volumes/${volumeId}`],
      ['POST', `/volumes/${volumeId}/verify`],
      ['GET', `/volumes/${volumeId}/members`],
      ['PUT', `/volumes/${volumeId}/members/bob`, { access: 'admin' }],
      ['GET', `/volumes/${volumeId}/audit`],
    ] as Array<[string, string, unknown?]>) {
      const reply = await api('bob', method, path, body);
      expect({ route: `${method} ${path}`, status: reply.status }).toEqual({ route: `${method} ${path}`, status: 404 });
      expect(reply.body.code).toBe('VolumeNotFound');
    }
    expect((await api('bob', 'GET', '/volumes')).body.items).toEqual([]);
  });

  it('lets an admin add a read member, who can see the volume but not manage it', async () => {
    expect((await api('alice', 'PUT', `/volumes/${volumeId}/members/carol`, { access: 'read' })).status).toBe(200);
    const seen = await api('carol', 'GET', `/volumes/${volumeId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.access).toEqual({ membership: 'read', data: 'read' });
    expect(seen.body.externalId).toBeUndefined();
    const refused = await api('carol', 'PUT', `/volumes/${volumeId}/members/bob`, { access: 'read' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NotVolumeAdmin');
    expect((await api('bob', 'GET', `/volumes/${volumeId}`)).status).toBe(404);
  });

  it('keeps an audit trail, newest first, with who, what, outcome and request id', async () => {
    const page = await api('alice', 'GET', `/volumes/${volumeId}/audit?limit=50`);
    expect(page.status).toBe(200);
    const events = page.body.items as Array<{ action: string; outcome: string; subject: string; at: string; requestId: string }>;
    const times = events.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['volume.create', 'volume.verify', 'member.put']));
    const denied = events.find((e) => e.subject === 'carol' && e.outcome === 'denied');
    expect(denied).toBeDefined();
    const first = await api('alice', 'GET', `/volumes/${volumeId}/audit?limit=1`);
    expect(first.body.items).toHaveLength(1);
    const second = await api('alice', 'GET', `/volumes/${volumeId}/audit?limit=1&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect(second.body.items[0]).toEqual(events[1]);
  });

  it('refuses bad input with 400, a code and the field, and writes nothing', async () => {
    const roleArn = 'arn:aws:iam::111111111111:role/AliceVolume';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...volumeInput('Bad_Name', roleArn) }, 'name'],
      [{ ...volumeInput('fine-name', roleArn), bucket: 'no..dots' }, 'bucket'],
      [{ ...volumeInput('fine-name', roleArn), prefix: '/leading' }, 'prefix'],
      [{ ...volumeInput('fine-name', roleArn), prefix: 'a/../b' }, 'prefix'],
      [{ ...volumeInput('fine-name', roleArn), region: 'moon-1' }, 'region'],
      [{ ...volumeInput('fine-name', 'arn:aws:iam::1111:role/x') }, 'auth.roleArn'],
      [{ ...volumeInput('fine-name', roleArn), accessMode: 'everything' }, 'accessMode'],
    ];
    const before = (await api('alice', 'GET', '/volumes?limit=100')).body.items.length;
    for (const [input, field] of cases) {
      const reply = await api('alice', 'POST', '/volumes', input);
      expect({ field, status: reply.status }).toEqual({ field, status: 400 });
      expect(reply.body.field).toBe(field);
      expect(reply.body.message).toContain(field.split('.').pop());
    }
    expect((await api('alice', 'GET', '/volumes?limit=100')).body.items.length).toBe(before);
  });
});
