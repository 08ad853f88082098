/**
 * The DynamoDB service of the local endpoint: the dispatcher has verified the signature; here each
 * request is authorized with IAM (`dynamodb:<Operation>` on the table's ARN, in the platform
 * account, the only one with tables here), then served by dynalite, or by our own code for what
 * dynalite lacks (transactions, TTL).
 */

import { ReadWriteLock } from '../read-write-lock';
import type { Authorizer, AwsRequest, AwsResponse } from '../types';
import { AwsError } from '../types';
import { type Dynalite, DynamoCallError, startDynalite } from './dynalite-client';
import { TransactionError, transactGetItems, transactWriteItems } from './transactions';
import { TimeToLive } from './ttl';

const PREFIX = 'com.amazonaws.dynamodb.v20120810#';

export interface DynamoService {
  handle(request: AwsRequest, body: Buffer): Promise<AwsResponse>;
  /** Deletes expired items now (the stack also runs it on a timer). */
  sweepExpired(): Promise<number>;
  /** For the stack's own bootstrap, bypassing IAM. */
  call: Dynalite['call'];
  ttl: TimeToLive;
  close(): Promise<void>;
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

/**
 * The IAM checks a request needs, as DynamoDB makes them: one action per table (or index) touched;
 * transactions are authorized item by item with the item operation's action (there is no
 * `dynamodb:TransactWriteItems` action); batch operations need their own action on each table.
 */
function permissionsOf(operation: string, input: Record<string, any>): Array<{ action: string; table: string; index?: string }> {
  if (input.TransactItems) {
    return (input.TransactItems as Array<Record<string, any>>).map((entry) => {
      const [kind, item] = Object.entries(entry)[0] as [string, { TableName: string }];
      return { action: TRANSACT_ACTIONS[kind] ?? kind, table: String(item.TableName) };
    });
  }
  if (input.RequestItems) return Object.keys(input.RequestItems).map((table) => ({ action: operation, table }));
  if (input.TableName)
    return [{ action: operation, table: String(input.TableName), ...(input.IndexName ? { index: String(input.IndexName) } : {}) }];
  return [{ action: operation, table: '*' }];
}

export function jsonError(type: string, message: string, status = 400, extra: Record<string, unknown> = {}): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
    body: JSON.stringify({ __type: `${PREFIX}${type}`, message, ...extra }),
  };
}

export async function createDynamoService(options: {
  dataDir?: string;
  authorize: Authorizer;
  platformAccountId: string;
  region: string;
  now?: () => Date;
}): Promise<DynamoService> {
  const db = await startDynalite(options.dataDir ? `${options.dataDir}/dynamodb` : undefined);
  const lock = new ReadWriteLock();
  const ttl = new TimeToLive(db, options.dataDir, options.now ?? (() => new Date()));

  const own: Record<string, (input: Record<string, any>) => Promise<Record<string, unknown>>> = {
    TransactWriteItems: (input) => lock.exclusive(() => transactWriteItems(db, input)),
    TransactGetItems: (input) => lock.exclusive(() => transactGetItems(db, input)),
    UpdateTimeToLive: (input) => lock.shared(() => ttl.update(input)),
    DescribeTimeToLive: (input) => lock.shared(() => ttl.describe(input)),
  };

  async function handle(request: AwsRequest, body: Buffer): Promise<AwsResponse> {
    const operation = (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    let input: Record<string, any>;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return jsonError('SerializationException', 'The request body is not valid JSON.');
    }
    const caller = request.caller!;
    if (operation === 'ListTables' && caller.accountId !== options.platformAccountId) {
      // Every table here is the platform account's; another account has none of its own.
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ TableNames: [] }) };
    }
    for (const { action, table, index } of permissionsOf(operation, input)) {
      const arn = `arn:aws:dynamodb:${request.region}:${options.platformAccountId}:table/${table}${index ? `/index/${index}` : ''}`;
      const decision =
        caller.accountId === options.platformAccountId
          ? options.authorize(caller, `dynamodb:${action}`, arn)
          : { allowed: false, reason: 'the table is in another account' };
      if (!decision.allowed) {
        return jsonError(
          'AccessDeniedException',
          `User: ${caller.arn} is not authorized to perform: dynamodb:${action} on resource: ${arn} because ${decision.reason}`,
        );
      }
    }
    try {
      const handler = own[operation];
      if (handler) {
        return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(await handler(input)) };
      }
      const response = await lock.shared(() => db.forward(request.headers, body));
      return { status: response.status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: response.body };
    } catch (error) {
      if (error instanceof TransactionError) return jsonError(error.type, error.message, 400, error.extra);
      if (error instanceof DynamoCallError) return jsonError(error.type, error.message, error.status);
      if (error instanceof AwsError) return jsonError(error.code, error.message, error.status);
      throw error;
    }
  }

  return {
    handle,
    sweepExpired: () => lock.exclusive(() => ttl.sweep()),
    call: db.call,
    ttl,
    close: db.close,
  };
}
