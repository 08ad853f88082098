/**
 * BatchGetItem and BatchWriteItem (deletes) in DynamoDB's chunk sizes, resending what DynamoDB
 * returns as unprocessed with a short exponential backoff until it is done or the attempts run out.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Key = Record<string, unknown>;
type Item = Record<string, unknown>;

export interface BatchRetry {
  /** Calls per chunk, the first included. */
  attempts: number;
  /** Waits before the n-th resend (n from 1). */
  sleep(ms: number): Promise<void>;
  baseDelayMs: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetry = {
  attempts: 8,
  baseDelayMs: 25,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Thrown when DynamoDB still leaves work unprocessed after every attempt; the caller maps it to a 503. */
export class BatchIncomplete extends Error {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem',
    readonly remaining: number,
  ) {
    super(`${operation} left ${remaining} requests unprocessed after every retry`);
    this.name = 'BatchIncomplete';
  }
}

type Sender = Pick<DynamoDBDocumentClient, 'send'>;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function backoff(retry: BatchRetry, attempt: number): number {
  const ceiling = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Every item that exists among `keys` (strongly consistent), in no particular order. */
export async function batchGetAll(
  client: Sender,
  tableName: string,
  keys: Key[],
  retry: BatchRetry = DEFAULT_BATCH_RETRY,
): Promise<Item[]> {
  const found: Item[] = [];
  for (const chunk of chunks(keys, 100)) {
    let pending: Key[] = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > retry.attempts) throw new BatchIncomplete('BatchGetItem', pending.length);
      if (attempt > 1) await retry.sleep(backoff(retry, attempt - 1));
      const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/** Sends the writes 25 at a time, resending what DynamoDB leaves unprocessed, up to `retry.attempts` times. */
async function batchWriteAll(client: Sender, tableName: string, requests: WriteRequest[], retry: BatchRetry): Promise<void> {
  for (const chunk of chunks(requests, 25)) {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > retry.attempts) throw new BatchIncomplete('BatchWriteItem', pending.length);
      if (attempt > 1) await retry.sleep(backoff(retry, attempt - 1));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request): WriteRequest[] => {
        if (request.PutRequest?.Item) return [{ PutRequest: { Item: request.PutRequest.Item } }];
        if (request.DeleteRequest?.Key) return [{ DeleteRequest: { Key: request.DeleteRequest.Key } }];
        return [];
      });
    }
  }
}

/** Puts every item (an item with the key of a stored one replaces it); no two items of one call may share a key. */
export const batchPutAll = (client: Sender, tableName: string, items: Item[], retry: BatchRetry = DEFAULT_BATCH_RETRY): Promise<void> =>
  batchWriteAll(
    client,
    tableName,
    items.map((item) => ({ PutRequest: { Item: item } })),
    retry,
  );

/** Deletes every item named by `keys` (absent ones are fine). */
export const batchDeleteAll = (client: Sender, tableName: string, keys: Key[], retry: BatchRetry = DEFAULT_BATCH_RETRY): Promise<void> =>
  batchWriteAll(
    client,
    tableName,
    keys.map((key) => ({ DeleteRequest: { Key: key } })),
    retry,
  );
