/**
 * The audit shipper's wiring, from its environment: only `AUDIT_TABLE`, `AUDIT_RETENTION_DAYS` (365 when unset)
 * and the region. Built here, in shared/, because handlers reach AWS only through shared/'s adapters.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AuditShipper, createAuditShipper } from '../adapters/dynamodb/audit-shipper';

function retentionDays(value: string | undefined): number {
  if (value === undefined || value === '') return 365;
  const days = Number(value);
  if (!Number.isSafeInteger(days) || days < 1) throw new Error('AUDIT_RETENTION_DAYS must be a whole number of days, at least 1');
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
