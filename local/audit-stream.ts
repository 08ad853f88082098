/**
 * The local stack's stand-in for the audit stream's subscription filters: the audit lines this process's
 * functions and Node front write (`shared/adapters/audit-stream.ts`), and those of another process's output handed
 * to `follow` (the Node front in its own process, as its container's stdout reaches CloudWatch Logs), are given to
 * the shipper's own code at once, and shipped to the local audit table in one batch per turn of the event loop. An
 * event is thus in `GET /volumes/{id}/audit` within milliseconds of the answer that wrote it (at AWS: seconds,
 * CloudWatch Logs' delivery).
 *
 * Failures as at AWS: a batch DynamoDB refuses (a fault injected) is shipped again twice, half a second apart
 * (Lambda's retries of an asynchronous invocation); then it goes to a failure queue (the on-failure SQS queue),
 * which is replayed every second (the queue's event source) and by `settled()`, until the table takes it.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { tapAuditLines } from '../shared/adapters/audit-stream';
import type { AuditShipper } from '../shared/adapters/dynamodb/audit-shipper';
import type { Logger } from '../shared/log';

export interface LocalAuditStream {
  /** Resolves when every line written so far is in the table, or (DynamoDB still failing) in the failure queue. */
  settled(): Promise<void>;
  /** Ships the audit lines of another process's output too (its other lines are skipped by the shipper's filter). */
  follow(output: Readable): void;
  /** Batches in the failure queue. */
  failed(): number;
  close(): Promise<void>;
}

const RETRIES = 2;
const RETRY_DELAY_MS = 500;
const REPLAY_INTERVAL_MS = 1000;

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
  const ship = async (lines: string[]) => {
    shipper ??= load();
    await (await shipper).ship(lines);
  };
  let pending: string[] = [];
  let inFlight = new Set<Promise<void>>();
  let scheduled = false;
  /** The failure queue: batches kept until the table takes them. */
  let failures: string[][] = [];
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const flush = () => {
    scheduled = false;
    const lines = pending;
    pending = [];
    const attempt = async (left: number): Promise<void> => {
      try {
        await ship(lines);
      } catch (error) {
        if (left > 0) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
          return attempt(left - 1);
        }
        failures.push(lines);
        options.log.warn('local audit stream: a batch was not shipped; it is in the failure queue', {
          errorMessage: (error as Error).message,
          lines: lines.length,
        });
      }
    };
    track(attempt(RETRIES));
  };
  let replaying: Promise<void> | undefined;
  /** One attempt at each queued batch; those the table still refuses stay queued. */
  const replay = (): Promise<void> => {
    replaying ??= (async () => {
      const batches = failures;
      failures = [];
      for (const lines of batches) await ship(lines).catch(() => failures.push(lines));
    })().finally(() => {
      replaying = undefined;
    });
    return replaying;
  };
  const replayer = setInterval(() => {
    if (failures.length > 0) void replay();
  }, REPLAY_INTERVAL_MS);
  replayer.unref();
  const take = (line: string) => {
    pending.push(line);
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };
  const untap = tapAuditLines(take);
  const settled = async () => {
    while (scheduled || inFlight.size > 0) {
      if (scheduled) await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(inFlight);
    }
    await replaying;
    if (failures.length > 0) await replay();
  };
  return {
    settled,
    follow(output) {
      const lines = createInterface({ input: output, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (line.includes('"volume-gateway.audit"')) take(line);
      });
    },
    failed: () => failures.length,
    close: async () => {
      untap();
      clearInterval(replayer);
      await settled();
      inFlight = new Set();
      if (failures.length > 0) options.log.error('local audit stream: closed with batches not shipped', { batches: failures.length });
      if (shipper) (await shipper.catch(() => undefined))?.destroy();
    },
  };
}
