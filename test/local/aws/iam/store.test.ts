import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_POLICY, CUSTOMER_ACCOUNT_IDS, PLATFORM_ACCOUNT_ID, seedLocalAccounts } from '../../../../local/aws/iam/seed';
import { IamStore } from '../../../../local/aws/iam/store';
import { PRUNE_AFTER_MS } from '../../../../local/aws/iam/store-sessions';
import { clock, seededRandom } from './fixtures';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iam-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('IAM store', () => {
  it('keeps accounts, users, keys, roles, providers and sessions across a reload', () => {
    const dataDir = tempDir();
    const time = clock();
    const first = IamStore.open({ dataDir, now: time.now, random: seededRandom('a') });
    const seeded = seedLocalAccounts(first);
    const role = first.roles.create(CUSTOMER_ACCOUNT_IDS[0], {
      roleName: 'reader',
      path: '/data/',
      assumeRolePolicyDocument: '{}',
      trustBindings: {},
      maxSessionDuration: 7200,
      tags: [{ Key: 'team', Value: 'blue' }],
    });
    first.roles.putPolicy(CUSTOMER_ACCOUNT_IDS[0], 'reader', 'read', '{"x":1}');
    first.oidc.create(CUSTOMER_ACCOUNT_IDS[0], { url: 'https://id.example.org', clientIds: ['app'], thumbprints: [], tags: [] });
    const session = first.sessions.create({
      role,
      sessionName: 's1',
      durationSeconds: 900,
      sessionPolicy: '{"p":1}',
      sourceIdentity: 'alice',
      tags: { team: 'blue' },
      transitiveTagKeys: ['team'],
    });

    const second = IamStore.open({ dataDir, now: time.now, random: seededRandom('b') });
    expect(second.lookup(seeded.customers[0]!.accessKeyId)).toMatchObject({
      secretAccessKey: seeded.customers[0]!.secretAccessKey,
      caller: { kind: 'user', arn: `arn:aws:iam::${CUSTOMER_ACCOUNT_IDS[0]}:user/admin` },
    });
    const reloadedRole = second.roles.findByArn(`arn:aws:iam::${CUSTOMER_ACCOUNT_IDS[0]}:role/data/reader`);
    expect(reloadedRole).toMatchObject({ roleId: role.roleId, maxSessionDuration: 7200, tags: [{ Key: 'team', Value: 'blue' }] });
    expect(reloadedRole?.policies.read?.document).toBe('{"x":1}');
    expect(second.oidc.findByIssuer(CUSTOMER_ACCOUNT_IDS[0], 'https://id.example.org/')?.clientIds).toEqual(['app']);
    const found = second.lookup(session.accessKeyId);
    expect(found).toMatchObject({ sessionToken: session.sessionToken, expiresAt: session.expiration });
    expect(found?.caller).toMatchObject({
      kind: 'assumed-role',
      isRoleSession: true,
      sourceIdentity: 'alice',
      sessionPolicy: '{"p":1}',
      tags: { team: 'blue' },
      transitiveTagKeys: ['team'],
    });
    expect(found?.caller.issuedAt).toEqual(time.now());
  });

  it('writes atomically: no temporary files are left, the file is complete JSON', () => {
    const dataDir = tempDir();
    const store = IamStore.open({ dataDir, random: seededRandom() });
    seedLocalAccounts(store);
    expect(readdirSync(dataDir)).toEqual(['iam.json']);
    expect(JSON.parse(readFileSync(join(dataDir, 'iam.json'), 'utf8')).version).toBe(1);
  });

  it('seeding twice keeps the same ids and keys', () => {
    const dataDir = tempDir();
    const a = seedLocalAccounts(IamStore.open({ dataDir, random: seededRandom('x') }));
    const b = seedLocalAccounts(IamStore.open({ dataDir, random: seededRandom('y') }));
    expect(b.customers).toEqual(a.customers);
    expect(b.platform).toEqual(a.platform);
    expect(a.platform).toEqual({
      accountId: PLATFORM_ACCOUNT_ID,
      roleName: 'volume-gateway',
      roleArn: 'arn:aws:iam::000000000000:role/volume-gateway',
    });
  });

  it('seeds admins with an allow-everything policy and AKIA keys with 40-character secrets', () => {
    const store = IamStore.open({ random: seededRandom() });
    const seeded = seedLocalAccounts(store);
    expect(seeded.customers.map((c) => c.accountId)).toEqual([...CUSTOMER_ACCOUNT_IDS]);
    for (const c of seeded.customers) {
      expect(c.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(c.secretAccessKey).toHaveLength(40);
      expect(store.users.get(c.accountId, 'admin')?.policies.administratoraccess?.document).toBe(ADMIN_POLICY);
    }
  });

  it('mints the service its own role session: ASIA key, session token, a role session', () => {
    const time = clock();
    const store = IamStore.open({ now: time.now, random: seededRandom() });
    const seeded = seedLocalAccounts(store);
    const creds = seeded.mintRoleSession(seeded.platform.roleArn, { sessionName: 'lambda', durationSeconds: 3600 });
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.expiration.getTime() - time.now().getTime()).toBe(3600_000);
    expect(store.lookup(creds.accessKeyId)?.caller).toMatchObject({
      kind: 'assumed-role',
      isRoleSession: true,
      arn: 'arn:aws:sts::000000000000:assumed-role/volume-gateway/lambda',
      roleArn: seeded.platform.roleArn,
    });
    expect(store.lookup(creds.accessKeyId)?.caller.userId).toMatch(/^AROA[A-Z2-7]{17}:lambda$/);
  });

  it('still finds an expired session (so the endpoint can say ExpiredToken), and prunes it a day later', () => {
    const time = clock();
    const store = IamStore.open({ now: time.now, random: seededRandom() });
    const seeded = seedLocalAccounts(store);
    const creds = seeded.mintRoleSession(seeded.platform.roleArn, { sessionName: 'old', durationSeconds: 900 });
    time.advance(901);
    expect(store.lookup(creds.accessKeyId)?.expiresAt?.getTime()).toBeLessThan(time.now().getTime());
    time.advance(PRUNE_AFTER_MS / 1000);
    seeded.mintRoleSession(seeded.platform.roleArn, { sessionName: 'new' });
    expect(store.lookup(creds.accessKeyId)).toBeUndefined();
  });

  it('does not resolve unknown keys', () => {
    const store = IamStore.open({ random: seededRandom() });
    seedLocalAccounts(store);
    expect(store.lookup('AKIAUNKNOWNUNKNOWN00')).toBeUndefined();
    expect(store.lookup('ASIAUNKNOWNUNKNOWN00')).toBeUndefined();
  });
});
