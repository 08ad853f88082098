/**
 * The volume store on DynamoDB (layout in `volume-items.ts`). Writes that must not race are
 * conditional: `create` claims the name, stores the volume and its owner's membership in one
 * transaction; `update` is a Put conditioned on the version the caller read.
 *
 * A write given an audit event (`WriteWith`) puts it in the same transaction (in the audit table), so a
 * change and its event are both stored or neither, and a resent transaction is recognised (`transact.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, Conflict, NotFound } from '../../errors';
import type { Member, Page, Volume } from '../../volumes/model';
import { IdempotencyKeyInUse, type PageRequest, type VolumeRepository } from '../../volumes/ports';
import { dependencyFailure, errorCode } from '../aws-errors';
import type { AuditTable } from './audit-log';
import { type BatchRetry, batchDeleteAll, batchGetAll, DEFAULT_BATCH_RETRY } from './batch';
import { documentClient } from './document-client';
import { checkLimit, decodePageToken, encodePageToken, pageFromQuery } from './page-token';
import { transactor } from './transact';
import {
  BY_SUBJECT_INDEX,
  BY_SUBJECT_KEY,
  idempotencyItem,
  idempotencyKey,
  MEMBER_PREFIX,
  memberItem,
  memberKey,
  memberSk,
  nameClaimItem,
  nameKey,
  subjectPk,
  TABLE_KEY,
  toIdempotencyRecord,
  toMember,
  toVolume,
  volumeItem,
  volumeKey,
  volumePk,
} from './volume-items';

export interface DynamoVolumeRepositoryOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How unprocessed batch items and transaction conflicts are retried (tests shorten it). */
  retry?: BatchRetry;
  /** Where the audit events given with writes go; required to pass one. */
  audit?: AuditTable;
}

const concurrentModification = () =>
  new Conflict('The volume changed (or was deleted) since you read it; read it again and retry.', 'ConcurrentModification');

export function createDynamoVolumeRepository(options: DynamoVolumeRepositoryOptions): VolumeRepository {
  const db: DynamoDBDocumentClient = documentClient(options.client);
  const TableName = options.tableName;
  const retry = options.retry ?? DEFAULT_BATCH_RETRY;

  /**
   * Runs one store operation; our own errors pass, SDK errors become a 503 (or a 500 when AWS refused the service
   * itself) that names no SDK detail.
   */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw dependencyFailure('The volume store', 'VolumeStoreUnavailable', error);
    }
  }

  const { transactAudited } = transactor(db, retry, options.audit);

  async function get(id: string): Promise<Volume | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName, Key: volumeKey(id), ConsistentRead: true }));
    return Item ? toVolume(Item) : undefined;
  }

  async function deleteMemberships(volumeId: string): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const result = await db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
          ExpressionAttributeValues: { ':pk': volumePk(volumeId), ':member': MEMBER_PREFIX },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      await batchDeleteAll(
        db,
        TableName,
        (result.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk })),
        retry,
      );
      start = result.LastEvaluatedKey;
    } while (start);
  }

  return {
    create: (volume, owner, also = {}) => {
      if (owner.volumeId !== volume.id)
        return Promise.reject(new Error('create: the owner membership must be for the volume being created'));
      const { idempotency } = also;
      if (idempotency && (idempotency.subject !== owner.subject || idempotency.volumeId !== volume.id)) {
        return Promise.reject(new Error("create: the idempotency record must be the owner's, for the volume being created"));
      }
      return guarded(async () => {
        const codes = await transactAudited(
          [
            { Put: { TableName, Item: nameClaimItem(volume), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName, Item: volumeItem(volume), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName, Item: memberItem(owner), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...(idempotency
              ? [
                  {
                    Put: {
                      TableName,
                      Item: idempotencyItem(idempotency),
                      // An expired record the TTL has not swept yet is free to take.
                      ConditionExpression: 'attribute_not_exists(pk) OR expiresAtEpoch <= :now',
                      ExpressionAttributeValues: { ':now': Math.floor(Date.parse(idempotency.createdAt) / 1000) },
                    },
                  },
                ]
              : []),
          ],
          also.audit,
        );
        if (!codes) return;
        // The key first: a retry with the same key meets its own name claim too.
        if (idempotency && codes[3] === 'ConditionalCheckFailed') throw new IdempotencyKeyInUse();
        if (codes[0] === 'ConditionalCheckFailed') {
          throw new Conflict(`A volume named "${volume.name}" already exists; choose another name.`, 'VolumeNameTaken');
        }
        throw new Conflict('A volume with this id already exists.', 'VolumeIdTaken');
      });
    },

    getIdempotency: (subject, key) =>
      guarded(async () => {
        const { Item } = await db.send(new GetCommand({ TableName, Key: idempotencyKey(subject, key), ConsistentRead: true }));
        return Item ? toIdempotencyRecord(Item) : undefined;
      }),

    get: (id) => guarded(() => get(id)),

    getByName: (name) =>
      guarded(async () => {
        const { Item } = await db.send(new GetCommand({ TableName, Key: nameKey(name), ConsistentRead: true }));
        if (!Item || typeof Item.volumeId !== 'string') return undefined;
        const volume = await get(Item.volumeId);
        return volume?.name === name ? volume : undefined;
      }),

    update: (volume, expectedVersion, also = {}) =>
      guarded(async () => {
        // The name is part of the condition: an update never moves a volume away from its name claim.
        const put = {
          TableName,
          Item: volumeItem(volume),
          ConditionExpression: '#version = :expected AND #name = :name',
          ExpressionAttributeNames: { '#version': 'version', '#name': 'name' },
          ExpressionAttributeValues: { ':expected': expectedVersion, ':name': volume.name },
        };
        if (also.audit) {
          if (await transactAudited([{ Put: put }], also.audit)) throw concurrentModification();
          return;
        }
        try {
          await db.send(new PutCommand(put));
        } catch (error) {
          if (errorCode(error) === 'ConditionalCheckFailedException') throw concurrentModification();
          throw error;
        }
      }),

    delete: (id, also = {}) =>
      guarded(async () => {
        const volume = await get(id);
        if (volume) {
          const codes = await transactAudited(
            [
              { Delete: { TableName, Key: volumeKey(id) } },
              {
                Delete: {
                  TableName,
                  Key: nameKey(volume.name),
                  ConditionExpression: 'attribute_not_exists(pk) OR volumeId = :id',
                  ExpressionAttributeValues: { ':id': id },
                },
              },
            ],
            also.audit,
          );
          // The name was released and claimed again by another volume meanwhile: leave that claim alone.
          if (codes) await transactAudited([{ Delete: { TableName, Key: volumeKey(id) } }], also.audit);
        }
        // Also when the volume is already gone: this finishes a delete that stopped half-way.
        await deleteMemberships(id);
      }),

    listForSubject: (subject, page: PageRequest) =>
      guarded(async (): Promise<Page<{ volume: Volume; member: Member }>> => {
        const limit = checkLimit(page.limit);
        const start = page.nextToken
          ? decodePageToken(
              page.nextToken,
              'subject-volumes',
              BY_SUBJECT_KEY,
              (key) =>
                key.gsi1pk === subjectPk(subject) && key.sk === memberSk(subject) && key.pk === key.gsi1sk && key.pk.startsWith('VOL#'),
            )
          : undefined;
        const result = await db.send(
          new QueryCommand({
            TableName,
            IndexName: BY_SUBJECT_INDEX,
            KeyConditionExpression: 'gsi1pk = :subject',
            ExpressionAttributeValues: { ':subject': subjectPk(subject) },
            Limit: limit + 1,
            ExclusiveStartKey: start,
          }),
        );
        const { items, nextKey } = pageFromQuery(result.Items ?? [], limit, result.LastEvaluatedKey, BY_SUBJECT_KEY);
        const members = items.map(toMember);
        const volumes = new Map(
          (
            await batchGetAll(
              db,
              TableName,
              members.map((m) => volumeKey(m.volumeId)),
              retry,
            )
          ).map((item) => [item.id as string, toVolume(item)]),
        );
        // A membership whose volume is gone (a delete that has not finished) is skipped.
        const found = members.flatMap((member) => {
          const volume = volumes.get(member.volumeId);
          return volume ? [{ volume, member }] : [];
        });
        return nextKey ? { items: found, nextToken: encodePageToken('subject-volumes', nextKey) } : { items: found };
      }),

    getMember: (volumeId, subject) =>
      guarded(async () => {
        const { Item } = await db.send(new GetCommand({ TableName, Key: memberKey(volumeId, subject), ConsistentRead: true }));
        return Item ? toMember(Item) : undefined;
      }),

    putMember: (member, also = {}) =>
      guarded(async () => {
        // Only while the volume exists, so a delete racing with this cannot leave the membership behind.
        const codes = await transactAudited(
          [
            { ConditionCheck: { TableName, Key: volumeKey(member.volumeId), ConditionExpression: 'attribute_exists(pk)' } },
            { Put: { TableName, Item: memberItem(member) } },
          ],
          also.audit,
        );
        if (codes) throw new NotFound('The volume does not exist (it may just have been deleted).', 'VolumeNotFound');
      }),

    deleteMember: (volumeId, subject, also = {}) =>
      guarded(async () => {
        if (also.audit) await transactAudited([{ Delete: { TableName, Key: memberKey(volumeId, subject) } }], also.audit);
        else await db.send(new DeleteCommand({ TableName, Key: memberKey(volumeId, subject) }));
      }),

    listMembers: (volumeId, page) =>
      guarded(async (): Promise<Page<Member>> => {
        const limit = checkLimit(page.limit);
        const start = page.nextToken
          ? decodePageToken(
              page.nextToken,
              'volume-members',
              TABLE_KEY,
              (key) => key.pk === volumePk(volumeId) && key.sk.startsWith(MEMBER_PREFIX),
            )
          : undefined;
        const result = await db.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
            ExpressionAttributeValues: { ':pk': volumePk(volumeId), ':member': MEMBER_PREFIX },
            ConsistentRead: true,
            Limit: limit + 1,
            ExclusiveStartKey: start,
          }),
        );
        const { items, nextKey } = pageFromQuery(result.Items ?? [], limit, result.LastEvaluatedKey, TABLE_KEY);
        const members = items.map(toMember);
        return nextKey ? { items: members, nextToken: encodePageToken('volume-members', nextKey) } : { items: members };
      }),
  };
}
