/**
 * TransactWriteItems and TransactGetItems, which dynalite lacks, built on its single-item operations
 * under an exclusive lock: every condition is checked against the state before the transaction, then
 * every write is applied; if a write still fails, what was applied is put back from snapshots.
 * Callers see all or nothing, as with DynamoDB.
 */
import { type Dynalite, DynamoCallError } from './dynalite-client';

type Item = Record<string, unknown>;
interface Operation {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  input: Record<string, any>;
  tableName: string;
  key: Item;
}

export class TransactionError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function keyAttributes(db: Dynalite, tableName: string, cache: Map<string, string[]>): Promise<string[]> {
  let names = cache.get(tableName);
  if (!names) {
    const described = await db.call('DescribeTable', { TableName: tableName });
    names = (described.Table.KeySchema as Array<{ AttributeName: string }>).map((k) => k.AttributeName);
    cache.set(tableName, names);
  }
  return names;
}

/** Keeps only the expression names and values a condition uses (DynamoDB refuses unused ones). */
function conditionOnly(input: Record<string, any>): Record<string, unknown> {
  const condition: string = input.ConditionExpression;
  const names = Object.fromEntries(Object.entries(input.ExpressionAttributeNames ?? {}).filter(([name]) => condition.includes(name)));
  const values = Object.fromEntries(
    Object.entries(input.ExpressionAttributeValues ?? {}).filter(([name]) => new RegExp(`${name}(?![\\w])`).test(condition)),
  );
  return {
    ConditionExpression: condition,
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

async function restore(db: Dynalite, op: Operation, snapshot: Item | undefined): Promise<void> {
  if (snapshot) await db.call('PutItem', { TableName: op.tableName, Item: snapshot });
  else await db.call('DeleteItem', { TableName: op.tableName, Key: op.key });
}

/** Evaluates a condition against the current item without changing it (the item is written back as it is). */
async function conditionHolds(db: Dynalite, op: Operation, snapshot: Item | undefined): Promise<boolean> {
  if (!op.input.ConditionExpression) return true;
  try {
    await db.call('PutItem', { TableName: op.tableName, Item: snapshot ?? op.key, ...conditionOnly(op.input) });
    if (!snapshot) await db.call('DeleteItem', { TableName: op.tableName, Key: op.key });
    return true;
  } catch (error) {
    if (error instanceof DynamoCallError && error.type === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function parse(db: Dynalite, request: Record<string, any>): Promise<Operation[]> {
  const items: Array<Record<string, any>> = request.TransactItems ?? [];
  if (items.length === 0 || items.length > 100) {
    throw new TransactionError('ValidationException', 'TransactItems must have between 1 and 100 items.');
  }
  const keyCache = new Map<string, string[]>();
  const seen = new Set<string>();
  const operations: Operation[] = [];
  for (const entry of items) {
    const [kind, input] = Object.entries(entry)[0] as [Operation['kind'], Record<string, any>];
    const tableName = String(input.TableName);
    const key: Item =
      kind === 'Put'
        ? Object.fromEntries((await keyAttributes(db, tableName, keyCache)).map((name) => [name, input.Item[name]]))
        : input.Key;
    const identity = `${tableName}|${JSON.stringify(key)}`;
    if (seen.has(identity)) {
      throw new TransactionError('ValidationException', 'Transaction request cannot include multiple operations on one item');
    }
    seen.add(identity);
    operations.push({ kind, input, tableName, key });
  }
  return operations;
}

async function apply(db: Dynalite, op: Operation): Promise<void> {
  const { ReturnValuesOnConditionCheckFailure: _ignored, ...input } = op.input;
  if (op.kind === 'Put') await db.call('PutItem', input);
  else if (op.kind === 'Update') await db.call('UpdateItem', input);
  else if (op.kind === 'Delete') await db.call('DeleteItem', input);
}

export async function transactWriteItems(db: Dynalite, request: Record<string, any>): Promise<Record<string, unknown>> {
  const operations = await parse(db, request);
  const snapshots = await Promise.all(
    operations.map(
      async (op) => (await db.call('GetItem', { TableName: op.tableName, Key: op.key, ConsistentRead: true })).Item as Item | undefined,
    ),
  );
  const reasons: Array<Record<string, unknown>> = [];
  for (const [i, op] of operations.entries()) {
    const holds = await conditionHolds(db, op, snapshots[i]);
    reasons.push(
      holds
        ? { Code: 'None' }
        : {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            ...(op.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && snapshots[i] ? { Item: snapshots[i] } : {}),
          },
    );
  }
  if (reasons.some((reason) => reason.Code !== 'None')) {
    throw new TransactionError(
      'TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      { CancellationReasons: reasons },
    );
  }
  const applied: number[] = [];
  try {
    for (const [i, op] of operations.entries()) {
      await apply(db, op);
      applied.push(i);
    }
  } catch (error) {
    for (const i of applied.reverse()) await restore(db, operations[i]!, snapshots[i]);
    throw error;
  }
  return {};
}

export async function transactGetItems(db: Dynalite, request: Record<string, any>): Promise<Record<string, unknown>> {
  const items: Array<{ Get: Record<string, unknown> }> = request.TransactItems ?? [];
  if (items.length === 0 || items.length > 100) {
    throw new TransactionError('ValidationException', 'TransactItems must have between 1 and 100 items.');
  }
  const responses = [];
  for (const { Get } of items) {
    const result = await db.call('GetItem', { ...Get, ConsistentRead: true });
    responses.push(result.Item ? { Item: result.Item } : {});
  }
  return { Responses: responses };
}
