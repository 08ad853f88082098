/**
 * The access-key store on the local stack's DynamoDB (its AccessKeysTable as serverless.yml declares it, with the
 * byOwner index and the TTL sweeper), as our service: a session of the platform role.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessModel } from '../../../../local/serverless-model';
import { randomAccessKeyIds } from '../../../../shared/access-keys/ids';
import type { AccessKeyRecord } from '../../../../shared/access-keys/model';
import { createDynamoAccessKeyStore } from '../../../../shared/adapters/dynamodb/access-key-store';
import { startTestStack, type TestStack } from '../../../support/local-stack';
import { closedPort, gatewayDynamo } from '../helpers';

let stack: TestStack;
let client: DynamoDBClient;
let raw: DynamoDBDocumentClient;
const table = loadServerlessModel('serverless.yml', { stage: 'local' }).tables.find((t) => t.logicalId === 'AccessKeysTable')!.tableName;
const DAY_MS = 24 * 3600_000;
const systemClock = { now: () => new Date() };

beforeAll(async () => {
  stack = await startTestStack();
  client = gatewayDynamo(stack);
  raw = DynamoDBDocumentClient.from(client);
});
afterAll(() => stack?.close());

const store = (clock = systemClock) => createDynamoAccessKeyStore({ client, tableName: table, clock });
const newOwner = () => `user-${randomBytes(4).toString('hex')}`;

function key(owner: string, createdAt: Date, overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    id: randomAccessKeyIds.accessKeyId(),
    owner,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + 7 * DAY_MS).toISOString(),
    salt: randomAccessKeyIds.salt(),
    authMethods: ['pwd'],
    status: 'active',
    ...overrides,
  };
}

describe('put and get', () => {
  it('stores a key and reads it back as it was, volumes included or left out', async () => {
    const s = store();
    const limited = key(newOwner(), new Date(), { volumeIds: ['vol-a', 'vol-b'], authMethods: ['pwd', 'mfa'] });
    const unlimited = key(newOwner(), new Date());
    await s.put(limited);
    await s.put(unlimited);
    expect(await s.get(limited.id)).toEqual(limited);
    expect(await s.get(unlimited.id)).toEqual(unlimited);
    expect(await s.get(randomAccessKeyIds.accessKeyId())).toBeUndefined();
    expect(await s.get('not-an-id')).toBeUndefined();
  });

  it('keeps the item as the table declares it: pk, owner, createdAt, and expiresAtEpoch for TTL; no secret', async () => {
    const k = key(newOwner(), new Date('2026-03-01T12:00:00.000Z'), { expiresAt: '2026-03-08T12:00:00.500Z' });
    await store().put(k);
    const { Item } = await raw.send(new GetCommand({ TableName: table, Key: { pk: k.id }, ConsistentRead: true }));
    expect(Item).toEqual({
      pk: k.id,
      owner: k.owner,
      createdAt: k.createdAt,
      expiresAt: k.expiresAt,
      expiresAtEpoch: Math.floor(Date.parse('2026-03-08T12:00:00.500Z') / 1000),
      salt: k.salt,
      authMethods: ['pwd'],
      status: 'active',
    });
  });

  it('lets the table’s TTL sweep a key once expiresAtEpoch has passed', async () => {
    const s = store();
    const gone = key(newOwner(), new Date(Date.now() - 2 * DAY_MS), { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const kept = key(newOwner(), new Date());
    await s.put(gone);
    await s.put(kept);
    await stack.dynamo.sweepExpired();
    expect(await s.get(gone.id)).toBeUndefined();
    expect(await s.get(kept.id)).toEqual(kept);
  });

  it('refuses a second key with the same id as AccessKeyIdTaken, leaving the first', async () => {
    const s = store();
    const first = key(newOwner(), new Date());
    await s.put(first);
    await expect(s.put({ ...first, owner: 'mallory', salt: 'other' })).rejects.toMatchObject({ status: 409, code: 'AccessKeyIdTaken' });
    expect(await s.get(first.id)).toEqual(first);
  });
});

describe('remove', () => {
  it('deletes the owner’s key and answers what was deleted', async () => {
    const s = store();
    const k = key(newOwner(), new Date(), { volumeIds: ['vol-a'] });
    await s.put(k);
    expect(await s.remove(k.id, k.owner)).toEqual(k);
    expect(await s.get(k.id)).toBeUndefined();
    expect(await s.remove(k.id, k.owner)).toBeUndefined();
  });

  it('leaves another owner’s key alone and answers undefined', async () => {
    const s = store();
    const k = key(newOwner(), new Date());
    await s.put(k);
    expect(await s.remove(k.id, 'mallory')).toBeUndefined();
    expect(await s.get(k.id)).toEqual(k);
  });

  it('answers undefined for an unknown or malformed id', async () => {
    expect(await store().remove(randomAccessKeyIds.accessKeyId(), 'alice')).toBeUndefined();
    expect(await store().remove('../../etc', 'alice')).toBeUndefined();
  });
});

describe('listByOwner', () => {
  it('lists one owner’s keys newest first, 3 at a time, each exactly once, with no token after the last', async () => {
    const s = store();
    const owner = newOwner();
    const start = Date.now() - 60_000;
    const keys = Array.from({ length: 7 }, (_, i) => key(owner, new Date(start + i * 1000)));
    for (const k of [...keys].sort(() => Math.random() - 0.5)) await s.put(k);
    await s.put(key(newOwner(), new Date(start)));
    const pages: AccessKeyRecord[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.listByOwner(owner, { limit: 3, nextToken });
      pages.push(page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...keys].reverse());
  });

  it('leaves out keys that have expired but that the TTL sweeper has not removed yet', async () => {
    const owner = newOwner();
    const now = new Date();
    const live = key(owner, now);
    const expired = key(owner, new Date(now.getTime() - 1000), { expiresAt: new Date(now.getTime() + 60_000).toISOString() });
    await store().put(live);
    await store().put(expired);
    const later = store({ now: () => new Date(now.getTime() + 120_000) });
    expect((await later.listByOwner(owner, { limit: 10 })).items.map((k) => k.id)).toEqual([live.id]);
  });

  it('refuses a token from another owner’s listing, a forged token, and one from another listing', async () => {
    const s = store();
    const [alice, bob] = [newOwner(), newOwner()];
    for (let i = 0; i < 3; i++) await s.put(key(alice, new Date(Date.now() - i * 1000)));
    const page = await s.listByOwner(alice, { limit: 1 });
    expect(page.nextToken).toBeDefined();
    await expect(s.listByOwner(bob, { limit: 1, nextToken: page.nextToken! })).rejects.toMatchObject({
      status: 400,
      code: 'InvalidNextToken',
    });
    const forged = Buffer.from(JSON.stringify({ kind: 'owner-access-keys', key: { pk: 'x', owner: alice, createdAt: 'y' } })).toString(
      'base64url',
    );
    await expect(s.listByOwner(alice, { limit: 1, nextToken: forged })).rejects.toMatchObject({ code: 'InvalidNextToken' });
    const otherListing = Buffer.from(
      JSON.stringify({ kind: 'volume-audit', key: { pk: 'VOL#x', sk: '2026-01-01T00:00:00Z#r#1' } }),
    ).toString('base64url');
    await expect(s.listByOwner(alice, { limit: 1, nextToken: otherListing })).rejects.toMatchObject({ code: 'InvalidNextToken' });
  });
});

describe('when DynamoDB does not answer', () => {
  it('rejects with DependencyUnavailable, naming no SDK detail', async () => {
    const port = await closedPort();
    const broken = createDynamoAccessKeyStore({
      client: new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      }),
      tableName: table,
      clock: systemClock,
    });
    const id = randomAccessKeyIds.accessKeyId();
    for (const attempt of [
      broken.get(id),
      broken.put(key('alice', new Date())),
      broken.remove(id, 'alice'),
      broken.listByOwner('alice', { limit: 1 }),
    ]) {
      await expect(attempt).rejects.toMatchObject({
        status: 503,
        code: 'AccessKeyStoreUnavailable',
        message: 'The access key store did not answer; try again shortly.',
      });
    }
  });
});
