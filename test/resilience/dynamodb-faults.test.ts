/**
 * DynamoDB throttled, failing, down, or losing its answers, under the real local stack: every API route that
 * needs it answers 503 with a stable code and Retry-After; nothing is half-written (a volume, its name claim,
 * its owner's membership and its audit event are all stored or none; the same for members and access keys),
 * which the tests check by reading the tables as the platform does; and a write whose answer was lost (the
 * SDK resends it) succeeds once instead of answering a conflict.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../local/aws/faults';
import { type DynamoWorld, startDynamoWorld, volumeBody } from './dynamo-world';

let w: DynamoWorld;
beforeAll(async () => {
  w = await startDynamoWorld();
});
afterAll(() => w?.close());
afterEach(() => w.stack.faults.clear());

let n = 0;
const freshName = () => `faults-${Date.now().toString(36)}-${++n}`;

/** Faults every write of DynamoDB this service makes (transactions and single-item writes). */
function faultWrites(fault: Fault, times?: number): void {
  for (const action of ['TransactWriteItems', 'PutItem', 'DeleteItem', 'UpdateItem'])
    w.stack.faults.add({ target: 'dynamodb', action, fault, ...(times ? { times } : {}) });
}

function expectUnavailable(answer: { status: number; headers: Headers; body: any }, code = /Unavailable$/): void {
  expect(answer.status).toBe(503);
  expect(answer.body.code).toMatch(code);
  expect(answer.body.message).not.toMatch(/Exception|ECONNRESET|socket|dynamodb/i);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

async function expectWholeVolume(name: string, events = 1): Promise<string> {
  const stored = await w.stored(name);
  expect(stored.claim?.volumeId).toBe(stored.volume?.id);
  expect(stored.members.map((m) => m.subject)).toEqual(['alice']);
  expect(stored.events.map((e) => e.action)).toEqual(Array(events).fill('volume.create'));
  return stored.volume!.id;
}

async function expectNoVolume(name: string): Promise<void> {
  expect(await w.stored(name)).toEqual({ claim: undefined, volume: undefined, members: [], events: [] });
}

async function createVolume(name = freshName()): Promise<{ id: string; name: string }> {
  const created = await w.api('POST', '/volumes', { body: volumeBody(name) });
  expect(created.status).toBe(201);
  return { id: created.body.id, name };
}

describe('creating a volume while DynamoDB is unwell', () => {
  it.each<[string, Fault]>([
    ['throttled', { kind: 'throttle' }],
    ['failing (500)', { kind: 'fail' }],
    ['down (connection reset)', { kind: 'down' }],
  ])(
    '%s: 503 VolumeStoreUnavailable with Retry-After, nothing stored; the same request succeeds once DynamoDB is back',
    async (_name, fault) => {
      const name = freshName();
      faultWrites(fault);
      expectUnavailable(await w.api('POST', '/volumes', { body: volumeBody(name) }), /^VolumeStoreUnavailable$/);
      await expectNoVolume(name);
      w.stack.faults.clear();
      expect((await w.api('POST', '/volumes', { body: volumeBody(name) })).status).toBe(201);
      await expectWholeVolume(name);
    },
  );

  it('a failing audit write cannot leave a volume without its event: all of it is stored, or none', async () => {
    const name = freshName();
    w.stack.faults.add({ target: 'dynamodb', action: 'PutItem', fault: { kind: 'fail' } });
    const answer = await w.api('POST', '/volumes', { body: volumeBody(name) });
    if (answer.status === 201) await expectWholeVolume(name);
    else {
      await expectNoVolume(name);
      expectUnavailable(answer);
    }
  });

  it('a create whose DynamoDB answer was lost (committed, then the connection reset) answers 201 once, not 409', async () => {
    const name = freshName();
    faultWrites({ kind: 'lose-answer' }, 1);
    const answer = await w.api('POST', '/volumes', { body: volumeBody(name) });
    expect(answer.status).toBe(201);
    expect(await expectWholeVolume(name)).toBe(answer.body.id);
  });
});

describe('changing and deleting a volume while DynamoDB loses answers', () => {
  it('an update and a delete whose answers were lost answer 200 and 204 once, each with one event', async () => {
    const volume = await createVolume();
    faultWrites({ kind: 'lose-answer' }, 1);
    const changed = await w.api('PATCH', `/volumes/${volume.id}`, { body: { description: 'after a lost answer' } });
    expect([changed.status, changed.body.description]).toEqual([200, 'after a lost answer']);
    expect((await w.events(volume.id)).filter((e) => e.action === 'volume.update')).toHaveLength(1);

    faultWrites({ kind: 'lose-answer' }, 1);
    expect((await w.api('DELETE', `/volumes/${volume.id}`)).status).toBe(204);
    expect(await w.stored(volume.name)).toMatchObject({ claim: undefined, volume: undefined, members: [] });
    expect((await w.events(volume.id)).filter((e) => e.action === 'volume.delete')).toHaveLength(1);
  });
});

describe('members while DynamoDB is unwell', () => {
  it('adding a member under a throttled or failing DynamoDB is 503 and adds nothing: no membership, no event', async () => {
    const volume = await createVolume();
    for (const fault of [{ kind: 'throttle' }, { kind: 'fail', status: 503 }] as Fault[]) {
      faultWrites(fault);
      expectUnavailable(await w.api('PUT', `/volumes/${volume.id}/members/bob`, { body: { access: 'read' } }));
      w.stack.faults.clear();
    }
    expect((await w.members(volume.id)).map((m) => m.subject)).toEqual(['alice']);
    expect((await w.events(volume.id)).map((e) => e.action)).toEqual(['volume.create']);
  });

  it('a failing audit write cannot leave a membership without its event (added or removed)', async () => {
    const volume = await createVolume();
    w.stack.faults.add({ target: 'dynamodb', action: 'PutItem', fault: { kind: 'fail' } });
    const added = await w.api('PUT', `/volumes/${volume.id}/members/bob`, { body: { access: 'write' } });
    const bobIn = (await w.members(volume.id)).some((m) => m.subject === 'bob');
    const putEvents = (await w.events(volume.id)).filter((e) => e.action === 'member.put');
    expect(bobIn ? [added.status, putEvents.length] : [added.status, putEvents.length]).toEqual(bobIn ? [200, 1] : [503, 0]);
    w.stack.faults.clear();
    if (!bobIn) expect((await w.api('PUT', `/volumes/${volume.id}/members/bob`, { body: { access: 'write' } })).status).toBe(200);

    w.stack.faults.add({ target: 'dynamodb', action: 'PutItem', fault: { kind: 'fail' } });
    const removed = await w.api('DELETE', `/volumes/${volume.id}/members/bob`);
    const bobStill = (await w.members(volume.id)).some((m) => m.subject === 'bob');
    const deleteEvents = (await w.events(volume.id)).filter((e) => e.action === 'member.delete');
    expect([removed.status, bobStill, deleteEvents.length]).toEqual(bobStill ? [503, true, 0] : [204, false, 1]);
  });

  it('removing a member while DynamoDB is down is 503 and removes nothing', async () => {
    const volume = await createVolume();
    expect((await w.api('PUT', `/volumes/${volume.id}/members/carol`, { body: { access: 'read' } })).status).toBe(200);
    faultWrites({ kind: 'down' });
    expectUnavailable(await w.api('DELETE', `/volumes/${volume.id}/members/carol`));
    w.stack.faults.clear();
    expect((await w.members(volume.id)).map((m) => m.subject).sort()).toEqual(['alice', 'carol']);
    expect((await w.events(volume.id)).filter((e) => e.action === 'member.delete')).toEqual([]);
  });

  it('adding a member whose DynamoDB answers were lost answers 200 once, with one membership and one event', async () => {
    const volume = await createVolume();
    faultWrites({ kind: 'lose-answer' }, 1);
    expect((await w.api('PUT', `/volumes/${volume.id}/members/dave`, { body: { access: 'read' } })).status).toBe(200);
    expect((await w.members(volume.id)).filter((m) => m.subject === 'dave')).toHaveLength(1);
    expect((await w.events(volume.id)).filter((e) => e.action === 'member.put')).toHaveLength(1);
  });
});

describe('access keys while DynamoDB is unwell', () => {
  it('creating a key under a throttled DynamoDB is 503 and stores neither the key nor its audit event', async () => {
    const volume = await createVolume();
    faultWrites({ kind: 'throttle' });
    expectUnavailable(await w.api('POST', '/access-keys', { as: 'alice', body: { volumes: [volume.name] } }));
    w.stack.faults.clear();
    expect((await w.events(volume.id)).filter((e) => e.action === 'access-key.create')).toEqual([]);
    expect((await w.accessKeys('alice')).filter((k) => k.volumeIds?.includes(volume.id))).toEqual([]);
  });

  it('a key whose DynamoDB answer was lost is handed out once (201), stored once with its event, not left behind by a 409', async () => {
    const volume = await createVolume();
    faultWrites({ kind: 'lose-answer' }, 1);
    const created = await w.api('POST', '/access-keys', { as: 'alice', body: { volumes: [volume.name] } });
    expect(created.status).toBe(201);
    const keys = (await w.accessKeys('alice')).filter((k) => k.volumeIds?.includes(volume.id));
    expect(keys.map((k) => k.pk)).toEqual([created.body.accessKeyId]);
    expect((await w.events(volume.id)).filter((e) => e.action === 'access-key.create').map((e) => e.detail.accessKeyId)).toEqual([
      created.body.accessKeyId,
    ]);
  });
});

describe('every API route that needs DynamoDB, while it is down', () => {
  it('answers 503 with a stable *Unavailable code and Retry-After, never 500 or a hang', async () => {
    const volume = await createVolume();
    const key = await w.api('POST', '/access-keys', { body: {} });
    expect(key.status).toBe(201);
    w.stack.faults.add({ target: 'dynamodb', fault: { kind: 'down' } });
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/volumes', volumeBody(freshName())],
      ['GET', '/volumes'],
      ['GET', `/volumes/${volume.id}`],
      ['PATCH', `/volumes/${volume.id}`, { description: 'changed' }],
      ['DELETE', `/volumes/${volume.id}`],
      ['POST', `/volumes/${volume.id}/verify`],
      ['PUT', `/volumes/${volume.id}/members/erin`, { access: 'read' }],
      ['GET', `/volumes/${volume.id}/members`],
      ['DELETE', `/volumes/${volume.id}/members/erin`],
      ['GET', `/volumes/${volume.id}/audit`],
      ['POST', `/volumes/${volume.id}/credentials`, {}],
      ['POST', `/volumes/${volume.id}/presign`, { key: 'a.txt', method: 'GET' }],
      ['GET', `/volumes/${volume.id}/download/a.txt`],
      ['GET', `/volumes/${volume.id}/nextflow-config`],
      ['POST', '/access-keys', {}],
      ['GET', '/access-keys'],
      ['DELETE', `/access-keys/${key.body.accessKeyId}`],
    ];
    const answers = await Promise.all(
      routes.map(
        async ([method, path, body]) => [`${method} ${path}`, await w.api(method, path, body === undefined ? {} : { body })] as const,
      ),
    );
    const seen = answers.map(([route, a]) => [route, a.status, a.body?.code, a.headers.get('retry-after')]);
    expect(seen).toEqual(answers.map(([route]) => [route, 503, expect.stringMatching(/Unavailable$/), '1']));
    w.stack.faults.clear();
    // Nothing was changed by any of them.
    expect((await w.api('GET', `/volumes/${volume.id}`)).body).toMatchObject({ id: volume.id, name: volume.name });
    expect((await w.api('GET', '/access-keys')).body.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toContain(
      key.body.accessKeyId,
    );
  });
});
