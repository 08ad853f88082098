/**
 * TransactWriteItems as the adapters use it: cancellations come back as codes (one per item) instead of
 * errors, races lost to a concurrent transaction are retried, and a write's audit event can ride along.
 *
 * An audit event's item is new by condition and its sort key is unique to the call. So when the SDK resends a
 * transaction whose answer was lost (the connection reset after DynamoDB committed it), the event's condition
 * failing says the first send committed: the write succeeded, and is not answered as a conflict.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../volumes/model';
import { errorCode } from '../aws-errors';
import { type AuditTable, auditPut } from './audit-log';
import type { BatchRetry } from './batch';

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** A transaction that lost to a concurrent one on the same items is retried this many times in all. */
const TRANSACTION_ATTEMPTS = 3;

/** The per-item codes of a cancelled transaction (`None`, `ConditionalCheckFailed`, …); undefined for other errors. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (errorCode(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

export interface Transactor {
  /** Runs the items; undefined when committed, the codes when a condition failed. */
  transact(items: TransactItems): Promise<string[] | undefined>;
  /** `transact` with the events' Puts appended; answers the codes of `items` only, undefined when committed now or before. */
  transactAudited(items: TransactItems, audit: AuditEvent[] | AuditEvent | undefined): Promise<string[] | undefined>;
}

export function transactor(db: Pick<DynamoDBDocumentClient, 'send'>, retry: BatchRetry, auditTable: AuditTable | undefined): Transactor {
  async function transact(items: TransactItems): Promise<string[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return undefined;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes.includes('ConditionalCheckFailed')) return codes;
        if (codes.includes('TransactionConflict') && attempt < TRANSACTION_ATTEMPTS) {
          await retry.sleep(retry.baseDelayMs * 2 ** attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async function transactAudited(items: TransactItems, audit: AuditEvent[] | AuditEvent | undefined): Promise<string[] | undefined> {
    const events = audit === undefined ? [] : Array.isArray(audit) ? audit : [audit];
    if (events.length === 0) return transact(items);
    if (!auditTable) throw new Error('this store was made without an audit table, so it cannot write audit events');
    const codes = await transact([...items, ...events.map((event) => ({ Put: auditPut(event, auditTable) }))]);
    if (!codes || codes.slice(items.length).includes('ConditionalCheckFailed')) return undefined;
    return codes.slice(0, items.length);
  }

  return { transact, transactAudited };
}
