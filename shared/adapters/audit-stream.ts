/**
 * The audit trail as a log stream: `record` writes the event as one JSON line to the process's log (stdout in
 * a Lambda, or the Node front's container) and returns; a subscription ships the lines to the audit table
 * (`audit-shipper.ts`, `functions/audit-shipper`). So the hot paths (vend, presign, uploads, download links, the
 * proxy's fronts) wait for no DynamoDB write and do not fail when DynamoDB does. A delivery the table does not take
 * is retried, then kept on the shipper's failure queue (14 days) and replayed from it (`functions/audit-shipper`).
 *
 * Nothing is lost when the function is frozen or crashes right after: the line is written synchronously
 * (stdout is a pipe to the Lambda runtime, and Node writes pipes synchronously on Linux), so it is with the
 * runtime, which sends it to CloudWatch Logs, before `record` returns, before the answer is sent. CloudWatch
 * Logs delivers it to the shipper at least once; each event carries an id (the random end of its sort key), so
 * a redelivery writes the same item again and the table still holds it once.
 *
 * The events reach `GET /volumes/{id}/audit` a few seconds later at AWS (CloudWatch Logs' subscription delivery;
 * typically under 10 s), within milliseconds on the local stack (`local/audit-stream.ts`). Listing reads the
 * table, as before.
 *
 * A line: `{"type":"volume-gateway.audit","id":"…","event":{…}}`, never redacted (an audit event holds no secrets:
 * see `AuditEvent.detail`) and never filtered by the log level. The subscription filter matches `$.type`.
 */
import { randomBytes } from 'node:crypto';
import { writeLogLine } from '../log';
import type { AuditEvent } from '../volumes/model';
import type { AuditLog } from '../volumes/ports';

export const AUDIT_LINE_TYPE = 'volume-gateway.audit';

/** This process's random part of its events' ids: drawn once (a small `randomBytes` per event cost more than the rest of `record`). */
const PROCESS_NONCE = randomBytes(6).toString('hex');
let sequence = 0;

/** A new event's id, the end of its sort key in the audit table: unique per process (random) and per event in it (a counter). */
export const newAuditEventId = (): string => `${PROCESS_NONCE}${(sequence++).toString(36)}`;

export interface StreamedAuditEvent {
  id: string;
  event: AuditEvent;
}

/** One event's log line. */
export const auditLine = (event: AuditEvent, id: string): string => JSON.stringify({ type: AUDIT_LINE_TYPE, id, event });

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The event of an audit line; undefined for any other line (other log lines, a truncated or malformed one). */
export function parseAuditLine(line: string): StreamedAuditEvent | undefined {
  if (!line.includes(AUDIT_LINE_TYPE)) return undefined;
  let parsed: { type?: unknown; id?: unknown; event?: Partial<AuditEvent> };
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const event = parsed?.event;
  if (parsed?.type !== AUDIT_LINE_TYPE || !isString(parsed.id) || !event || typeof event !== 'object') return undefined;
  const fields = [event.volumeId, event.at, event.subject, event.action, event.outcome, event.requestId];
  if (!fields.every(isString) || Number.isNaN(Date.parse(event.at!))) return undefined;
  return { id: parsed.id, event: event as AuditEvent };
}

const taps = new Set<(line: string) => void>();

/**
 * Also hands every audit line this process writes to `ship` (the local stack's stand-in for the subscription);
 * returns the undo. A tap's failure is its own: `record` never throws for it.
 */
export function tapAuditLines(ship: (line: string) => void): () => void {
  taps.add(ship);
  return () => void taps.delete(ship);
}

export interface StreamAuditLogOptions {
  /** Where events are listed from: the audit table the shipper fills. */
  list: AuditLog['list'];
  /** Writes one line, synchronously; the process's log sink (stdout) when absent. */
  write?: (line: string) => void;
  /** The event's id; tests fix it. */
  id?: () => string;
}

export function createStreamAuditLog(options: StreamAuditLogOptions): AuditLog {
  const write = options.write ?? writeLogLine;
  const id = options.id ?? newAuditEventId;
  return {
    record(event) {
      if (Number.isNaN(Date.parse(event.at)))
        return Promise.reject(new TypeError(`audit event time is not an ISO 8601 date: ${JSON.stringify(event.at)}`));
      const line = auditLine(event, id());
      write(line);
      for (const tap of taps) {
        try {
          tap(line);
        } catch {
          // The local stand-in's problem; the line is already written.
        }
      }
      return Promise.resolve();
    },
    list: (volumeId, page, filter) => options.list(volumeId, page, filter),
  };
}
