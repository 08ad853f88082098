/**
 * Unit tests of the batch helpers alone: DynamoDB leaving items unprocessed is throttling behaviour the
 * local stack never shows, so a scripted sender plays DynamoDB here.
 */
import { describe, expect, it } from 'vitest';
import { BatchIncomplete, type BatchRetry, batchDeleteAll, batchGetAll, batchPutAll } from '../../../../shared/adapters/dynamodb/batch';

const noWait: BatchRetry = { attempts: 4, baseDelayMs: 1, sleep: async () => {} };
const key = (i: number) => ({ pk: `VOL#${i}`, sk: 'META' });

/** Answers each call with the next scripted response and records the request. */
function scripted(responses: Array<(input: any) => Record<string, unknown>>) {
  const requests: any[] = [];
  return {
    requests,
    send: async (command: { input: unknown }) => {
      requests.push(command.input);
      const next = responses.shift();
      if (!next) throw new Error('no more scripted responses');
      return next(command.input);
    },
  };
}

describe('batchGetAll', () => {
  it('resends unprocessed keys until every item is read, in chunks of 100', async () => {
    const keys = Array.from({ length: 120 }, (_, i) => key(i));
    const sender = scripted([
      (input) => ({
        Responses: { t: input.RequestItems.t.Keys.slice(0, 60) },
        UnprocessedKeys: { t: { Keys: input.RequestItems.t.Keys.slice(60) } },
      }),
      (input) => ({ Responses: { t: input.RequestItems.t.Keys } }),
      (input) => ({ Responses: { t: input.RequestItems.t.Keys } }),
    ]);
    const items = await batchGetAll(sender as never, 't', keys, noWait);
    expect(items).toHaveLength(120);
    expect(sender.requests.map((r) => r.RequestItems.t.Keys.length)).toEqual([100, 40, 20]);
    expect(sender.requests.every((r) => r.RequestItems.t.ConsistentRead === true)).toBe(true);
  });

  it('gives up with BatchIncomplete when keys stay unprocessed', async () => {
    const stuck = (input: any) => ({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: input.RequestItems.t.Keys } } });
    const sender = scripted([stuck, stuck, stuck, stuck]);
    await expect(batchGetAll(sender as never, 't', [key(1)], noWait)).rejects.toBeInstanceOf(BatchIncomplete);
    expect(sender.requests).toHaveLength(4);
  });
});

describe('batchDeleteAll', () => {
  it('deletes in chunks of 25 and resends what was left unprocessed', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => key(i));
    const sender = scripted([
      (input) => ({ UnprocessedItems: { t: input.RequestItems.t.slice(20) } }),
      () => ({ UnprocessedItems: {} }),
      () => ({}),
    ]);
    await batchDeleteAll(sender as never, 't', keys, noWait);
    expect(sender.requests.map((r) => r.RequestItems.t.length)).toEqual([25, 5, 5]);
    expect(sender.requests[1].RequestItems.t).toEqual(keys.slice(20, 25).map((k) => ({ DeleteRequest: { Key: k } })));
  });

  it('puts in chunks of 25, resends what was left unprocessed, and gives up with BatchIncomplete when it stays', async () => {
    const items = Array.from({ length: 27 }, (_, i) => ({ ...key(i), n: i }));
    const sender = scripted([(input) => ({ UnprocessedItems: { t: input.RequestItems.t.slice(23) } }), () => ({}), () => ({})]);
    await batchPutAll(sender as never, 't', items, noWait);
    expect(sender.requests.map((r) => r.RequestItems.t.length)).toEqual([25, 2, 2]);
    expect(sender.requests[1].RequestItems.t).toEqual(items.slice(23, 25).map((item) => ({ PutRequest: { Item: item } })));
    const stuck = (input: any) => ({ UnprocessedItems: { t: input.RequestItems.t } });
    await expect(batchPutAll(scripted([stuck, stuck, stuck, stuck]) as never, 't', items.slice(0, 1), noWait)).rejects.toBeInstanceOf(
      BatchIncomplete,
    );
  });

  it('sends nothing for no keys', async () => {
    const sender = scripted([]);
    await batchDeleteAll(sender as never, 't', [], noWait);
    expect(sender.requests).toEqual([]);
  });
});
