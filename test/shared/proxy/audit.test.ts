import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/log';
import { createProxyAudit } from '../../../shared/proxy/audit';
import { OPERATIONS } from '../../../shared/proxy/operations';
import { FakeAuditLog } from '../volumes/fakes';

function setup() {
  let now = Date.parse('2025-06-01T12:00:00Z');
  const clock = { now: () => new Date(now) };
  const log = new FakeAuditLog();
  const lines: string[] = [];
  const audit = createProxyAudit({ audit: log, clock });
  const logger = createLogger({}, { write: (l) => lines.push(l) });
  const caller = (subject: string) => ({ subject, token: '', authMethods: [], requestId: `r-${subject}` });
  return { audit, log, lines, logger, caller, advance: (ms: number) => void (now += ms) };
}

describe('the proxy’s audit granularity', () => {
  it('records every change and every refusal', async () => {
    const s = setup();
    for (let i = 0; i < 3; i++)
      await s.audit.record(
        { caller: s.caller('alice'), volumeId: 'v', operation: OPERATIONS.PutObject, outcome: 'succeeded', detail: { key: `k${i}` } },
        s.logger,
      );
    for (let i = 0; i < 2; i++)
      await s.audit.record(
        { caller: s.caller('carol'), volumeId: 'v', operation: OPERATIONS.GetObject, outcome: 'denied', detail: {} },
        s.logger,
      );
    expect(s.log.events.map((e) => [e.action, e.subject, e.outcome])).toEqual([
      ['proxy.PutObject', 'alice', 'succeeded'],
      ['proxy.PutObject', 'alice', 'succeeded'],
      ['proxy.PutObject', 'alice', 'succeeded'],
      ['proxy.GetObject', 'carol', 'denied'],
      ['proxy.GetObject', 'carol', 'denied'],
    ]);
  });

  it('samples reads and multipart steps: the first per operation, volume and subject in each five minutes', async () => {
    const s = setup();
    const read = (subject: string, operation = OPERATIONS.GetObject, volumeId = 'v') =>
      s.audit.record({ caller: s.caller(subject), volumeId, operation, outcome: 'succeeded', detail: {} }, s.logger);
    for (let i = 0; i < 5; i++) await read('alice');
    await read('alice', OPERATIONS.HeadObject);
    await read('alice', OPERATIONS.GetObject, 'w');
    await read('bob');
    for (let i = 0; i < 3; i++) await read('alice', OPERATIONS.UploadPart);
    s.advance(5 * 60_000);
    await read('alice');
    expect(s.log.events.map((e) => [e.action, e.volumeId, e.subject])).toEqual([
      ['proxy.GetObject', 'v', 'alice'],
      ['proxy.HeadObject', 'v', 'alice'],
      ['proxy.GetObject', 'w', 'alice'],
      ['proxy.GetObject', 'v', 'bob'],
      ['proxy.UploadPart', 'v', 'alice'],
      ['proxy.GetObject', 'v', 'alice'],
    ]);
    expect(s.log.events[0]!.detail).toMatchObject({ sampled: true, windowSeconds: 300 });
  });

  it('a trail that cannot be written is logged, and the request goes on', async () => {
    const s = setup();
    s.log.record = async () => {
      throw new Error('DynamoDB is down');
    };
    await s.audit.record(
      { caller: s.caller('alice'), volumeId: 'v', operation: OPERATIONS.PutObject, outcome: 'succeeded', detail: {} },
      s.logger,
    );
    expect(JSON.parse(s.lines[0]!)).toMatchObject({ level: 'error', message: 'audit write failed', action: 'proxy.PutObject' });
  });
});
