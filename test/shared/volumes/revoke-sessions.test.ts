/**
 * `revokeSessions` over the in-memory ports: who may, what is recorded and audited, the command handed back, and that
 * this process's caches hear of it at once. Isolated (vitest.config.ts): a revocation is process-wide state.
 */
import { describe, expect, it } from 'vitest';
import { sessionsRevokedAt } from '../../../shared/volumes/revocations';
import { revokeSessions } from '../../../shared/volumes/revoke-sessions';
import { getVolume } from '../../../shared/volumes/service';
import { createVolumeLookup } from '../../../shared/volumes/volume-lookup';
import { caller, NOW, world } from './fakes';
import { alice, aliceCreates } from './operations-helpers';

let volumes = 0;

async function aliceVolume() {
  const w = world();
  // Each test its own volume id: a revocation noted in this process stays for the process.
  const ids = w.deps.ids;
  w.deps.ids = { ...ids, volumeId: () => `vol-revoke-${++volumes}` };
  const created = await aliceCreates(w, { auth: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/lab/VolumeAccess' } });
  await w.deps.repo.putMember({ volumeId: created.id, subject: 'carol', access: 'write', addedBy: 'alice', addedAt: NOW.toISOString() });
  return { w, id: created.id };
}

describe('revoking a volume’s sessions', () => {
  it('records the time on the volume, audits it, and answers the put-role-policy deny on aws:TokenIssueTime', async () => {
    const { w, id } = await aliceVolume();
    const before = (await w.repo.get(id))!;
    const answer = await revokeSessions(w.deps, alice, id);
    const at = '2025-06-01T12:00:00Z';
    expect(answer).toEqual({
      volumeId: id,
      sessionsRevokedAt: at,
      roleArn: 'arn:aws:iam::123456789012:role/lab/VolumeAccess',
      policyName: `volume-gateway-revoke-${id}`,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RevokeOlderSessions',
            Effect: 'Deny',
            Action: ['*'],
            Resource: ['*'],
            Condition: { DateLessThan: { 'aws:TokenIssueTime': at } },
          },
        ],
      },
      command:
        `aws iam put-role-policy --role-name VolumeAccess --policy-name volume-gateway-revoke-${id} --policy-document ` +
        `'{"Version":"2012-10-17","Statement":[{"Sid":"RevokeOlderSessions","Effect":"Deny","Action":["*"],"Resource":["*"],` +
        `"Condition":{"DateLessThan":{"aws:TokenIssueTime":"${at}"}}}]}'`,
      stalenessSeconds: 5,
    });
    expect(await w.repo.get(id)).toMatchObject({ sessionsRevokedAt: at, version: before.version + 1 });
    expect(await getVolume(w.deps, caller('carol'), id)).toMatchObject({ sessionsRevokedAt: at });
    expect(w.audit.events.at(-1)).toMatchObject({ action: 'sessions.revoke', outcome: 'succeeded', detail: { sessionsRevokedAt: at } });
  });

  it('rounds the time up to the next whole second and answers only once that second has begun', async () => {
    const { w, id } = await aliceVolume();
    w.clock.advance(250);
    const started = Date.now();
    const answer = await revokeSessions(w.deps, alice, id);
    expect(answer.sessionsRevokedAt).toBe('2025-06-01T12:00:01Z');
    // The injected clock does not move: the wait is the 750 ms left of that second, in real time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('refuses a member who is not an admin (403, audited) and hides the volume from anyone else (404)', async () => {
    const { w, id } = await aliceVolume();
    await expect(revokeSessions(w.deps, caller('carol'), id)).rejects.toMatchObject({ status: 403, code: 'NotVolumeAdmin' });
    expect(w.audit.events.at(-1)).toMatchObject({ action: 'sessions.revoke', outcome: 'denied', subject: 'carol' });
    await expect(revokeSessions(w.deps, caller('mallory'), id)).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect((await w.repo.get(id))!.sessionsRevokedAt).toBeUndefined();
  });

  it('makes this process’s volume lookups forget the volume at once, and its caches compare against the time', async () => {
    const { w, id } = await aliceVolume();
    const lookup = createVolumeLookup({ repo: w.repo, clock: w.clock });
    expect((await lookup.byId(id))!.sessionsRevokedAt).toBeUndefined();
    await revokeSessions(w.deps, alice, id);
    expect((await lookup.byId(id))!.sessionsRevokedAt).toBe('2025-06-01T12:00:00Z');
    expect(sessionsRevokedAt({ id })).toBe(NOW.getTime());
    expect(sessionsRevokedAt({ id: 'vol-never-revoked', sessionsRevokedAt: '2025-06-01T13:00:00Z' })).toBe(NOW.getTime() + 3600_000);
  });
});
