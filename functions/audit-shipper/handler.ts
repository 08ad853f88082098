/**
 * The audit stream's shipper: invoked by the CloudWatch Logs subscription filters on the functions that stream
 * their audit events (serverless.yml), it writes each batch's audit lines to the audit table
 * (`shared/adapters/dynamodb/audit-shipper.ts`). Idempotent, so CloudWatch Logs' redeliveries and Lambda's
 * retries of a failed batch store nothing twice; a batch DynamoDB does not take throws, and is retried.
 *
 * Reads only what it needs: `AUDIT_TABLE` and `AUDIT_RETENTION_DAYS` (365 when unset).
 */
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AuditShipper, createAuditShipper, type ShipResult } from '../../shared/adapters/dynamodb/audit-shipper';
import { once } from '../../shared/wiring/lazy';

/** What a subscription filter sends a Lambda function: `awslogs.data` is base64 of the gzipped batch. */
export interface CloudWatchLogsEvent {
  awslogs: { data: string };
}

interface LogsBatch {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  logEvents?: Array<{ id: string; timestamp: number; message: string }>;
}

/** The log lines of one delivery (none for CloudWatch Logs' control messages). */
export function linesOf(event: CloudWatchLogsEvent): string[] {
  const batch = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as LogsBatch;
  if (batch.messageType !== 'DATA_MESSAGE') return [];
  // A line as written, or after a text prefix the runtime may add (`time\trequestId\tINFO\t{…}`).
  return (batch.logEvents ?? []).map(({ message }) => message.slice(Math.max(0, message.indexOf('{'))).trimEnd());
}

function retentionDays(value: string | undefined): number {
  if (value === undefined || value === '') return 365;
  const days = Number(value);
  if (!Number.isSafeInteger(days) || days < 1) throw new Error(`AUDIT_RETENTION_DAYS must be a whole number of days, at least 1`);
  return days;
}

export function shipperFromEnvironment(env: NodeJS.ProcessEnv = process.env): AuditShipper {
  const tableName = env.AUDIT_TABLE;
  if (!tableName) throw new Error('AUDIT_TABLE is not set: the audit shipper has no table to write to');
  return createAuditShipper({
    client: new DynamoDBClient({ region: env.AWS_REGION }),
    table: { tableName, retentionDays: retentionDays(env.AUDIT_RETENTION_DAYS) },
  });
}

const shipper = once(() => shipperFromEnvironment());

export const handler = (event: CloudWatchLogsEvent): Promise<ShipResult> => shipper().ship(linesOf(event));
