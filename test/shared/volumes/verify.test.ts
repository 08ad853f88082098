import { describe, expect, it } from 'vitest';
import { DependencyUnavailable } from '../../../shared/errors';
import type { AssumeRoleRequest, AssumeRoleWithWebIdentityRequest } from '../../../shared/volumes/ports';
import type { CreateVolumeInput } from '../../../shared/volumes/schemas';
import { createVolume, verify } from '../../../shared/volumes/service';
import { caller, type World, world } from './fakes';

const ROLE = 'arn:aws:iam::123456789012:role/volume-access';
const alice = caller('alice');

async function registered(w: World, input: Partial<CreateVolumeInput> = {}) {
  const view = await createVolume(w.deps, alice, {
    name: 'shared-genomes',
    bucket: 'lab-genomes',
    prefix: 'runs/2025',
    region: 'eu-central-1',
    accessMode: 'read-only',
    auth: { type: 'role', roleArn: ROLE },
    ...input,
  });
  return view;
}

/** A role whose trust policy requires exactly the volume's external id, as setup says. */
async function wellConfigured(w: World, input: Partial<CreateVolumeInput> = {}) {
  const view = await registered(w, input);
  w.sts.roles.set(ROLE, { externalId: 'exact', id: view.externalId! });
  return view;
}

const summary = (checks: Array<{ name: string; ok: boolean }>) => checks.map(({ name, ok }) => `${name}:${ok}`);

describe('verifying a role volume', () => {
  it('a role that requires the external id and allows reading the prefix makes a read-only volume active', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('active');
    expect(summary(result.checks)).toEqual([
      'assume-role:true',
      'external-id-required:true',
      'wrong-external-id-refused:true',
      'list-prefix:true',
      'read-only-refuses-write:true',
    ]);
  });

  it('records the verification on the volume, bumps its version, and audits the check names and outcomes', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.clock.advance(60_000);
    const result = await verify(w.deps, alice, id);
    const stored = w.repo.volumes.get(id)!;
    expect(stored).toMatchObject({ status: 'active', version: 2, updatedAt: '2025-06-01T12:01:00.000Z' });
    expect(stored.lastVerification).toEqual({ at: '2025-06-01T12:01:00.000Z', status: 'active', checks: result.checks });
    expect(w.audit.of(id).at(-1)).toEqual({
      volumeId: id,
      at: '2025-06-01T12:01:00.000Z',
      subject: 'alice',
      action: 'volume.verify',
      outcome: 'succeeded',
      requestId: 'req-alice',
      detail: { checks: result.checks.map(({ name, ok }) => ({ name, ok })) },
    });
  });

  it('sends the right external id, the subject as session name and source identity, an Owner tag and 900 s', async () => {
    const w = world();
    const view = await wellConfigured(w);
    await verify(w.deps, alice, view.id);
    const [first, without, wrong] = w.sts.calls.slice(-3) as AssumeRoleRequest[];
    expect(first).toMatchObject({
      roleArn: ROLE,
      externalId: view.externalId,
      sessionName: 'alice',
      sourceIdentity: 'alice',
      tags: { Owner: 'alice' },
      durationSeconds: 900,
      region: 'eu-central-1',
    });
    expect(without!.externalId).toBeUndefined();
    expect(without).toMatchObject({ sessionName: 'alice', sourceIdentity: 'alice', tags: { Owner: 'alice' } });
    expect(wrong!.externalId).toBeDefined();
    expect(wrong!.externalId).not.toBe(view.externalId);
  });

  it('sanitises a subject STS would refuse into the session name and source identity', async () => {
    const w = world();
    const bob = caller('auth0|bob smith');
    const view = await createVolume(w.deps, bob, {
      name: 'bobs-data',
      bucket: 'lab-genomes',
      region: 'eu-central-1',
      accessMode: 'read-only',
      auth: { type: 'role', roleArn: ROLE },
    });
    w.sts.roles.set(ROLE, { externalId: 'exact', id: view.externalId! });
    await verify(w.deps, bob, view.id);
    const first = w.sts.calls[0] as AssumeRoleRequest;
    expect(first.sessionName).toMatch(/^auth0-bob-smith-[0-9a-f]{8}$/);
    expect(first.sourceIdentity).toBe(first.sessionName);
    expect(first.tags).toEqual({ Owner: expect.stringMatching(/^auth0-bob smith-[0-9a-f]{8}$/) });
  });

  it('a trust policy without the external-id condition fails, naming the confused-deputy risk', async () => {
    const w = world();
    const { id } = await registered(w);
    w.sts.roles.set(ROLE, { externalId: 'none' });
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    const check = result.checks.find((c) => c.name === 'external-id-required')!;
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/WITHOUT an external id: a confused-deputy risk/);
    expect(check.detail).toMatch(/sts:ExternalId/);
    expect(result.checks.find((c) => c.name === 'wrong-external-id-refused')!.ok).toBe(false);
    expect(w.repo.volumes.get(id)!.status).toBe('failed');
    expect(w.audit.of(id).at(-1)).toMatchObject({ action: 'volume.verify', outcome: 'failed' });
  });

  it('a trust policy that accepts any external id fails: a wrong one is accepted', async () => {
    const w = world();
    const { id } = await registered(w);
    w.sts.roles.set(ROLE, { externalId: 'any' });
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    expect(summary(result.checks)).toEqual([
      'assume-role:true',
      'external-id-required:true',
      'wrong-external-id-refused:false',
      'list-prefix:true',
      'read-only-refuses-write:true',
    ]);
    expect(result.checks[2]!.detail).toMatch(/WRONG external id: a confused-deputy risk/);
  });

  it('a read-only volume whose role allows writes fails, and the probe object is deleted', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.s3.allows = { list: true, put: true, delete: true };
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    const check = result.checks.find((c) => c.name === 'read-only-refuses-write')!;
    expect(check).toMatchObject({ ok: false });
    expect(check.detail).toMatch(/the role allows writes but the volume is read-only/i);
    expect(check.detail).toMatch(/deleted again/);
    const put = w.s3.calls.find((c) => c.op === 'put')!;
    expect(put.key).toMatch(/^runs\/2025\/\.volume-gateway-probe-\w+$/);
    expect(w.s3.calls.find((c) => c.op === 'delete')!.key).toBe(put.key);
    expect(w.s3.objects.size).toBe(0);
  });

  it('a read-only volume whose role allows writes but not deletes says which probe object to remove', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.s3.allows = { list: true, put: true, delete: false };
    const check = (await verify(w.deps, alice, id)).checks.find((c) => c.name === 'read-only-refuses-write')!;
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/remove s3:\/\/lab-genomes\/runs\/2025\/\.volume-gateway-probe-\w+ yourself/);
  });

  it('a denied listing fails with a detail that says to attach the permissions policy', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.s3.allows = { list: false, put: false, delete: false };
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    const check = result.checks.find((c) => c.name === 'list-prefix')!;
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/Listing s3:\/\/lab-genomes\/runs\/2025\/ was denied \(AccessDenied/);
    expect(check.detail).toMatch(/permissions policy/);
    expect(w.s3.calls[0]).toEqual({ op: 'list', bucket: 'lab-genomes', prefix: 'runs/2025/' });
  });

  it('lists the whole bucket with an empty prefix and probes at its root', async () => {
    const w = world();
    const { id } = await wellConfigured(w, { prefix: '' });
    await verify(w.deps, alice, id);
    expect(w.s3.calls[0]).toEqual({ op: 'list', bucket: 'lab-genomes', prefix: '' });
    expect(w.s3.calls[1]!.key).toMatch(/^\.volume-gateway-probe-\w+$/);
  });

  it('a refused AssumeRole fails, says to apply the trust policy, and reports the later checks as not run', async () => {
    const w = world();
    const { id } = await registered(w);
    w.sts.roles.set(ROLE, { externalId: 'refuse' });
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    expect(summary(result.checks)).toEqual([
      'assume-role:false',
      'external-id-required:false',
      'wrong-external-id-refused:false',
      'list-prefix:false',
      'read-only-refuses-write:false',
    ]);
    expect(result.checks[0]!.detail).toMatch(/Apply the trust policy returned in setup/);
    for (const check of result.checks.slice(1)) expect(check.detail).toMatch(/^not run: /);
    expect(w.sts.calls).toHaveLength(1);
    expect(w.s3.calls).toHaveLength(0);
  });

  it('a read-write volume writes and deletes a probe object', async () => {
    const w = world();
    const { id } = await wellConfigured(w, { accessMode: 'read-write' });
    w.s3.allows = { list: true, put: true, delete: true };
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('active');
    expect(summary(result.checks).at(-1)).toBe('write-and-delete:true');
    expect(w.s3.calls.map((c) => c.op)).toEqual(['list', 'put', 'delete']);
  });

  it.each([
    [{ list: true, put: false, delete: false }, /Writing a probe object .* was denied/],
    [{ list: true, put: true, delete: false }, /deleting it was denied/],
  ])('a read-write volume whose role refuses %j fails', async (allows, detail) => {
    const w = world();
    const { id } = await wellConfigured(w, { accessMode: 'read-write' });
    w.s3.allows = allows;
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    expect(result.checks.at(-1)).toMatchObject({ name: 'write-and-delete', ok: false, detail: expect.stringMatching(detail) });
  });

  it('STS being unreachable is not a result: the error propagates and nothing is recorded', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    const before = { volume: structuredClone(w.repo.volumes.get(id)), events: w.audit.events.length };
    w.sts.down = true;
    await expect(verify(w.deps, alice, id)).rejects.toBeInstanceOf(DependencyUnavailable);
    expect(w.repo.volumes.get(id)).toEqual(before.volume);
    expect(w.audit.events).toHaveLength(before.events);
  });

  it('S3 being unreachable propagates too, and nothing is recorded', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.s3.down = true;
    await expect(verify(w.deps, alice, id)).rejects.toMatchObject({ status: 503 });
    expect(w.repo.volumes.get(id)!.status).toBe('pending');
    expect(w.audit.of(id).map((e) => e.action)).toEqual(['volume.create']);
  });

  it('a volume changed while it was being verified surfaces as a Conflict, not a stale result', async () => {
    const w = world();
    const { id } = await wellConfigured(w);
    w.repo.raceNextUpdate = true;
    await expect(verify(w.deps, alice, id)).rejects.toMatchObject({ status: 409, code: 'ConcurrentModification' });
    expect(w.audit.of(id).map((e) => e.action)).toEqual(['volume.create']);
  });
});

describe('verifying a web-identity volume', () => {
  it("assumes the role with the caller's own token instead of the external-id checks", async () => {
    const w = world();
    const { id } = await registered(w, { auth: { type: 'web-identity', roleArn: ROLE } });
    w.sts.acceptedTokens.add('token-of-alice');
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('active');
    expect(summary(result.checks)).toEqual(['assume-role-with-web-identity:true', 'list-prefix:true', 'read-only-refuses-write:true']);
    expect(w.sts.calls[0] as AssumeRoleWithWebIdentityRequest).toMatchObject({
      roleArn: ROLE,
      webIdentityToken: 'token-of-alice',
      sessionName: 'alice',
      durationSeconds: 900,
    });
  });

  it('a refused token fails with a detail about the provider and trust policy, and the rest is not run', async () => {
    const w = world();
    const { id } = await registered(w, { auth: { type: 'web-identity', roleArn: ROLE } });
    const result = await verify(w.deps, alice, id);
    expect(result.status).toBe('failed');
    expect(result.checks[0]!.detail).toMatch(/OpenID Connect provider/);
    expect(summary(result.checks)).toEqual(['assume-role-with-web-identity:false', 'list-prefix:false', 'read-only-refuses-write:false']);
    expect(result.checks[1]!.detail).toMatch(/^not run: /);
  });
});
