/**
 * Gateway access keys on DynamoDB: one item per key, `pk = <accessKeyId>`, with `owner` and `createdAt` keying
 * the `byOwner` index (newest first) and `expiresAtEpoch` (epoch seconds) as the table's TTL attribute.
 * Items hold the key's id and salt, never its secret (`shared/access-keys/secret.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isAccessKeyId } from '../../access-keys/ids';
import type { AccessKeyRecord, AccessKeyStatus } from '../../access-keys/model';
import type { AccessKeyStore, Clock } from '../../access-keys/ports';
import { AppError, Conflict } from '../../errors';
import type { Page } from '../../volumes/model';
import { dependencyFailure, errorCode } from '../aws-errors';
import type { AuditTable } from './audit-log';
import { DEFAULT_BATCH_RETRY } from './batch';
import { documentClient } from './document-client';
import { checkLimit, decodePageToken, encodePageToken, pageFromQuery, type TokenKind } from './page-token';
import { transactor } from './transact';

export interface DynamoAccessKeyStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Decides which keys have expired but not yet been swept (DynamoDB deletes them lazily). */
  clock: Clock;
  /** Where the audit events given with `put` go; required to pass any. */
  audit?: AuditTable;
}

export const BY_OWNER_INDEX = 'byOwner';
const BY_OWNER_KEY = ['pk', 'owner', 'createdAt'] as const;
const TOKEN_KIND: TokenKind = 'owner-access-keys';
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** `owner` is a DynamoDB reserved word. */
const NAMES = { '#owner': 'owner' };

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function toItem(key: AccessKeyRecord): Record<string, unknown> {
  return {
    pk: key.id,
    owner: key.owner,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    expiresAtEpoch: epochSeconds(key.expiresAt),
    volumeIds: key.volumeIds,
    scopes: key.scopes,
    salt: key.salt,
    derivation: key.derivation,
    authMethods: key.authMethods,
    status: key.status,
  };
}

function toRecord(item: Record<string, unknown>): AccessKeyRecord {
  return {
    id: item.pk as string,
    owner: item.owner as string,
    ...(Array.isArray(item.volumeIds) ? { volumeIds: item.volumeIds as string[] } : {}),
    ...(Array.isArray(item.scopes) ? { scopes: item.scopes as AccessKeyRecord['scopes'] } : {}),
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
    salt: item.salt as string,
    ...(typeof item.derivation === 'string' ? { derivation: item.derivation } : {}),
    authMethods: Array.isArray(item.authMethods) ? (item.authMethods as string[]) : [],
    status: item.status as AccessKeyStatus,
  };
}

export function createDynamoAccessKeyStore(options: DynamoAccessKeyStoreOptions): AccessKeyStore {
  const db = documentClient(options.client);
  const TableName = options.tableName;
  const { transactAudited } = transactor(db, DEFAULT_BATCH_RETRY, options.audit);

  /** Our own errors pass; SDK errors become a 503, or a 500 when AWS refused the service itself, naming no SDK detail. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw dependencyFailure('The access key store', 'AccessKeyStoreUnavailable', error);
    }
  }

  return {
    put: (key, audit = []) => {
      if (!isAccessKeyId(key.id) || Number.isNaN(Date.parse(key.expiresAt)) || !ISO_TIME.test(key.createdAt)) {
        return Promise.reject(
          new TypeError(
            `put: not a storable access key (id ${JSON.stringify(key.id)}, createdAt ${JSON.stringify(key.createdAt)}, expiresAt ` +
              `${JSON.stringify(key.expiresAt)})`,
          ),
        );
      }
      const put = { TableName, Item: toItem(key), ConditionExpression: 'attribute_not_exists(pk)' };
      return guarded(async () => {
        if (audit.length > 0) {
          // With its events: one transaction, and a resend after a lost answer is recognised (`transact.ts`).
          const codes = await transactAudited([{ Put: put }], audit);
          if (codes) throw new Conflict('An access key with this id already exists.', 'AccessKeyIdTaken');
          return;
        }
        try {
          await db.send(new PutCommand(put));
        } catch (error) {
          if (errorCode(error) === 'ConditionalCheckFailedException')
            throw new Conflict('An access key with this id already exists.', 'AccessKeyIdTaken');
          throw error;
        }
      });
    },

    get: (accessKeyId) =>
      guarded(async () => {
        if (!isAccessKeyId(accessKeyId)) return undefined;
        const { Item } = await db.send(new GetCommand({ TableName, Key: { pk: accessKeyId }, ConsistentRead: true }));
        return Item ? toRecord(Item) : undefined;
      }),

    remove: (accessKeyId, owner) =>
      guarded(async () => {
        if (!isAccessKeyId(accessKeyId)) return undefined;
        try {
          const { Attributes } = await db.send(
            new DeleteCommand({
              TableName,
              Key: { pk: accessKeyId },
              // Fails for a missing key too: `owner` of a missing item is never equal.
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: NAMES,
              ExpressionAttributeValues: { ':owner': owner },
              ReturnValues: 'ALL_OLD',
            }),
          );
          return Attributes ? toRecord(Attributes) : undefined;
        } catch (error) {
          if (errorCode(error) === 'ConditionalCheckFailedException') return undefined;
          throw error;
        }
      }),

    listByOwner: (owner, page) =>
      guarded(async (): Promise<Page<AccessKeyRecord>> => {
        const limit = checkLimit(page.limit);
        const start = page.nextToken
          ? decodePageToken(
              page.nextToken,
              TOKEN_KIND,
              BY_OWNER_KEY,
              (key) => key.owner === owner && isAccessKeyId(key.pk) && ISO_TIME.test(key.createdAt),
            )
          : undefined;
        const result = await db.send(
          new QueryCommand({
            TableName,
            IndexName: BY_OWNER_INDEX,
            KeyConditionExpression: '#owner = :owner',
            // Expired but not yet swept: DynamoDB's TTL deletes within days, not at the second.
            FilterExpression: 'expiresAtEpoch > :now',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':owner': owner, ':now': Math.floor(options.clock.now().getTime() / 1000) },
            ScanIndexForward: false,
            Limit: limit + 1,
            ExclusiveStartKey: start,
          }),
        );
        const { items, nextKey } = pageFromQuery(result.Items ?? [], limit, result.LastEvaluatedKey, BY_OWNER_KEY);
        const keys = items.map(toRecord);
        return nextKey ? { items: keys, nextToken: encodePageToken(TOKEN_KIND, nextKey) } : { items: keys };
      }),
  };
}
