/**
 * The audit trail on DynamoDB: one item per event, `pk = VOL#<volumeId>`, `sk = <at>#<requestId>#<random>`
 * (time-ordered, and unique even for two events of one request in the same millisecond), with
 * `expiresAt` (epoch seconds) as the table's TTL attribute. Listed newest first.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../errors';
import { AUDIT_READ_BUDGET, type AuditFilter, isFiltered } from '../../volumes/audit-filter';
import type { AuditEvent, AuditOutcome, Page } from '../../volumes/model';
import type { AuditLog, Clock } from '../../volumes/ports';
import { dependencyFailure } from '../aws-errors';
import { documentClient } from './document-client';
import { checkLimit, decodePageToken, encodePageToken, type PageKey, pageFromQuery } from './page-token';

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long an event is kept: `expiresAt` = its time + this many days. */
  retentionDays: number;
  /** Decides which events have expired but not yet been swept (DynamoDB deletes them lazily). */
  clock: Clock;
  /** The sort key's random suffix; tests fix it. */
  random?: () => string;
  /** Items one listing may examine (before the filter), {@link AUDIT_READ_BUDGET} by default; tests make it small. */
  readBudget?: number;
}

const AUDIT_KEY = ['pk', 'sk'] as const;
const FILTERED_TOKEN = ['pk', 'sk', 'filter'] as const;
const DAY_SECONDS = 24 * 3600;
/** A listing's queries: at most this many, within the read budget (`AUDIT_READ_BUDGET` items examined). */
const MAX_QUERIES = 8;
/** Items examined per query when filtering: matches may be sparse, so more than the page at a time. */
const FILTERED_READ = 200;
const auditPk = (volumeId: string) => `VOL#${volumeId}`;

/**
 * The key condition and filter of a listing: the time window is a range of the sort key (which starts with the canonical
 * time, then `#`: `sk >= since` keeps the events at `since`, `sk < until` drops those at `until`); subject and action are
 * filters (DynamoDB reads, then drops, the events of other subjects and actions).
 */
function auditQuery(volumeId: string, filter: AuditFilter, nowSeconds: number) {
  const values: Record<string, unknown> = { ':pk': auditPk(volumeId), ':now': nowSeconds };
  const names: Record<string, string> = {};
  let keyCondition = 'pk = :pk';
  if (filter.since) values[':since'] = filter.since;
  if (filter.until) values[':until'] = filter.until;
  if (filter.since && filter.until) keyCondition += ' AND sk BETWEEN :since AND :until';
  else if (filter.since) keyCondition += ' AND sk >= :since';
  else if (filter.until) keyCondition += ' AND sk < :until';
  // Expired but not yet swept: DynamoDB's TTL deletes within days, not at the second.
  const filters = ['expiresAt > :now'];
  if (filter.subject) {
    names['#subject'] = 'subject';
    values[':subject'] = filter.subject;
    filters.push('#subject = :subject');
  }
  if (filter.action) {
    names['#action'] = 'action'; // a reserved word
    values[':action'] = filter.action.value;
    filters.push(filter.action.match === 'prefix' ? 'begins_with(#action, :action)' : '#action = :action');
  }
  return {
    KeyConditionExpression: keyCondition,
    FilterExpression: filters.join(' AND '),
    ExpressionAttributeValues: values,
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
  };
}

/** What a filtered listing's token is bound to: the same filter, canonical (times as the sort key has them). */
const filterDigest = (filter: AuditFilter): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        filter.subject ?? null,
        filter.action?.match ?? null,
        filter.action?.value ?? null,
        filter.since ?? null,
        filter.until ?? null,
      ]),
    )
    .digest('base64url');

/** An unfiltered listing's token is the bare key, as before filters; a filtered one also carries the filter's digest. */
function encodeAuditToken(key: PageKey, filter: AuditFilter): string {
  return encodePageToken('volume-audit', isFiltered(filter) ? { ...key, filter: filterDigest(filter) } : key);
}

/**
 * The key to resume from, or `InvalidNextToken` unless the token was given for this volume and this same filter (an
 * unfiltered token has no digest, so neither kind passes for the other), at a key inside the time window (DynamoDB
 * refuses a start key outside the key condition).
 */
function decodeAuditToken(token: string, volumeId: string, filter: AuditFilter): PageKey {
  const inWindow = (sk: string) => (!filter.since || sk >= filter.since) && (!filter.until || sk < filter.until);
  const ofThisVolume = (key: { pk: string; sk: string }) =>
    key.pk === auditPk(volumeId) && /^\d{4}-\d\d-\d\dT[^#]*#/.test(key.sk) && inWindow(key.sk);
  if (!isFiltered(filter)) return decodePageToken(token, 'volume-audit', AUDIT_KEY, ofThisVolume);
  const digest = filterDigest(filter);
  const { pk, sk } = decodePageToken(token, 'volume-audit', FILTERED_TOKEN, (key) => key.filter === digest && ofThisVolume(key));
  return { pk, sk };
}

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
  const budget = options.readBudget ?? AUDIT_READ_BUDGET;

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

    list: (volumeId, page, filter = {}) =>
      guarded(async (): Promise<Page<AuditEvent>> => {
        const limit = checkLimit(page.limit);
        const query = auditQuery(volumeId, filter, Math.floor(options.clock.now().getTime() / 1000));
        let start = page.nextToken ? decodeAuditToken(page.nextToken, volumeId, filter) : undefined;
        const found: Record<string, unknown>[] = [];
        let examined = 0;
        // One query when nothing but expiry filters; with a filter, on until a page and one more match (so the last page
        // carries no token) or the read budget is spent, then the page so far and where to resume.
        for (let calls = 0; calls < MAX_QUERIES && examined < budget; calls++) {
          const wanted = limit + 1 - found.length;
          const result = await db.send(
            new QueryCommand({
              TableName,
              ...query,
              ScanIndexForward: false,
              ConsistentRead: true,
              // Limit counts the items DynamoDB examines, before the filter.
              Limit: Math.min(budget - examined, isFiltered(filter) ? Math.max(wanted, FILTERED_READ) : wanted),
              ExclusiveStartKey: start,
            }),
          );
          examined += result.ScannedCount ?? 0;
          found.push(...(result.Items ?? []));
          start = result.LastEvaluatedKey;
          if (found.length > limit || !start) break;
        }
        const { items, nextKey } = pageFromQuery(found, limit, start, AUDIT_KEY);
        const events = items.map(toEvent);
        return nextKey ? { items: events, nextToken: encodeAuditToken(nextKey, filter) } : { items: events };
      }),
  };
}
