/**
 * Share links on DynamoDB (the links table): one item per link, keyed by its token's SHA-256 (`pk`), so a use of
 * a link is one GetItem. Two indexes list them: `byVolume` (`volumeId`, `linkId`) for admins and for revoking by
 * id, `byCreator` (`creatorKey` = `<volumeId>|<createdBy>`, `linkId`) for a member's own; link ids sort by age, so
 * both list newest first. `sweepAtEpoch` (epoch seconds) is the table's TTL attribute: a week after the link
 * expires, so an expired or revoked link is still answered 410 for that week (then 404).
 *
 * Downloads are counted by one conditional UpdateItem (`ADD downloads 1` only while not revoked, not expired and
 * `downloads < maxDownloads`): DynamoDB applies it atomically, so two racing last downloads cannot both count.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../errors';
import { LINK_GRACE_SECONDS, type LinkRecord } from '../../links/model';
import type { LinkStore } from '../../links/ports';
import { isLinkId } from '../../links/token';
import type { Page } from '../../volumes/model';
import { dependencyFailure, errorCode } from '../aws-errors';
import { documentClient } from './document-client';
import { checkLimit, decodePageToken, encodePageToken, pageFromQuery, type TokenKind } from './page-token';

export interface DynamoLinkStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

export const BY_VOLUME_INDEX = 'byVolume';
export const BY_CREATOR_INDEX = 'byCreator';
const BY_VOLUME_KEY = ['pk', 'volumeId', 'linkId'] as const;
const BY_CREATOR_KEY = ['pk', 'creatorKey', 'linkId'] as const;
const TOKEN_KIND: TokenKind = 'volume-links';
const TOKEN_HASH = /^[A-Za-z0-9_-]{43}$/;

const creatorKey = (volumeId: string, createdBy: string) => `${volumeId}|${createdBy}`;

function toItem(link: LinkRecord): Record<string, unknown> {
  const expiresAtMs = Date.parse(link.expiresAt);
  return {
    pk: link.tokenHash,
    linkId: link.id,
    volumeId: link.volumeId,
    creatorKey: creatorKey(link.volumeId, link.createdBy),
    key: link.key,
    ...(link.filename !== undefined ? { filename: link.filename } : {}),
    createdBy: link.createdBy,
    authMethods: link.authMethods,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    expiresAtMs,
    sweepAtEpoch: Math.ceil(expiresAtMs / 1000) + LINK_GRACE_SECONDS,
    ...(link.maxDownloads !== undefined ? { maxDownloads: link.maxDownloads } : {}),
    downloads: link.downloads,
  };
}

function toRecord(item: Record<string, unknown>): LinkRecord {
  return {
    id: item.linkId as string,
    tokenHash: item.pk as string,
    volumeId: item.volumeId as string,
    key: item.key as string,
    ...(typeof item.filename === 'string' ? { filename: item.filename } : {}),
    createdBy: item.createdBy as string,
    authMethods: Array.isArray(item.authMethods) ? (item.authMethods as string[]) : [],
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
    ...(typeof item.maxDownloads === 'number' ? { maxDownloads: item.maxDownloads } : {}),
    downloads: typeof item.downloads === 'number' ? item.downloads : 0,
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
    ...(typeof item.revokedBy === 'string' ? { revokedBy: item.revokedBy } : {}),
  };
}

export function createDynamoLinkStore(options: DynamoLinkStoreOptions): LinkStore {
  const db = documentClient(options.client);
  const TableName = options.tableName;

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw dependencyFailure('The link store', 'LinkStoreUnavailable', error);
    }
  }

  const conditionFailed = (error: unknown) => errorCode(error) === 'ConditionalCheckFailedException';

  return {
    put: (link) =>
      guarded(async () => {
        if (!isLinkId(link.id) || !TOKEN_HASH.test(link.tokenHash) || Number.isNaN(Date.parse(link.expiresAt))) {
          throw new TypeError(`put: not a storable link (id ${JSON.stringify(link.id)})`);
        }
        await db.send(new PutCommand({ TableName, Item: toItem(link), ConditionExpression: 'attribute_not_exists(pk)' }));
      }),

    byTokenHash: (tokenHash) =>
      guarded(async () => {
        if (!TOKEN_HASH.test(tokenHash)) return undefined;
        const { Item } = await db.send(new GetCommand({ TableName, Key: { pk: tokenHash }, ConsistentRead: true }));
        return Item ? toRecord(Item) : undefined;
      }),

    byId: (volumeId, linkId) =>
      guarded(async () => {
        if (!isLinkId(linkId)) return undefined;
        const { Items } = await db.send(
          new QueryCommand({
            TableName,
            IndexName: BY_VOLUME_INDEX,
            KeyConditionExpression: 'volumeId = :v AND linkId = :id',
            ExpressionAttributeValues: { ':v': volumeId, ':id': linkId },
          }),
        );
        return Items?.[0] ? toRecord(Items[0]) : undefined;
      }),

    list: (volumeId, createdBy, page) =>
      guarded(async (): Promise<Page<LinkRecord>> => {
        const limit = checkLimit(page.limit);
        const [IndexName, keyNames, hashName, hashValue] =
          createdBy === undefined
            ? [BY_VOLUME_INDEX, BY_VOLUME_KEY, 'volumeId', volumeId]
            : [BY_CREATOR_INDEX, BY_CREATOR_KEY, 'creatorKey', creatorKey(volumeId, createdBy)];
        const start = page.nextToken
          ? decodePageToken(
              page.nextToken,
              TOKEN_KIND,
              keyNames,
              (key: Record<string, string>) => key[hashName] === hashValue && TOKEN_HASH.test(key.pk!) && isLinkId(key.linkId),
            )
          : undefined;
        const result = await db.send(
          new QueryCommand({
            TableName,
            IndexName,
            KeyConditionExpression: '#h = :h',
            ExpressionAttributeNames: { '#h': hashName },
            ExpressionAttributeValues: { ':h': hashValue },
            ScanIndexForward: false,
            Limit: limit + 1,
            ExclusiveStartKey: start,
          }),
        );
        const { items, nextKey } = pageFromQuery(result.Items ?? [], limit, result.LastEvaluatedKey, keyNames);
        const links = items.map(toRecord);
        return nextKey ? { items: links, nextToken: encodePageToken(TOKEN_KIND, nextKey) } : { items: links };
      }),

    revoke: (tokenHash, at, by) =>
      guarded(async () => {
        try {
          const { Attributes } = await db.send(
            new UpdateCommand({
              TableName,
              Key: { pk: tokenHash },
              UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at, ':by': by },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return Attributes ? toRecord(Attributes) : undefined;
        } catch (error) {
          if (conditionFailed(error)) return undefined;
          throw error;
        }
      }),

    countDownload: (tokenHash, now) =>
      guarded(async () => {
        try {
          await db.send(
            new UpdateCommand({
              TableName,
              Key: { pk: tokenHash },
              UpdateExpression: 'ADD downloads :one',
              ConditionExpression:
                'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND expiresAtMs > :now AND ' +
                '(attribute_not_exists(maxDownloads) OR downloads < maxDownloads)',
              ExpressionAttributeValues: { ':one': 1, ':now': now.getTime() },
            }),
          );
          return 'counted' as const;
        } catch (error) {
          if (conditionFailed(error)) return 'refused' as const;
          throw error;
        }
      }),
  };
}
