/**
 * The DynamoDB volume repository against the local stack's DynamoDB, as our service: a session of the
 * platform role, which holds exactly the IAM statements serverless.yml deploys.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../../../shared/adapters/dynamodb/volume-items';
import { createDynamoVolumeRepository } from '../../../../shared/adapters/dynamodb/volume-repository';
import { idempotencyRecord } from '../../../../shared/volumes/idempotency';
import type { Member, Volume } from '../../../../shared/volumes/model';
import { IdempotencyKeyInUse, type VolumeRepository } from '../../../../shared/volumes/ports';
import { startTestStack, type TestStack } from '../../../support/local-stack';
import { closedPort, gatewayDynamo, localTables } from '../helpers';

let stack: TestStack;
let repo: VolumeRepository;
let raw: DynamoDBDocumentClient;
const table = localTables().volumes;

beforeAll(async () => {
  stack = await startTestStack();
  const client = gatewayDynamo(stack);
  repo = createDynamoVolumeRepository({ client, tableName: table });
  raw = DynamoDBDocumentClient.from(client);
});
afterAll(() => stack?.close());

const unique = () => randomBytes(5).toString('hex');
const at = '2026-11-22T10:00:00.000Z';

function volume(overrides: Partial<Volume> = {}): Volume {
  const id = overrides.id ?? `vol-${unique()}`;
  return {
    id,
    name: `lab-${id.slice(4)}`,
    bucket: 'lab-genomes',
    prefix: 'project',
    region: 'us-east-1',
    accessMode: 'read-only',
    auth: { type: 'role', roleArn: 'arn:aws:iam::111111111111:role/VolumeGatewayAccess' },
    requireMfa: false,
    externalId: `vg-${unique()}`,
    status: 'pending',
    ownerSubject: 'alice',
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

const member = (v: Volume, subject: string, access: Member['access'] = 'read'): Member => ({
  volumeId: v.id,
  subject,
  access,
  addedBy: v.ownerSubject,
  addedAt: at,
});
const ownerOf = (v: Volume): Member => member(v, v.ownerSubject, 'admin');

async function createOwned(overrides: Partial<Volume> = {}): Promise<Volume> {
  const v = volume(overrides);
  await repo.create(v, ownerOf(v));
  return v;
}

async function rawItem(pk: string, sk: string) {
  return (await raw.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

async function allPages<T>(list: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await list(nextToken);
    pages.push(page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return pages;
}

describe('create, get and getByName', () => {
  it('stores a volume with every field, finds it by id and by name, and makes the owner an admin member', async () => {
    const v = volume({
      description: 'Sequencing runs, 2026',
      requireMfa: true,
      prefix: '',
      lastVerification: { at, status: 'failed', checks: [{ name: 'assume-role', ok: false, detail: 'AccessDenied' }] },
    });
    await repo.create(v, ownerOf(v));
    expect(await repo.get(v.id)).toEqual(v);
    expect(await repo.getByName(v.name)).toEqual(v);
    expect(await repo.getMember(v.id, 'alice')).toEqual(ownerOf(v));
  });

  it('stores the documented item layout: volume, name claim, and membership indexed by subject', async () => {
    const v = await createOwned();
    expect(await rawItem(`VOL#${v.id}`, 'META')).toMatchObject({ type: 'volume', id: v.id, name: v.name, version: 1 });
    expect(await rawItem(`NAME#${v.name}`, 'NAME')).toEqual({ pk: `NAME#${v.name}`, sk: 'NAME', type: 'name', volumeId: v.id });
    expect(await rawItem(`VOL#${v.id}`, 'MEMBER#alice')).toMatchObject({ gsi1pk: 'SUBJECT#alice', gsi1sk: `VOL#${v.id}`, access: 'admin' });
  });

  it('answers undefined for an unknown id or name', async () => {
    expect(await repo.get('vol-nosuchvolume')).toBeUndefined();
    expect(await repo.getByName('no-such-volume')).toBeUndefined();
    expect(await repo.getMember('vol-nosuchvolume', 'alice')).toBeUndefined();
  });

  it('does not store an optional field that is absent', async () => {
    const v = volume();
    delete v.externalId;
    await repo.create(v, ownerOf(v));
    const item = await rawItem(`VOL#${v.id}`, 'META');
    expect(item).not.toHaveProperty('externalId');
    expect(item).not.toHaveProperty('description');
    expect(await repo.get(v.id)).toEqual(v);
  });

  it('lets exactly one of two concurrent creates of one name win; the loser gets VolumeNameTaken and nothing of it is stored', async () => {
    const name = `contested-${unique()}`;
    const first = volume({ name, ownerSubject: `owner-a-${unique()}` });
    const second = volume({ name, ownerSubject: `owner-b-${unique()}` });
    const results = await Promise.allSettled([repo.create(first, ownerOf(first)), repo.create(second, ownerOf(second))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.findIndex((r) => r.status === 'rejected');
    const [winner, loser] = lost === 1 ? [first, second] : [second, first];
    expect((results[lost] as PromiseRejectedResult).reason).toMatchObject({
      status: 409,
      code: 'VolumeNameTaken',
      message: `A volume named "${name}" already exists; choose another name.`,
    });
    expect(await repo.getByName(name)).toEqual(winner);
    expect(await rawItem(`VOL#${loser.id}`, 'META')).toBeUndefined();
    expect(await rawItem(`VOL#${loser.id}`, `MEMBER#${loser.ownerSubject}`)).toBeUndefined();
    expect((await repo.listForSubject(loser.ownerSubject, { limit: 10 })).items).toEqual([]);
  });

  it('refuses a second volume with a name already taken', async () => {
    const v = await createOwned();
    const again = volume({ name: v.name });
    await expect(repo.create(again, ownerOf(again))).rejects.toMatchObject({ code: 'VolumeNameTaken' });
  });

  it('stores the Idempotency-Key record with the volume; a live record refuses the key, an expired one is taken over', async () => {
    const key = `key-${unique()}`;
    const v = volume();
    const record = idempotencyRecord('alice', key, { name: v.name }, v.id, new Date(at));
    await repo.create(v, ownerOf(v), { idempotency: record });
    expect(await repo.getIdempotency('alice', key)).toEqual(record);
    expect(await repo.getIdempotency('bob', key)).toBeUndefined();

    const within = volume();
    const live = idempotencyRecord('alice', key, { name: within.name }, within.id, new Date(Date.parse(at) + 3600_000));
    await expect(repo.create(within, ownerOf(within), { idempotency: live })).rejects.toBeInstanceOf(IdempotencyKeyInUse);
    expect(await repo.get(within.id)).toBeUndefined();

    const after = volume();
    const fresh = idempotencyRecord('alice', key, { name: after.name }, after.id, new Date(Date.parse(record.expiresAt) + 1000));
    await repo.create(after, ownerOf(after), { idempotency: fresh });
    expect(await repo.getIdempotency('alice', key)).toEqual(fresh);
    const item = await rawItem(idempotencyKey('alice', key).pk, 'IDEMPOTENCY');
    expect(item).toMatchObject({ type: 'idempotency', volumeId: after.id, expiresAtEpoch: Math.floor(Date.parse(fresh.expiresAt) / 1000) });
  });
});

describe('update', () => {
  it('writes a volume whose stored version is the one named, and refuses a stale version (ConcurrentModification)', async () => {
    const v = await createOwned();
    const next = { ...v, description: 'first edit', version: 2 };
    await repo.update(next, 1);
    expect(await repo.get(v.id)).toEqual(next);
    const stale = { ...v, description: 'edit from an old read', version: 2 };
    await expect(repo.update(stale, 1)).rejects.toMatchObject({ status: 409, code: 'ConcurrentModification' });
    expect((await repo.get(v.id))?.description).toBe('first edit');
  });

  it('refuses to update a volume that does not exist', async () => {
    await expect(repo.update(volume(), 1)).rejects.toMatchObject({ code: 'ConcurrentModification' });
  });
});

describe('members', () => {
  it('puts, gets and deletes a membership', async () => {
    const v = await createOwned();
    await repo.putMember(member(v, 'bob', 'write'));
    expect(await repo.getMember(v.id, 'bob')).toEqual(member(v, 'bob', 'write'));
    await repo.putMember(member(v, 'bob', 'read'));
    expect((await repo.getMember(v.id, 'bob'))?.access).toBe('read');
    await repo.deleteMember(v.id, 'bob');
    expect(await repo.getMember(v.id, 'bob')).toBeUndefined();
  });

  it('refuses a membership of a volume that does not exist (VolumeNotFound), and stores nothing', async () => {
    const ghost = volume();
    await expect(repo.putMember(member(ghost, 'bob'))).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect(await rawItem(`VOL#${ghost.id}`, 'MEMBER#bob')).toBeUndefined();
  });

  it('lists members in pages of the size asked, ordered by subject', async () => {
    const v = await createOwned({ ownerSubject: 'm-owner' });
    const subjects = Array.from({ length: 11 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    for (const subject of subjects) await repo.putMember(member(v, subject));
    const pages = await allPages((nextToken) => repo.listMembers(v.id, { limit: 5, nextToken }));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((m) => m.subject)).toEqual([...subjects, 'm-owner']);
  });

  it('gives no token with the last page when the count is a multiple of the page size', async () => {
    const v = await createOwned();
    await repo.putMember(member(v, 'zed'));
    const page = await repo.listMembers(v.id, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextToken).toBeUndefined();
  });
});

describe('listForSubject', () => {
  it('returns each of 30 volumes exactly once, in volume-id order, 7 at a time', async () => {
    const subject = `carol-${unique()}`;
    const volumes: Volume[] = [];
    for (let i = 0; i < 30; i++) {
      const v = await createOwned({ ownerSubject: i % 2 ? subject : `someone-${unique()}` });
      if (!(i % 2)) await repo.putMember(member(v, subject, 'write'));
      volumes.push(v);
    }
    const pages = await allPages((nextToken) => repo.listForSubject(subject, { limit: 7, nextToken }));
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    const listed = pages.flat();
    expect(listed.map((e) => e.volume.id)).toEqual(volumes.map((v) => v.id).sort());
    for (const { volume: v, member: m } of listed) {
      expect(v).toEqual(volumes.find((x) => x.id === v.id));
      expect(m).toMatchObject({ volumeId: v.id, subject, access: v.ownerSubject === subject ? 'admin' : 'write' });
    }
    const whole = await repo.listForSubject(subject, { limit: 30 });
    expect(whole.items).toHaveLength(30);
    expect(whole.nextToken).toBeUndefined();
  });

  it('skips a membership whose volume is gone', async () => {
    const subject = `dana-${unique()}`;
    const kept = await createOwned({ ownerSubject: subject });
    const orphan = { ...member(volume(), subject, 'read') };
    await raw.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `VOL#${orphan.volumeId}`,
          sk: `MEMBER#${subject}`,
          gsi1pk: `SUBJECT#${subject}`,
          gsi1sk: `VOL#${orphan.volumeId}`,
          type: 'member',
          ...orphan,
        },
      }),
    );
    const page = await repo.listForSubject(subject, { limit: 10 });
    expect(page.items.map((e) => e.volume.id)).toEqual([kept.id]);
  });
});

describe('nextToken', () => {
  let subject: string;
  let token: string;
  let membersToken: string;
  let volumeId: string;

  beforeAll(async () => {
    subject = `erin-${unique()}`;
    for (let i = 0; i < 3; i++) await createOwned({ ownerSubject: subject });
    token = (await repo.listForSubject(subject, { limit: 1 })).nextToken!;
    const v = await createOwned();
    volumeId = v.id;
    await repo.putMember(member(v, 'x'));
    membersToken = (await repo.listMembers(v.id, { limit: 1 })).nextToken!;
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const invalid = { status: 400, code: 'InvalidNextToken', details: { field: 'nextToken' } };

  it('is accepted where it was given', async () => {
    await expect(repo.listForSubject(subject, { limit: 1, nextToken: token })).resolves.toMatchObject({ items: [expect.anything()] });
  });

  it.each([
    ['not base64url', () => 'not a token!'],
    ['base64url of something that is not JSON', () => Buffer.from('{{{').toString('base64url')],
    ['truncated', () => token.slice(0, -6)],
    ['a listing of another kind', () => membersToken],
    ['with key names of its own', () => encode({ kind: 'subject-volumes', key: { pk: 'VOL#x', sk: 'META' } })],
    [
      'with an extra key attribute',
      () => {
        const decoded = JSON.parse(Buffer.from(token, 'base64url').toString());
        return encode({ ...decoded, key: { ...decoded.key, extra: 'x' } });
      },
    ],
    [
      'with a key value that is not a string',
      () => {
        const decoded = JSON.parse(Buffer.from(token, 'base64url').toString());
        return encode({ ...decoded, key: { ...decoded.key, sk: { S: decoded.key.sk } } });
      },
    ],
  ])('is refused when %s (InvalidNextToken)', async (_, make) => {
    await expect(repo.listForSubject(subject, { limit: 1, nextToken: make() })).rejects.toMatchObject(invalid);
  });

  it('is refused for another subject, even one crafted to point into that subject’s memberships', async () => {
    await expect(repo.listForSubject('mallory', { limit: 1, nextToken: token })).rejects.toMatchObject(invalid);
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString());
    const pointed = encode({ ...decoded, key: { ...decoded.key, gsi1pk: 'SUBJECT#mallory' } });
    await expect(repo.listForSubject(subject, { limit: 1, nextToken: pointed })).rejects.toMatchObject(invalid);
  });

  it('is refused for another volume’s members', async () => {
    await expect(repo.listMembers(`${volumeId}x`, { limit: 1, nextToken: membersToken })).rejects.toMatchObject(invalid);
    await expect(repo.listMembers(volumeId, { limit: 1, nextToken: token })).rejects.toMatchObject(invalid);
  });
});

describe('delete', () => {
  it('removes the volume, its name claim and every membership (more than one batch), so the name can be used again', async () => {
    const v = await createOwned();
    const subjects = Array.from({ length: 30 }, (_, i) => `member-${i}-${unique()}`);
    for (const subject of subjects) await repo.putMember(member(v, subject));
    await repo.delete(v.id);
    expect(await repo.get(v.id)).toBeUndefined();
    expect(await repo.getByName(v.name)).toBeUndefined();
    expect(await rawItem(`NAME#${v.name}`, 'NAME')).toBeUndefined();
    const left = await raw.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `VOL#${v.id}` },
        ConsistentRead: true,
      }),
    );
    expect(left.Items).toEqual([]);
    expect((await repo.listForSubject(subjects[0]!, { limit: 5 })).items).toEqual([]);
    const reused = volume({ name: v.name });
    await repo.create(reused, ownerOf(reused));
    expect(await repo.getByName(v.name)).toEqual(reused);
  });

  it('is a no-op for a volume that does not exist', async () => {
    await expect(repo.delete('vol-nosuchvolume')).resolves.toBeUndefined();
  });
});

describe('when DynamoDB does not answer', () => {
  it('rejects with DependencyUnavailable, naming no SDK detail', async () => {
    const port = await closedPort();
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    });
    const broken = createDynamoVolumeRepository({ client, tableName: table });
    const error = await broken.get('vol-x').catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 503,
      code: 'VolumeStoreUnavailable',
      message: 'The volume store did not answer; try again shortly.',
    });
    await expect(broken.listMembers('vol-x', { limit: 1 })).rejects.toMatchObject({ status: 503 });
  });
});
