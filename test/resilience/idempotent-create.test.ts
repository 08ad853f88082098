/**
 * `POST /volumes` with `Idempotency-Key` against the real local stack: a client whose answer was lost retries
 * and gets the volume it created (201, `Idempotent-Replayed: true`), never 409 and never a second volume.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoWorld, startDynamoWorld, volumeBody } from './dynamo-world';

let w: DynamoWorld;
beforeAll(async () => {
  w = await startDynamoWorld();
});
afterAll(() => w?.close());
afterEach(() => w.stack.faults.clear());

let n = 0;
const freshName = () => `idem-${Date.now().toString(36)}-${++n}`;
const create = (name: string, key?: string, as = 'alice') =>
  w.api('POST', '/volumes', { as, body: volumeBody(name), ...(key ? { headers: { 'idempotency-key': key } } : {}) });

async function expectOneVolume(name: string): Promise<string> {
  const stored = await w.stored(name);
  expect(stored.claim?.volumeId).toBe(stored.volume?.id);
  expect(stored.members.map((m) => m.subject)).toEqual(['alice']);
  expect(stored.events.map((e) => e.action)).toEqual(['volume.create']);
  return stored.volume!.id;
}

describe('POST /volumes with an Idempotency-Key', () => {
  it('a retry whose first answer the client never read (it gave up waiting) answers the same volume, not 409', async () => {
    const name = freshName();
    const key = randomUUID();
    // The write commits after 400 ms; the client stops waiting at 100 ms, so the 201 goes nowhere.
    w.stack.faults.add({ target: 'dynamodb', action: 'TransactWriteItems', fault: { kind: 'slow', delayMs: 400 }, times: 1 });
    const lost = await fetch(`${w.stack.info.apiUrl}/volumes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.stack.token({ sub: 'alice' })}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(volumeBody(name)),
      signal: AbortSignal.timeout(100),
    }).catch((error: Error) => error);
    expect(lost).toBeInstanceOf(Error);
    await expect.poll(async () => (await w.stored(name)).volume, { timeout: 5000, interval: 100 }).toBeDefined();

    const retry = await create(name, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ name, owner: 'alice', status: 'pending', access: { membership: 'admin' } });
    expect(retry.body.setup.trustPolicy).toBeDefined();
    expect(await expectOneVolume(name)).toBe(retry.body.id);
  });

  it('the first answer is 201 without the replay header; each retry repeats the volume and writes nothing', async () => {
    const name = freshName();
    const key = randomUUID();
    const first = await create(name, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (let i = 0; i < 2; i++) {
      const again = await create(name, key);
      expect([again.status, again.headers.get('idempotent-replayed'), again.body.id, again.body.externalId]).toEqual([
        201,
        'true',
        first.body.id,
        first.body.externalId,
      ]);
    }
    await expectOneVolume(name);
  });

  it('without a key, the same retry meets its own name claim: 409 VolumeNameTaken', async () => {
    const name = freshName();
    expect((await create(name)).status).toBe(201);
    const again = await create(name);
    expect([again.status, again.body.code]).toEqual([409, 'VolumeNameTaken']);
  });

  it('the same key with a different body is 422 IdempotencyKeyReused, and nothing is written', async () => {
    const name = freshName();
    const other = freshName();
    const key = randomUUID();
    expect((await create(name, key)).status).toBe(201);
    const reused = await create(other, key);
    expect([reused.status, reused.body.code]).toEqual([422, 'IdempotencyKeyReused']);
    expect(await w.stored(other)).toEqual({ claim: undefined, volume: undefined, members: [], events: [] });
  });

  it('concurrent requests with one key create one volume, and every one of them answers it', async () => {
    const name = freshName();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(name, key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await expectOneVolume(name)).toBe(answers[0]!.body.id);
  });

  it('a create whose DynamoDB answer was lost, then retried by the client with its key, is one volume', async () => {
    const name = freshName();
    const key = randomUUID();
    w.stack.faults.add({ target: 'dynamodb', action: 'TransactWriteItems', fault: { kind: 'lose-answer' }, times: 1 });
    const first = await create(name, key);
    expect(first.status).toBe(201);
    const retry = await create(name, key);
    expect([retry.status, retry.body.id]).toEqual([201, first.body.id]);
    await expectOneVolume(name);
  });

  it("keys belong to their caller: bob sending alice's key creates his own volume", async () => {
    const key = randomUUID();
    const alices = await create(freshName(), key);
    const bobs = await create(freshName(), key, 'bob');
    expect([bobs.status, bobs.headers.get('idempotent-replayed'), bobs.body.owner]).toEqual([201, null, 'bob']);
    expect(bobs.body.id).not.toBe(alices.body.id);
  });

  it('refuses a malformed key with 400 InvalidIdempotencyKey, before anything is written', async () => {
    const name = freshName();
    const answer = await create(name, 'x'.repeat(256));
    expect([answer.status, answer.body.code, answer.body.field]).toEqual([400, 'InvalidIdempotencyKey', 'Idempotency-Key']);
    expect((await w.stored(name)).volume).toBeUndefined();
  });

  it('is described in the OpenAPI document: the header, the replay header and the 422', async () => {
    const document = (await (await fetch(`${w.stack.info.apiUrl}/openapi.json`)).json()) as any;
    const operation = document.paths['/volumes'].post;
    expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '409', '422', '503']));
    expect(operation.responses['201'].headers).toHaveProperty('Idempotent-Replayed');
  });
});
