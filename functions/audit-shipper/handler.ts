/**
 * The audit stream's shipper: invoked by the CloudWatch Logs subscription filters on the functions that stream
 * their audit events (serverless.yml), it writes each batch's audit lines to the audit table
 * (`shared/adapters/dynamodb/audit-shipper.ts`). Idempotent, so CloudWatch Logs' redeliveries and Lambda's
 * retries of a failed batch store nothing twice; a batch DynamoDB does not take throws, and is retried.
 *
 * Reads only what it needs (`shared/wiring/audit-shipper.ts`): `AUDIT_TABLE` and `AUDIT_RETENTION_DAYS`.
 */
import { gunzipSync } from 'node:zlib';
import type { ShipResult } from '../../shared/adapters/dynamodb/audit-shipper';
import { shipperFromEnvironment } from '../../shared/wiring/audit-shipper';
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

const shipper = once(() => shipperFromEnvironment());

export const handler = (event: CloudWatchLogsEvent): Promise<ShipResult> => shipper().ship(linesOf(event));
