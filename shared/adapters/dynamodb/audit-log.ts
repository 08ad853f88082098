/**
 * The audit trail on DynamoDB: one item per event, `pk = VOL#<volumeId>`, `sk = <at>#<requestId>#<random>`
 * (time-ordered, and unique even for two events of one request in the same millisecond), with
 * `expiresAt` (epoch seconds) as the table's TTL attribute. Listed newest first.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../errors';
import type { AuditEvent, AuditOutcome, Page } from '../../volumes/model';
import type { AuditLog, Clock } from '../../volumes/ports';
import { dependencyFailure } from '../aws-errors';
import { documentClient } from './document-client';
import { checkLimit, decodePageToken, encodePageToken, pageFromQuery } from './page-token';

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long an event is kept: `expiresAt` = its time + this many days. */
  retentionDays: number;
  /** Decides which events have expired but not yet been swept (DynamoDB deletes them lazily). */
  clock: Clock;
  /** The sort key's random suffix; tests fix it. */
  random?: () => string;
}

const AUDIT_KEY = ['pk', 'sk'] as const;
const DAY_SECONDS = 24 * 3600;
const auditPk = (volumeId: string) => `VOL#${volumeId}`;

function toEvent(item: Record<string, unknown>): AuditEvent {
  const event: AuditEvent = {
    volumeId: item.volumeId as string,
    at: item.at as string,
    subject: item.subject as string,
    action: item.action as string,
    outcome: item.outcome as AuditOutcome,
    requestId: item.requestId as string,
  };
  if (item.detail !== undefined) event.detail = item.detail as Record<string, unknown>;
  return event;
}

/** Where events go, for writers that put an event in their own transaction (`auditPut`). */
export interface AuditTable {
  tableName: string;
  /** How long an event is kept: `expiresAt` = its time + this many days. */
  retentionDays: number;
}

const randomSuffix = () => randomBytes(6).toString('hex');

/**
 * The Put of one event: a new item (a repeated sort key never overwrites an event). The sort key uses the
 * canonical form of `at`, so events sort by time whatever form it was given in.
 */
export function auditPut(event: AuditEvent, table: AuditTable, random: () => string = randomSuffix) {
  return { TableName: table.tableName, Item: auditItem(event, table, random()), ConditionExpression: 'attribute_not_exists(pk)' };
}

/**
 * The item of one event whose sort key ends in `id` (random per event): the same event with the same id is the
 * same item, so writing it twice (a redelivered audit stream batch) stores it once.
 */
export function auditItem(event: AuditEvent, table: Pick<AuditTable, 'retentionDays'>, id: string) {
  const atMs = Date.parse(event.at);
  if (Number.isNaN(atMs)) throw new TypeError(`audit event time is not an ISO 8601 date: ${JSON.stringify(event.at)}`);
  return {
    pk: auditPk(event.volumeId),
    sk: `${new Date(atMs).toISOString()}#${event.requestId}#${id}`,
    volumeId: event.volumeId,
    at: event.at,
    subject: event.subject,
    action: event.action,
    outcome: event.outcome,
    requestId: event.requestId,
    detail: event.detail,
    expiresAt: Math.floor(atMs / 1000) + table.retentionDays * DAY_SECONDS,
  };
}

export function createDynamoAuditLog(options: DynamoAuditLogOptions): AuditLog {
  if (!Number.isSafeInteger(options.retentionDays) || options.retentionDays < 1) {
    throw new RangeError(`retentionDays must be a whole number of days, at least 1 (got ${options.retentionDays})`);
  }
  const db = documentClient(options.client);
  const TableName = options.tableName;
  const random = options.random ?? randomSuffix;

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw dependencyFailure('The audit log', 'AuditLogUnavailable', error);
    }
  }

  return {
    record(event) {
      if (Number.isNaN(Date.parse(event.at)))
        return Promise.reject(new TypeError(`audit event time is not an ISO 8601 date: ${JSON.stringify(event.at)}`));
      return guarded(async () => {
        await db.send(new PutCommand(auditPut(event, { tableName: TableName, retentionDays: options.retentionDays }, random)));
      });
    },

    list: (volumeId, page) =>
      guarded(async (): Promise<Page<AuditEvent>> => {
        const limit = checkLimit(page.limit);
        const start = page.nextToken
          ? decodePageToken(
              page.nextToken,
              'volume-audit',
              AUDIT_KEY,
              (key) => key.pk === auditPk(volumeId) && /^\d{4}-\d\d-\d\dT[^#]*#/.test(key.sk),
            )
          : undefined;
        const result = await db.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            // Expired but not yet swept: DynamoDB's TTL deletes within days, not at the second.
            FilterExpression: 'expiresAt > :now',
            ExpressionAttributeValues: { ':pk': auditPk(volumeId), ':now': Math.floor(options.clock.now().getTime() / 1000) },
            ScanIndexForward: false,
            ConsistentRead: true,
            Limit: limit + 1,
            ExclusiveStartKey: start,
          }),
        );
        const { items, nextKey } = pageFromQuery(result.Items ?? [], limit, result.LastEvaluatedKey, AUDIT_KEY);
        const events = items.map(toEvent);
        return nextKey ? { items: events, nextToken: encodePageToken('volume-audit', nextKey) } : { items: events };
      }),
  };
}
