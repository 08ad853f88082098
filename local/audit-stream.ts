/**
 * The local stack's stand-in for the audit stream's subscription filter: the audit lines this process's
 * functions write (`shared/adapters/audit-stream.ts`) are handed to the shipper's own code at once, and shipped to
 * the local audit table in one batch per turn of the event loop. An event is thus in `GET /volumes/{id}/audit`
 * within milliseconds of the answer that wrote it (at AWS: seconds, CloudWatch Logs' delivery).
 */
import { tapAuditLines } from '../shared/adapters/audit-stream';
import type { AuditShipper } from '../shared/adapters/dynamodb/audit-shipper';
import type { Logger } from '../shared/log';

export interface LocalAuditStream {
  /** Resolves when every line written so far is in the table (or its batch failed, which is logged). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

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
    const shipping = shipper
      .then(({ ship }) => ship(lines))
      .then(
        () => undefined,
        (error: Error) =>
          options.log.error('local audit stream: a batch was not shipped', { errorMessage: error.message, lines: lines.length }),
      );
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
