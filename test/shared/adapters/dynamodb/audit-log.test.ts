/**
 * The DynamoDB audit log against the local stack's DynamoDB (with its TTL sweeper), as our service.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditLog } from '../../../../shared/adapters/dynamodb/audit-log';
import type { AuditEvent } from '../../../../shared/volumes/model';
import { startTestStack, type TestStack } from '../../../support/local-stack';
import { gatewayDynamo, localTables } from '../helpers';

let stack: TestStack;
let client: DynamoDBClient;
let raw: DynamoDBDocumentClient;
const table = localTables().audit;
const DAY = 24 * 3600;

beforeAll(async () => {
  stack = await startTestStack();
  client = gatewayDynamo(stack);
  raw = DynamoDBDocumentClient.from(client);
});
afterAll(() => stack?.close());

const systemClock = { now: () => new Date() };
const auditLog = (retentionDays = 30, clock = systemClock) => createDynamoAuditLog({ client, tableName: table, retentionDays, clock });
const newVolumeId = () => `vol-${randomBytes(5).toString('hex')}`;

function event(volumeId: string, at: Date, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    volumeId,
    at: at.toISOString(),
    subject: 'alice',
    action: 'volume.verify',
    outcome: 'succeeded',
    requestId: `req-${randomBytes(3).toString('hex')}`,
    ...overrides,
  };
}

async function rawItems(volumeId: string) {
  return (
    (
      await raw.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `VOL#${volumeId}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []
  );
}

describe('record and list', () => {
  it('lists events newest first, 5 at a time, each exactly once, with no token after the last', async () => {
    const log = auditLog();
    const volumeId = newVolumeId();
    const start = Date.now() - 60_000;
    const events = Array.from({ length: 12 }, (_, i) => event(volumeId, new Date(start + i * 1000), { detail: { check: `c${i}` } }));
    for (const e of [...events].sort(() => Math.random() - 0.5)) await log.record(e);
    const pages: AuditEvent[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await log.list(volumeId, { limit: 5, nextToken });
      pages.push(page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual([...events].reverse());
  });

  it('keeps two events of one request in the same millisecond', async () => {
    const log = auditLog();
    const volumeId = newVolumeId();
    const at = new Date();
    const a = event(volumeId, at, { requestId: 'req-same', action: 'member.put' });
    const b = event(volumeId, at, { requestId: 'req-same', action: 'member.delete' });
    await Promise.all([log.record(a), log.record(b)]);
    const listed = await log.list(volumeId, { limit: 10 });
    expect(listed.items).toHaveLength(2);
    expect(listed.items.map((e) => e.action).sort()).toEqual(['member.delete', 'member.put']);
  });

  it('stores expiresAt as the event time plus the retention, in epoch seconds, and a time-ordered sort key', async () => {
    const volumeId = newVolumeId();
    const at = new Date('2026-11-22T10:00:00.123Z');
    await auditLog(90, { now: () => at }).record(event(volumeId, at, { requestId: 'req-1' }));
    const [item] = await rawItems(volumeId);
    expect(item!.expiresAt).toBe(Math.floor(at.getTime() / 1000) + 90 * DAY);
    expect(item!.sk).toMatch(/^2026-11-22T10:00:00\.123Z#req-1#[0-9a-f]{12}$/);
  });

  it('does not list an event past its retention that the sweeper has not removed yet', async () => {
    const volumeId = newVolumeId();
    const now = new Date();
    const log = auditLog(1, { now: () => new Date(now.getTime() + 2 * DAY * 1000) });
    await log.record(event(volumeId, now));
    expect((await log.list(volumeId, { limit: 10 })).items).toEqual([]);
    expect(await rawItems(volumeId)).toHaveLength(1);
  });

  it('refuses a nextToken from another volume’s audit, or a tampered one (InvalidNextToken)', async () => {
    const log = auditLog();
    const volumeId = newVolumeId();
    for (let i = 0; i < 3; i++) await log.record(event(volumeId, new Date(Date.now() - i * 1000)));
    const { nextToken } = await log.list(volumeId, { limit: 1 });
    expect(nextToken).toBeDefined();
    await expect(log.list(volumeId, { limit: 1, nextToken })).resolves.toMatchObject({ items: [expect.anything()] });
    const invalid = { status: 400, code: 'InvalidNextToken' };
    await expect(log.list(newVolumeId(), { limit: 1, nextToken })).rejects.toMatchObject(invalid);
    await expect(log.list(volumeId, { limit: 1, nextToken: `${nextToken}x` })).rejects.toMatchObject(invalid);
    const forged = Buffer.from(JSON.stringify({ kind: 'volume-audit', key: { pk: `VOL#${volumeId}`, sk: 'META' } })).toString('base64url');
    await expect(log.list(volumeId, { limit: 1, nextToken: forged })).rejects.toMatchObject(invalid);
  });
});

describe('retention', () => {
  it('lets the TTL sweeper remove events past their retention and keep the others', async () => {
    const volumeId = newVolumeId();
    const now = new Date();
    await auditLog(1).record(event(volumeId, now, { action: 'short-lived' }));
    await auditLog(30).record(event(volumeId, now, { action: 'long-lived' }));
    expect(await rawItems(volumeId)).toHaveLength(2);
    stack.advanceClock(2 * DAY);
    try {
      expect(await stack.dynamo.sweepExpired()).toBeGreaterThanOrEqual(1);
    } finally {
      stack.advanceClock(-2 * DAY);
    }
    expect((await rawItems(volumeId)).map((item) => item.action)).toEqual(['long-lived']);
    expect((await auditLog(30).list(volumeId, { limit: 10 })).items.map((e) => e.action)).toEqual(['long-lived']);
  });
});
