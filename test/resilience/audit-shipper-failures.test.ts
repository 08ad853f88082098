/**
 * The audit shipper when DynamoDB does not take its batches, against the local stack's DynamoDB (its wire
 * protocol, its fault injector): the shipper throws (so Lambda retries the delivery, then sends it to the
 * on-failure queue), also when DynamoDB wrote part of the batch or left items unprocessed; replaying the failure
 * queue's records once the table is back writes every event exactly once.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CloudWatchLogsEvent, handler } from '../../functions/audit-shipper/handler';
import { auditLine } from '../../shared/adapters/audit-stream';
import { createAuditShipper } from '../../shared/adapters/dynamodb/audit-shipper';
import { BatchIncomplete } from '../../shared/adapters/dynamodb/batch';
import type { AuditEvent } from '../../shared/volumes/model';
import { gatewayDynamo, localTables } from '../shared/adapters/helpers';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let client: DynamoDBClient;
const table = { tableName: localTables().audit, retentionDays: 30 };
const env = { ...process.env };

beforeAll(async () => {
  stack = await startTestStack({ shipAudit: false });
  client = gatewayDynamo(stack);
  // The shipper function's environment (it builds its client from it at its first call).
  Object.assign(process.env, { AUDIT_TABLE: table.tableName, AUDIT_RETENTION_DAYS: '30' });
});
afterAll(async () => {
  process.env = env;
  await stack?.close();
});
afterEach(() => stack.faults.clear());

/** `count` events of one new volume, and their lines as the data routes write them. */
function events(count: number): { volumeId: string; lines: string[] } {
  const volumeId = `vol-${randomBytes(5).toString('hex')}`;
  const lines = Array.from({ length: count }, (_, i) => {
    const event: AuditEvent = {
      volumeId,
      at: new Date(Date.now() + i).toISOString(),
      subject: 'alice',
      action: 'presign',
      outcome: 'allowed',
      requestId: `req-${i}`,
      detail: { key: `runs/${i}.bam` },
    };
    return auditLine(event, `e${i}`);
  });
  return { volumeId, lines };
}

/** A CloudWatch Logs subscription delivery of `lines`. */
const delivery = (lines: string[]): CloudWatchLogsEvent => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: '/aws/lambda/volume-gateway-local-presign',
        logEvents: lines.map((message, i) => ({ id: String(i), timestamp: Date.now(), message })),
      }),
    ).toString('base64'),
  },
});

/** The failure queue's messages as its event source hands them to the shipper: Lambda's on-failure records. */
const failureQueueBatch = (...deliveries: CloudWatchLogsEvent[]) => ({
  Records: deliveries.map((requestPayload, i) => ({
    messageId: `m${i}`,
    body: JSON.stringify({
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: `r${i}`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'BatchIncomplete', errorMessage: 'BatchWriteItem failed' },
    }),
  })),
});

/** The audit items stored for a volume, read strongly. */
async function stored(volumeId: string): Promise<Record<string, any>[]> {
  const db = DynamoDBDocumentClient.from(client);
  const answer = await db.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `VOL#${volumeId}` },
      ConsistentRead: true,
    }),
  );
  return answer.Items ?? [];
}

const requestIds = (items: Record<string, any>[]) => items.map((item) => item.requestId).sort();

describe('the audit shipper when DynamoDB fails', () => {
  it('throws while DynamoDB is down; the failure queue, replayed after recovery, writes every event exactly once', async () => {
    const { volumeId, lines } = events(30);
    stack.faults.add({ target: 'dynamodb', action: 'BatchWriteItem', fault: { kind: 'down' } });
    await expect(handler(delivery(lines))).rejects.toThrow();
    // Still down: the replay keeps the message on the queue (reported as failed), and writes nothing.
    expect(await handler(failureQueueBatch(delivery(lines)))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    stack.faults.clear();
    expect(await stored(volumeId)).toEqual([]);
    // The same delivery twice on the queue (CloudWatch Logs redelivered it): still one item per event.
    expect(await handler(failureQueueBatch(delivery(lines), delivery(lines)))).toEqual({ batchItemFailures: [] });
    expect(requestIds(await stored(volumeId))).toEqual(Array.from({ length: 30 }, (_, i) => `req-${i}`).sort());
  });

  it('throws when DynamoDB took the first 25 of a batch and failed the rest; the replay adds the rest, none twice', async () => {
    const { volumeId, lines } = events(40);
    // The first BatchWriteItem goes through; every later one meets a dead connection.
    stack.faults.add({ target: 'dynamodb', action: 'BatchWriteItem', fault: { kind: 'slow', delayMs: 0 }, times: 1 });
    stack.faults.add({ target: 'dynamodb', action: 'BatchWriteItem', fault: { kind: 'down' } });
    await expect(handler(delivery(lines))).rejects.toThrow();
    expect(await stored(volumeId)).toHaveLength(25);
    stack.faults.clear();
    expect(await handler(failureQueueBatch(delivery(lines)))).toEqual({ batchItemFailures: [] });
    const items = await stored(volumeId);
    expect(items).toHaveLength(40);
    expect(new Set(items.map((item) => item.sk)).size).toBe(40);
  });

  it('throws BatchIncomplete when DynamoDB leaves items unprocessed after every retry, so Lambda retries the delivery', async () => {
    const { volumeId, lines } = events(3);
    const refusing = gatewayDynamo(stack);
    // DynamoDB under pressure: it answers, and hands every item back unprocessed.
    refusing.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchWriteItemCommand') (result.output as any).UnprocessedItems = (args.input as any).RequestItems;
        return result;
      },
      { step: 'initialize' },
    );
    const shipper = createAuditShipper({ client: refusing, table, retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} } });
    await expect(shipper.ship(lines)).rejects.toBeInstanceOf(BatchIncomplete);
    // What it did write is written under each event's own key: shipping the batch again adds nothing twice.
    await createAuditShipper({ client, table }).ship(lines);
    expect(await stored(volumeId)).toHaveLength(3);
  });
});
