/**
 * The audit stream end to end against the local stack's DynamoDB: a process writes an event and is killed before
 * anything else can run; its output, shipped as the subscription delivers it, puts the event in the audit table,
 * and a redelivery stores it once.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler, linesOf } from '../../../functions/audit-shipper/handler';
import { auditLine, createStreamAuditLog, newAuditEventId, parseAuditLine } from '../../../shared/adapters/audit-stream';
import { createDynamoAuditLog } from '../../../shared/adapters/dynamodb/audit-log';
import { createAuditShipper } from '../../../shared/adapters/dynamodb/audit-shipper';
import type { AuditEvent } from '../../../shared/volumes/model';
import { startTestStack, type TestStack } from '../../support/local-stack';
import { gatewayDynamo, localTables } from './helpers';

let stack: TestStack;
let client: DynamoDBClient;
const table = { tableName: localTables().audit, retentionDays: 30 };

beforeAll(async () => {
  stack = await startTestStack();
  client = gatewayDynamo(stack);
});
afterAll(() => stack?.close());

const listed = (volumeId: string) =>
  createDynamoAuditLog({ client, ...table, clock: { now: () => new Date() } }).list(volumeId, { limit: 50 });

function event(volumeId: string): AuditEvent {
  return {
    volumeId,
    at: new Date().toISOString(),
    subject: 'alice',
    action: 'presign',
    outcome: 'allowed',
    requestId: `req-${randomBytes(3).toString('hex')}`,
    detail: { method: 'GET', key: 'runs/a.bam', cached: true },
  };
}
const newVolumeId = () => `vol-${randomBytes(5).toString('hex')}`;

/** Runs the fixture; resolves with its stdout once it has died, and how it died. */
function recordThenDie(recorded: AuditEvent): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/audit-then-crash.ts', JSON.stringify(recorded)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ stdout, signal }));
  });
}

/** A CloudWatch Logs subscription delivery of `lines`, as the shipper function receives it. */
const delivery = (lines: string[]) => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: '/aws/lambda/volume-gateway-local-presign',
        logEvents: lines.map((message, i) => ({ id: String(i), timestamp: Date.now(), message })),
      }),
    ).toString('base64'),
  },
});

describe('the audit stream', () => {
  it('loses no event when the function dies right after recording it: its output, shipped, puts it in the table', async () => {
    const recorded = event(newVolumeId());
    const { stdout, signal } = await recordThenDie(recorded);
    expect(signal).toBe('SIGKILL');
    const lines = stdout.split('\n').filter((line) => line !== '');
    const shipper = createAuditShipper({ client, table });
    expect(await shipper.ship(lines)).toEqual({ shipped: 1, skipped: 0 });
    expect((await listed(recorded.volumeId)).items).toEqual([recorded]);
  });

  it('stores a redelivered batch once, and a line repeated within one batch once', async () => {
    const recorded = event(newVolumeId());
    const line = auditLine(recorded, 'e1');
    const other = auditLine({ ...recorded, action: 'credentials.vend' }, 'e2');
    const shipper = createAuditShipper({ client, table });
    expect(await shipper.ship([line, line, other])).toEqual({ shipped: 2, skipped: 0 });
    await shipper.ship([line, other]);
    expect((await listed(recorded.volumeId)).items.map((e) => e.action).sort()).toEqual(['credentials.vend', 'presign']);
  });

  it('ships a subscription delivery through the shipper function, skipping lines that are not audit events', async () => {
    const recorded = event(newVolumeId());
    const lines = ['{"level":"info","message":"request"}', `2026-12-06T01:00:00.000Z\treq\tINFO\t${auditLine(recorded, 'x1')}`, 'not json'];
    expect(linesOf(delivery(lines)).map(parseAuditLine).filter(Boolean)).toHaveLength(1);
    const env = { ...process.env };
    Object.assign(process.env, { AUDIT_TABLE: table.tableName, AUDIT_RETENTION_DAYS: '30' });
    try {
      expect(await handler(delivery(lines))).toEqual({ shipped: 1, skipped: 2 });
    } finally {
      process.env = env;
    }
    expect((await listed(recorded.volumeId)).items).toEqual([recorded]);
  });

  it('reaches the table on the local stack by its tee of the audit lines, as the subscription does at AWS', async () => {
    const recorded = event(newVolumeId());
    await createStreamAuditLog({ list: async () => ({ items: [] }), write: () => {} }).record(recorded);
    await stack.auditStream!.settled();
    expect((await listed(recorded.volumeId)).items).toEqual([recorded]);
  });

  it('records by writing one line, before record resolves, and lists from the table', async () => {
    const written: string[] = [];
    const audit = createStreamAuditLog({ list: async () => ({ items: [] }), write: (line) => written.push(line), id: () => 'fixed' });
    const recorded = event(newVolumeId());
    const pending = audit.record(recorded);
    expect(written.map(parseAuditLine)).toEqual([{ id: 'fixed', event: recorded }]);
    await pending;
    await expect(audit.record({ ...recorded, at: 'yesterday' })).rejects.toThrow(TypeError);
  });

  it('gives every event of a process its own id, so two events of one request in one millisecond are two items', () => {
    const ids = Array.from({ length: 1000 }, newAuditEventId);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^[0-9a-f]{12}[0-9a-z]+$/.test(id))).toBe(true);
  });
});
