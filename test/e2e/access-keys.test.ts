/**
 * Gateway access keys through the local stack's HTTP API, as a user lives them: create one (the secret shown
 * once), see it listed without the secret, have another user fail to revoke it, revoke it, see it gone. And the
 * proxy's side: a resolver built as the proxy builds it, over the stack's table and its KMS HMAC key, derives the very
 * secret the API returned; a key issued under the legacy master key keeps resolving.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessModel } from '../../local/serverless-model';
import { deriveSecret } from '../../shared/access-keys/secret';
import { setLogSink } from '../../shared/log';
import { buildAccessKeyResolver } from '../../shared/wiring/access-keys';
import { proxyDefaults } from '../../shared/wiring/proxy';
import { gatewayDynamo } from '../shared/adapters/helpers';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
const tokens: Record<string, string> = {};
const table = loadServerlessModel('serverless.yml', { stage: 'local' }).tables.find((t) => t.logicalId === 'AccessKeysTable')!.tableName;
const DAY_MS = 24 * 3600_000;
const masterKey = () => readFileSync(join(stack.dataDir, 'access-key-master.key'), 'utf8').trim();

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function api(who: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const volumeInput = (name: string) => ({
  name,
  bucket: 'lab-data',
  region: 'us-east-1',
  accessMode: 'read-write',
  auth: { type: 'role', roleArn: `arn:aws:iam::${stack.info.customers[0]!.accountId}:role/VolumeAccess` },
});

let genomesId: string;
let bobsVolumeId: string;
/** What the functions logged, from the process's log sink (the stack's own lines go to `stack.logLines`). */
const functionLogs: string[] = [];
let undoSink: () => void;

beforeAll(async () => {
  undoSink = setLogSink((line) => functionLogs.push(`${line}\n`));
  stack = await startTestStack();
  tokens.alice = stack.token({ sub: 'alice', amr: ['pwd', 'mfa'] });
  tokens.bob = stack.token({ sub: 'bob' });
  tokens.dave = stack.token({ sub: 'dave' });
  genomesId = (await api('alice', 'POST', '/volumes', volumeInput('alice-genomes'))).body.id;
  bobsVolumeId = (await api('bob', 'POST', '/volumes', volumeInput('bobs-volume'))).body.id;
}, 60_000);
afterAll(async () => {
  undoSink?.();
  await stack?.close();
});

describe('the access key story', () => {
  let key: { accessKeyId: string; secretAccessKey: string; expiresAt: string; createdAt: string; volumes: string[] };

  it('creates a key: 201, the secret shown this once, not to be cached', async () => {
    const before = Date.now();
    const created = await api('alice', 'POST', '/access-keys', { volumes: ['alice-genomes'] });
    expect(created.status).toBe(201);
    key = created.body;
    expect(key.accessKeyId).toMatch(/^VGAK[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(key.volumes).toEqual([genomesId]);
    expect(Date.parse(key.expiresAt) - before).toBeGreaterThanOrEqual(7 * DAY_MS - 1000);
    expect(Date.parse(key.expiresAt) - Date.now()).toBeLessThanOrEqual(7 * DAY_MS);
    expect(created.headers.get('cache-control')).toBe('no-store');
  });

  it('lists the key without its secret or salt', async () => {
    const listed = await api('alice', 'GET', '/access-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      { accessKeyId: key.accessKeyId, createdAt: key.createdAt, expiresAt: key.expiresAt, volumes: [genomesId], status: 'active' },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key.secretAccessKey);
    expect((await api('bob', 'GET', '/access-keys')).body.items).toEqual([]);
  });

  it('stores no secret: the table holds the id, the salt and the KMS key it was derived with; GenerateMac gives it back', async () => {
    const raw = DynamoDBDocumentClient.from(gatewayDynamo(stack));
    const { Item } = await raw.send(new GetCommand({ TableName: table, Key: { pk: key.accessKeyId }, ConsistentRead: true }));
    expect(JSON.stringify(Item)).not.toContain(key.secretAccessKey);
    const macKeyArn = `arn:aws:kms:${stack.info.region}:${stack.accounts.platform.accountId}:key/${process.env.ACCESS_KEY_MAC_KEY_ID}`;
    expect(Item).toMatchObject({
      owner: 'alice',
      authMethods: ['pwd', 'mfa'],
      volumeIds: [genomesId],
      derivation: `kms-hmac:${macKeyArn}`,
    });
    // Only KMS (as the gateway's role) derives it: the master key of old keys does not.
    const session = stack.accounts.mintRoleSession(stack.accounts.platform.roleArn, { sessionName: 'test' });
    const kms = new KMSClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials: session });
    const { Mac } = await kms.send(
      new GenerateMacCommand({ KeyId: macKeyArn, Message: Buffer.from(`${key.accessKeyId}:${Item!.salt}`), MacAlgorithm: 'HMAC_SHA_256' }),
    );
    expect(Buffer.from(Mac!).subarray(0, 30).toString('base64')).toBe(key.secretAccessKey);
    expect(deriveSecret(masterKey(), key.accessKeyId, Item!.salt)).not.toBe(key.secretAccessKey);
  });

  it('resolves, as the proxy will, to alice with the secret the API returned', async () => {
    const explicit = buildAccessKeyResolver(
      {
        region: stack.info.region,
        tables: { volumes: '', audit: '', accessKeys: table },
        kms: { accessKeyMacKeyId: process.env.ACCESS_KEY_MAC_KEY_ID! },
      },
      { client: gatewayDynamo(stack) },
    );
    // The proxy's own wiring: the configuration the stack gives its functions, its credentials endpoint.
    for (const resolver of [explicit, proxyDefaults().accessKeys]) {
      expect(await resolver.resolve(key.accessKeyId)).toEqual({
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        subject: 'alice',
        volumeIds: [genomesId],
        expiresAt: new Date(key.expiresAt),
        authMethods: ['pwd', 'mfa'],
        resolvedAt: expect.any(Date),
      });
    }
  });

  it('keeps resolving a key issued under the legacy master key while the master key is configured', async () => {
    const raw = DynamoDBDocumentClient.from(gatewayDynamo(stack));
    const legacy = { pk: 'VGAKLEGACYAAAAAAAAAA', salt: 'legacy-salt' };
    const expiresAt = new Date(Date.now() + DAY_MS).toISOString();
    const item = { ...legacy, owner: 'carol', createdAt: new Date().toISOString(), expiresAt, authMethods: ['pwd'], status: 'active' };
    await raw.send(new PutCommand({ TableName: table, Item: { ...item, expiresAtEpoch: Math.floor(Date.parse(expiresAt) / 1000) } }));
    const secret = deriveSecret(masterKey(), legacy.pk, legacy.salt);
    expect((await proxyDefaults().accessKeys.resolve(legacy.pk))?.secretAccessKey).toBe(secret);
    const kmsOnly = buildAccessKeyResolver(
      { region: stack.info.region, tables: { volumes: '', audit: '', accessKeys: table }, kms: { accessKeyMacKeyId: 'alias/unused' } },
      { client: gatewayDynamo(stack) },
    );
    expect(await kmsOnly.resolve(legacy.pk)).toBeUndefined();
  });

  it('refuses another user’s revocation with 404, and the key stays', async () => {
    const refused = await api('bob', 'DELETE', `/access-keys/${key.accessKeyId}`);
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('AccessKeyNotFound');
    expect((await api('alice', 'GET', '/access-keys')).body.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([
      key.accessKeyId,
    ]);
  });

  it('revokes: 204, gone from the listing, resolves no more, and a second revocation is 404', async () => {
    const revoked = await api('alice', 'DELETE', `/access-keys/${key.accessKeyId}`);
    expect(revoked.status).toBe(204);
    expect((await api('alice', 'GET', '/access-keys')).body.items).toEqual([]);
    const resolver = proxyDefaults().accessKeys;
    resolver.reset(); // what 30 s of waiting would do
    expect(await resolver.resolve(key.accessKeyId)).toBeUndefined();
    expect((await api('alice', 'DELETE', `/access-keys/${key.accessKeyId}`)).status).toBe(404);
  });

  it('put access-key.create and access-key.revoke on the named volume’s audit trail', async () => {
    const trail = await api('alice', 'GET', `/volumes/${genomesId}/audit?limit=10`);
    const events = trail.body.items.filter((e: { action: string }) => e.action.startsWith('access-key.'));
    expect(
      events.map((e: { action: string; outcome: string; detail: { accessKeyId: string } }) => [e.action, e.outcome, e.detail.accessKeyId]),
    ).toEqual([
      ['access-key.revoke', 'succeeded', key.accessKeyId],
      ['access-key.create', 'succeeded', key.accessKeyId],
    ]);
  });

  it('logged the creation and the revocation with the request id, and never the secret', () => {
    const lines = functionLogs
      .join('')
      .split('\n')
      .filter((line) => line.includes(key.accessKeyId))
      .map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.message.startsWith('access key ')).map((l) => [l.message, l.subject, typeof l.requestId])).toEqual([
      ['access key created', 'alice', 'string'],
      ['access key revoked', 'alice', 'string'],
    ]);
    expect([...functionLogs, ...stack.logLines].join('\n')).not.toContain(key.secretAccessKey);
  });
});

describe('refusals', () => {
  it('answers bad input with 400, a code and the field', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ expiresIn: 60 }, 'expiresIn', 'ValidationFailed'],
      [{ expiresIn: 31 * 24 * 3600 }, 'expiresIn', 'ValidationFailed'],
      [{ volumes: [] }, 'volumes', 'ValidationFailed'],
      [{ volumes: ['alice-genomes', 'no-such-volume'] }, 'volumes.1', 'UnknownVolume'],
      [{ volumes: [bobsVolumeId] }, 'volumes.0', 'UnknownVolume'],
      [{ volumes: ['bobs-volume'] }, 'volumes.0', 'UnknownVolume'],
    ];
    for (const [input, field, code] of cases) {
      const reply = await api('alice', 'POST', '/access-keys', input);
      expect({ input, status: reply.status, field: reply.body.field, code: reply.body.code }).toEqual({ input, status: 400, field, code });
    }
    expect((await api('alice', 'GET', '/access-keys')).body.items).toEqual([]);
  });

  it('tells a volume outsider nothing the 404 of the volume routes would not', async () => {
    const reply = await api('alice', 'POST', '/access-keys', { volumes: [bobsVolumeId] });
    expect(reply.body.message).toBe(`volumes.0: there is no volume "${bobsVolumeId}" that you are a member of.`);
    expect(
      (await api('bob', 'GET', `/volumes/${bobsVolumeId}/audit`)).body.items.some((e: { action: string }) =>
        e.action.startsWith('access-key.'),
      ),
    ).toBe(false);
  });

  it('wants a token on every route', async () => {
    for (const [method, path] of [
      ['POST', '/access-keys'],
      ['GET', '/access-keys'],
      ['DELETE', '/access-keys/VGAKAAAAAAAAAAAAAAAA'],
    ]) {
      expect((await api(undefined, method!, path!)).status).toBe(401);
    }
  });

  it('pages the listing with limit and nextToken, and refuses a bad limit naming it', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api('bob', 'POST', '/access-keys', { expiresIn: 900 })).body.accessKeyId);
    const first = await api('bob', 'GET', '/access-keys?limit=2');
    const second = await api('bob', 'GET', `/access-keys?limit=2&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect([...first.body.items, ...second.body.items].map((k: { accessKeyId: string }) => k.accessKeyId).sort()).toEqual([...ids].sort());
    expect(second.body.nextToken).toBeUndefined();
    const bad = await api('bob', 'GET', '/access-keys?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('limit');
  });

  it('answers 503 AccessKeySecretsUnavailable while KMS fails, storing no key, and resolves again once it answers', async () => {
    const created = await api('dave', 'POST', '/access-keys', { expiresIn: 900 });
    stack.faults.add({ target: 'kms', action: 'GenerateMac', fault: { kind: 'fail', status: 503 } });
    try {
      const refused = await api('dave', 'POST', '/access-keys', { expiresIn: 900 });
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('AccessKeySecretsUnavailable');
      expect((await api('dave', 'GET', '/access-keys')).body.items).toHaveLength(1);
      // A resolver that has not seen the key yet (as a cold proxy) cannot derive its secret: a 503, not "no such key".
      const cold = buildAccessKeyResolver(
        { region: stack.info.region, tables: { volumes: '', audit: '', accessKeys: table }, kms: { accessKeyMacKeyId: 'alias/any' } },
        { client: gatewayDynamo(stack) },
      );
      await expect(cold.resolve(created.body.accessKeyId)).rejects.toMatchObject({ status: 503, code: 'AccessKeySecretsUnavailable' });
    } finally {
      stack.faults.clear('kms');
    }
    expect((await proxyDefaults().accessKeys.resolve(created.body.accessKeyId))?.secretAccessKey).toBe(created.body.secretAccessKey);
  });
});
