/**
 * The audit stream's other end: audit lines (`../audit-stream.ts`) written to the audit table, in batches.
 * Idempotent: an event is the same item however often it is shipped (its id ends its sort key), so a
 * redelivered batch stores nothing twice. Lines that are not audit events are skipped and counted.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseAuditLine } from '../audit-stream';
import { type AuditTable, auditItem } from './audit-log';
import { type BatchRetry, batchPutAll, DEFAULT_BATCH_RETRY } from './batch';
import { documentClient } from './document-client';

export interface ShipResult {
  /** Events written (after removing repeats within the batch). */
  shipped: number;
  /** Lines that were not audit events. */
  skipped: number;
}

export interface AuditShipper {
  ship(lines: readonly string[]): Promise<ShipResult>;
}

export function createAuditShipper(options: { client: DynamoDBClient; table: AuditTable; retry?: BatchRetry }): AuditShipper {
  const db = documentClient(options.client);
  return {
    async ship(lines) {
      const items = new Map<string, Record<string, unknown>>();
      let skipped = 0;
      for (const line of lines) {
        const streamed = parseAuditLine(line);
        if (!streamed) {
          skipped++;
          continue;
        }
        const item = auditItem(streamed.event, options.table, streamed.id);
        // BatchWriteItem refuses two requests for one key: a line delivered twice in one batch is written once.
        items.set(`${item.pk}\n${item.sk}`, item);
      }
      await batchPutAll(db, options.table.tableName, [...items.values()], options.retry ?? DEFAULT_BATCH_RETRY);
      return { shipped: items.size, skipped };
    },
  };
}
