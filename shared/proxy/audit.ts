/**
 * The proxy's entries in a volume's audit trail (`proxy.<Operation>`), at a granularity a busy client cannot
 * turn into a write per request:
 *
 * - every refusal of a member (`denied`: read access asking to write, MFA, inactive volume, S3's 403) and every
 *   change (PutObject, CopyObject, DeleteObject(s), Create/Complete/AbortMultipartUpload), whatever its outcome;
 * - reads (GetObject, HeadObject, listings) and the steps of a multipart upload (UploadPart, UploadPartCopy,
 *   ListParts, ListMultipartUploads): the first of each operation per volume and subject in a window (5 minutes),
 *   marked `sampled`; the others in that window are only logged (every request has a log line with its key,
 *   status and request id).
 *
 * The sampling memory (`../volumes/audit-sampler.ts`) is per warm process, bounded, and forgets windows that ended.
 * The entries go to the audit stream (`shared/wiring/proxy.ts`: a log line each, which the shipper writes to the
 * table), so a request waits for no DynamoDB write and does not fail when DynamoDB does; a failure to record one is
 * logged and does not fail the request either (the object may already be written).
 */
import type { Logger } from '../log';
import { createAuditSampler } from '../volumes/audit-sampler';
import type { Caller } from '../volumes/deps';
import type { AuditOutcome } from '../volumes/model';
import type { AuditLog, Clock } from '../volumes/ports';
import type { Operation, OperationName } from './operations';

export interface ProxyAuditEntry {
  caller: Caller;
  volumeId: string;
  operation: Operation;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

export interface ProxyAudit {
  record(entry: ProxyAuditEntry, log: Logger): Promise<void>;
}

export interface ProxyAuditOptions {
  audit: AuditLog;
  clock: Clock;
  /** 300,000 ms when absent. */
  windowMs?: number;
  /** Windows remembered at once; 10,000 when absent. */
  maxEntries?: number;
}

/** Steps of a write that are sampled like reads: a 10 GB upload is a thousand parts. */
const SAMPLED_STEPS: ReadonlySet<OperationName> = new Set(['UploadPart', 'UploadPartCopy', 'ListParts', 'ListMultipartUploads']);

export const isAlwaysAudited = (operation: Operation, outcome: AuditOutcome): boolean =>
  outcome === 'denied' || (operation.access === 'write' && !SAMPLED_STEPS.has(operation.name));

export function createProxyAudit(options: ProxyAuditOptions): ProxyAudit {
  const sampler = createAuditSampler({
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  });

  return {
    async record({ caller, volumeId, operation, outcome, detail }, log) {
      const now = options.clock.now();
      const always = isAlwaysAudited(operation, outcome);
      if (!always && !sampler.firstInWindow(JSON.stringify([volumeId, caller.subject, operation.name]), now)) return;
      try {
        await options.audit.record({
          volumeId,
          at: now.toISOString(),
          subject: caller.subject,
          action: `proxy.${operation.name}`,
          outcome,
          requestId: caller.requestId,
          detail: always ? detail : { ...detail, sampled: true, windowSeconds: sampler.windowSeconds },
        });
      } catch (error) {
        log.error('audit write failed', {
          action: `proxy.${operation.name}`,
          volumeId,
          errorName: (error as Error).name,
          errorMessage: (error as Error).message,
        });
      }
    },
  };
}
