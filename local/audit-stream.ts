/**
 * The local stack's stand-in for the audit stream's subscription filter: the audit lines this process's
 * functions write (`shared/adapters/audit-stream.ts`) are handed to the shipper's own code at once, and shipped to
 * the local audit table in one batch per turn of the event loop. An event is thus in `GET /volumes/{id}/audit`
 * within milliseconds of the answer that wrote it (at AWS: seconds, CloudWatch Logs' delivery); a batch DynamoDB
 * refuses (a fault injected) is shipped again twice, half a second apart.
 */
import { tapAuditLines } from '../shared/adapters/audit-stream';
import type { AuditShipper } from '../shared/adapters/dynamodb/audit-shipper';
import type { Logger } from '../shared/log';

export interface LocalAuditStream {
  /** Resolves when every line written so far is in the table (or its batch failed, which is logged). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const RETRIES = 2;
const RETRY_DELAY_MS = 500;

/** Ships from now on, with the environment the stack has set (its endpoint, its credentials, AUDIT_TABLE). */
export function startLocalAuditStream(options: { tableName: string; retentionDays: number; log: Logger }): LocalAuditStream {
  // The AWS SDK loads at the first line, as the functions load it: not before a streaming handler has found `awslambda`.
  let shipper: Promise<{ ship: AuditShipper['ship']; destroy(): void }> | undefined;
  const load = async () => {
    const [{ DynamoDBClient }, { createAuditShipper }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../shared/adapters/dynamodb/audit-shipper'),
    ]);
    const client = new DynamoDBClient({ region: process.env.AWS_REGION });
    const { ship } = createAuditShipper({ client, table: { tableName: options.tableName, retentionDays: options.retentionDays } });
    return { ship, destroy: () => client.destroy() };
  };
  let pending: string[] = [];
  let inFlight = new Set<Promise<void>>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const lines = pending;
    pending = [];
    shipper ??= load();
    // A failed batch is shipped again, as Lambda retries a failed asynchronous invocation (twice), here after a short wait.
    const attempt = async (left: number): Promise<void> => {
      try {
        await (await shipper!).ship(lines);
      } catch (error) {
        if (left > 0) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
          return attempt(left - 1);
        }
        options.log.error('local audit stream: a batch was not shipped', { errorMessage: (error as Error).message, lines: lines.length });
      }
    };
    const shipping = attempt(RETRIES);
    inFlight.add(shipping);
    void shipping.finally(() => inFlight.delete(shipping));
  };
  const untap = tapAuditLines((line) => {
    pending.push(line);
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  });
  const settled = async () => {
    while (scheduled || inFlight.size > 0) {
      if (scheduled) await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(inFlight);
    }
  };
  return {
    settled,
    close: async () => {
      untap();
      await settled();
      inFlight = new Set();
      if (shipper) (await shipper.catch(() => undefined))?.destroy();
    },
  };
}
