/**
 * Role sessions on disk: each AssumeRole appends one line however many sessions there are, a restart replays them
 * (a torn last line dropped), long expired ones go at a sweep, and sessions an older iam.json held are moved over.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../../../local/aws/iam/authorizer';
import { CUSTOMER_ACCOUNT_IDS, PLATFORM_ACCOUNT_ID, seedLocalAccounts } from '../../../../local/aws/iam/seed';
import { IamStore } from '../../../../local/aws/iam/store';
import { nodeStoreFiles, type StoreFiles } from '../../../../local/aws/iam/store-files';
import { SESSION_LOG_FILE } from '../../../../local/aws/iam/store-session-log';
import { PRUNE_AFTER_MS } from '../../../../local/aws/iam/store-sessions';
import { createStsService } from '../../../../local/aws/sts/service';
import { clock, doc, parse, request, seededRandom, trustPolicy } from './fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const ROLE = `arn:aws:iam::${ACCT}:role/data-access`;
const GATEWAY_ROLE = `arn:aws:iam::${PLATFORM_ACCOUNT_ID}:role/volume-gateway`;

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iam-sessions-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The real disk, with a count of the bytes each write hands it. */
function countingFiles() {
  const real = nodeStoreFiles();
  const counter = { bytes: 0 };
  const files: StoreFiles = {
    read: real.read,
    replace: (file, data) => {
      counter.bytes += Buffer.byteLength(data);
      real.replace(file, data);
    },
    append: (file, data) => {
      counter.bytes += Buffer.byteLength(data);
      real.append(file, data);
    },
  };
  return { files, counter };
}

/** A store on disk with a customer role the gateway's session may assume, and an AssumeRole through the STS endpoint. */
function world(dataDir: string, options: { files?: StoreFiles; time?: ReturnType<typeof clock> } = {}) {
  const time = options.time ?? clock();
  const store = IamStore.open({ dataDir, now: time.now, random: seededRandom(dataDir), files: options.files });
  const seeded = seedLocalAccounts(store);
  if (!store.roles.get(ACCT, 'data-access')) {
    store.roles.create(ACCT, {
      roleName: 'data-access',
      path: '/',
      assumeRolePolicyDocument: trustPolicy({ AWS: GATEWAY_ROLE }),
      trustBindings: {},
      maxSessionDuration: 3600,
      tags: [],
    });
    store.roles.putPolicy(
      ACCT,
      'data-access',
      's3',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    );
  }
  const sts = createStsService({ store, authorize: createAuthorizer({ store, now: time.now }), now: time.now });
  const service = seeded.mintRoleSession(GATEWAY_ROLE, { sessionName: 'lambda', durationSeconds: 3600 }).caller;
  const assumeRole = async (durationSeconds = 3600) => {
    const params = { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'alice', DurationSeconds: String(durationSeconds) };
    const { req, form } = request(service, params);
    const res = parse(await sts.handle(req, form));
    if (res.status !== 200) throw new Error(res.raw);
    return res.result.Credentials as { AccessKeyId: string; SessionToken: string; Expiration: string };
  };
  return { time, store, assumeRole };
}

const logLines = (dataDir: string) => readFileSync(join(dataDir, SESSION_LOG_FILE), 'utf8').split('\n').filter(Boolean).length;

describe('IAM store sessions', () => {
  it('an AssumeRole writes the same bytes with 2,000 sessions in the store as with none: one line, no rewrite', async () => {
    const { files, counter } = countingFiles();
    const dataDir = tempDir();
    const w = world(dataDir, { files });
    const perCall: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const before = counter.bytes;
      await w.assumeRole();
      perCall.push(counter.bytes - before);
    }
    const first = perCall.slice(0, 10);
    const last = perCall.slice(-10);
    expect(first[0]).toBeGreaterThan(0);
    expect(first[0]).toBeLessThan(2048);
    expect(new Set([...first, ...last])).toEqual(new Set([first[0]]));
    expect(Math.max(...perCall)).toBe(first[0]);
    expect(logLines(dataDir)).toBe(2001); // the gateway's own session and the 2,000 AssumeRoles
  });

  it('a reopened store accepts the sessions minted before, and refuses an expired one as expired', async () => {
    const dataDir = tempDir();
    const first = world(dataDir);
    const short = await first.assumeRole(900);
    const long = await first.assumeRole(3600);

    const time = clock(first.time.now());
    time.advance(901);
    const second = world(dataDir, { time });
    expect(second.store.lookup(long.AccessKeyId)).toMatchObject({ sessionToken: long.SessionToken, caller: { roleArn: ROLE } });
    // Still found, with its expiry in the past: the endpoint answers ExpiredToken, as AWS does, not InvalidClientTokenId.
    const expired = second.store.lookup(short.AccessKeyId);
    expect(expired?.sessionToken).toBe(short.SessionToken);
    expect(expired?.expiresAt?.getTime()).toBeLessThan(time.now().getTime());
  });

  it('a torn last line (a crash mid-append) is dropped on reopening and the log repaired', async () => {
    const dataDir = tempDir();
    const first = world(dataDir);
    const kept = await first.assumeRole();
    appendFileSync(join(dataDir, SESSION_LOG_FILE), '{"accessKeyId":"ASIATORN');

    const second = world(dataDir, { time: first.time });
    expect(second.store.lookup(kept.AccessKeyId)?.sessionToken).toBe(kept.SessionToken);
    const after = await second.assumeRole();
    const third = world(dataDir, { time: first.time });
    expect(third.store.lookup(after.AccessKeyId)?.sessionToken).toBe(after.SessionToken);
    expect(readFileSync(join(dataDir, SESSION_LOG_FILE), 'utf8')).not.toContain('ASIATORN');
  });

  it('a session expired over a day ago is not found at once, and is gone from the log at the next start', async () => {
    const dataDir = tempDir();
    const w = world(dataDir);
    const old = await w.assumeRole(900);
    w.time.advance(900 + PRUNE_AFTER_MS / 1000 + 1);
    expect(w.store.lookup(old.AccessKeyId)).toBeUndefined();
    expect(readFileSync(join(dataDir, SESSION_LOG_FILE), 'utf8')).toContain(old.AccessKeyId);

    world(dataDir, { time: w.time });
    expect(readFileSync(join(dataDir, SESSION_LOG_FILE), 'utf8')).not.toContain(old.AccessKeyId);
  });

  it('a long-running store sweeps once its sessions have doubled, rewriting the log to the live ones', () => {
    const dataDir = tempDir();
    const w = world(dataDir);
    const role = w.store.roles.get(ACCT, 'data-access')!;
    const mint = () => w.store.sessions.create({ role, sessionName: 'alice', durationSeconds: 900 });
    for (let i = 0; i < 1000; i++) mint();
    w.time.advance(900 + PRUNE_AFTER_MS / 1000 + 1);
    for (let i = 0; i < 22; i++) mint();
    expect(logLines(dataDir)).toBe(1023);
    mint(); // 1,024 sessions held (the gateway's included): a sweep
    // Left: the 23 minted after the clock moved, and the gateway's (an hour long: expired less than a day ago).
    expect(logLines(dataDir)).toBe(24);
  });

  it('moves the sessions an older iam.json held into the log, and keeps them there', () => {
    const dataDir = tempDir();
    const time = clock();
    const store = IamStore.open({ dataDir, now: time.now, random: seededRandom() });
    const seeded = seedLocalAccounts(store);
    const creds = seeded.mintRoleSession(GATEWAY_ROLE, { sessionName: 'before', durationSeconds: 3600 });
    // The layout before the log: every session inside iam.json.
    const record = JSON.parse(readFileSync(join(dataDir, SESSION_LOG_FILE), 'utf8'));
    const state = JSON.parse(readFileSync(join(dataDir, 'iam.json'), 'utf8'));
    writeFileSync(join(dataDir, 'iam.json'), JSON.stringify({ ...state, sessions: { [creds.accessKeyId]: record } }));
    rmSync(join(dataDir, SESSION_LOG_FILE));

    IamStore.open({ dataDir, now: time.now, random: seededRandom() });
    expect(JSON.parse(readFileSync(join(dataDir, 'iam.json'), 'utf8')).sessions).toBeUndefined();
    const reopened = IamStore.open({ dataDir, now: time.now, random: seededRandom() });
    expect(reopened.lookup(creds.accessKeyId)?.sessionToken).toBe(creds.sessionToken);
  });
});
