/**
 * The audit stream's shipper: invoked by the CloudWatch Logs subscription filters on the functions that stream
 * their audit events (serverless.yml), it writes each batch's audit lines to the audit table
 * (`shared/adapters/dynamodb/audit-shipper.ts`). Idempotent, so CloudWatch Logs' redeliveries and Lambda's
 * retries of a failed batch store nothing twice; a batch DynamoDB does not take (an error, or items still
 * unprocessed after the batch retries) throws.
 *
 * CloudWatch Logs invokes it asynchronously: a delivery that keeps failing is retried twice by Lambda, then sent
 * to the on-failure destination, an SQS queue kept 14 days (`AuditShipperFailures`). That queue is this function's
 * other event source: each message is Lambda's failure record, whose `requestPayload` is the delivery itself, so
 * the same lines are shipped again (the replay), and a message is deleted only once its lines are in the table
 * (`ReportBatchItemFailures`: the others come back after the queue's visibility timeout, until the table takes
 * them or the 14 days end).
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

/** What the failure queue's event source mapping sends: each body is Lambda's record of a failed invocation. */
export interface FailureQueueEvent {
  Records: Array<{ messageId: string; body: string }>;
}

/** The answer to the failure queue: the messages to keep (their lines are not all in the table yet). */
export interface QueueBatchResult {
  batchItemFailures: Array<{ itemIdentifier: string }>;
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

/**
 * The lines of one failure-queue message: Lambda's on-failure record (`{requestContext, requestPayload,
 * responseContext, responsePayload}`) of a delivery. A message that is not one has no lines (nothing to replay).
 */
export function failedLinesOf(body: string): string[] {
  let record: { requestPayload?: Partial<CloudWatchLogsEvent> };
  try {
    record = JSON.parse(body);
  } catch {
    return [];
  }
  const data = record?.requestPayload?.awslogs?.data;
  return typeof data === 'string' ? linesOf({ awslogs: { data } }) : [];
}

const shipper = once(() => shipperFromEnvironment());

const isQueueEvent = (event: CloudWatchLogsEvent | FailureQueueEvent): event is FailureQueueEvent =>
  Array.isArray((event as FailureQueueEvent).Records);

/** Each message on its own: one whose lines the table does not take stays on the queue; the others are deleted. */
async function replay(event: FailureQueueEvent): Promise<QueueBatchResult> {
  const failed = await Promise.all(
    event.Records.map(async ({ messageId, body }) => {
      try {
        await shipper().ship(failedLinesOf(body));
        return undefined;
      } catch {
        return { itemIdentifier: messageId };
      }
    }),
  );
  return { batchItemFailures: failed.filter((failure) => failure !== undefined) };
}

export function handler(event: CloudWatchLogsEvent): Promise<ShipResult>;
export function handler(event: FailureQueueEvent): Promise<QueueBatchResult>;
export function handler(event: CloudWatchLogsEvent | FailureQueueEvent): Promise<ShipResult | QueueBatchResult> {
  return isQueueEvent(event) ? replay(event) : shipper().ship(linesOf(event));
}
