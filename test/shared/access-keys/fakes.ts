/**
 * In-memory fakes for the unit tests of the access-key domain: a store with the port's semantics (conditional
 * put and owner-checked remove, the owner's unexpired keys newest first), fixed ids, and a world with volumes
 * from the volume fakes.
 */

import type { AccessKeyDeps, KeyCaller } from '../../../shared/access-keys/deps';
import type { AccessKeyRecord } from '../../../shared/access-keys/model';
import type { AccessKeyStore, PageRequest } from '../../../shared/access-keys/ports';
import { Conflict, DependencyUnavailable } from '../../../shared/errors';
import type { AccessMode, AuditEvent, Member, MemberAccess, Volume } from '../../../shared/volumes/model';
import type { AuditLog } from '../../../shared/volumes/ports';
import { FakeAuditLog, FakeRepository } from '../volumes/fakes';

export const MASTER = 'test-master-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const T0 = new Date('2026-03-01T12:00:00.000Z');
const clone = <T>(value: T): T => structuredClone(value);

export class FakeAccessKeyStore implements AccessKeyStore {
  readonly keys = new Map<string, AccessKeyRecord>();
  down = false;
  gets = 0;
  /** When set, `get` waits for it: lets a test hold lookups in flight. */
  gate: Promise<void> | undefined;

  /** Where `put` writes the key's events, before the key: a failing log leaves no key (the adapter's transaction). */
  constructor(
    private readonly clock: { now(): Date },
    public auditLog?: AuditLog,
  ) {}

  private check() {
    if (this.down) throw new DependencyUnavailable('The access key store did not answer.', 'AccessKeyStoreUnavailable');
  }
  async put(record: AccessKeyRecord, audit: AuditEvent[] = []) {
    this.check();
    if (this.keys.has(record.id)) throw new Conflict('An access key with this id already exists.', 'AccessKeyIdTaken');
    if (audit.length > 0 && !this.auditLog) throw new Error('FakeAccessKeyStore: made without an audit log, given audit events');
    for (const event of audit) await this.auditLog!.record(event);
    this.keys.set(record.id, clone(record));
  }
  async get(id: string) {
    this.gets++;
    await this.gate;
    this.check();
    const record = this.keys.get(id);
    return record && clone(record);
  }
  async remove(id: string, owner: string) {
    this.check();
    const record = this.keys.get(id);
    if (!record || record.owner !== owner) return undefined;
    this.keys.delete(id);
    return clone(record);
  }
  async listByOwner(owner: string, page: PageRequest) {
    this.check();
    const now = this.clock.now().getTime();
    const mine = [...this.keys.values()]
      .filter((k) => k.owner === owner && Date.parse(k.expiresAt) > now)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const start = page.nextToken ? Number(page.nextToken) : 0;
    const next = start + page.limit;
    return { items: mine.slice(start, next).map(clone), ...(next < mine.length ? { nextToken: String(next) } : {}) };
  }
}

/** Ids `VGAKTEST000000000001`-style (A-Z2-7 only: digits 0, 1, 8, 9 are not in the alphabet, so letters count). */
export function fixedIds() {
  let n = 0;
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const code = (i: number) => Array.from({ length: 4 }, (_, k) => letters[Math.floor(i / 32 ** (3 - k)) % 32]).join('');
  return {
    accessKeyId: () => `VGAKTESTTESTTEST${code(++n)}`,
    salt: () => `salt-${n}`,
  };
}

export interface KeyWorld {
  deps: AccessKeyDeps;
  store: FakeAccessKeyStore;
  repo: FakeRepository;
  audit: FakeAuditLog;
  clock: { now(): Date; advance(ms: number): void };
  /** Adds a volume owned by `owner` (admin), with optional extra members. */
  volume(
    name: string,
    owner: string,
    options?: { members?: Record<string, MemberAccess>; requireMfa?: boolean; accessMode?: AccessMode },
  ): Promise<Volume>;
}

export function keyWorld(options: { masterKey?: string | null } = {}): KeyWorld {
  let now = T0.getTime();
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const audit = new FakeAuditLog();
  const store = new FakeAccessKeyStore(clock, audit);
  const repo = new FakeRepository(audit);
  const masterKey = options.masterKey === null ? undefined : (options.masterKey ?? MASTER);
  const deps: AccessKeyDeps = { store, repo, audit, clock, ids: fixedIds(), ...(masterKey ? { masterKey } : {}) };
  let v = 0;
  const volume: KeyWorld['volume'] = async (name, owner, extra = {}) => {
    const at = clock.now().toISOString();
    const created: Volume = {
      id: `vol-${String(++v).padStart(4, '0')}`,
      name,
      bucket: 'lab-data',
      prefix: name,
      region: 'eu-central-1',
      accessMode: extra.accessMode ?? 'read-write',
      auth: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/volume-access' },
      requireMfa: extra.requireMfa ?? false,
      externalId: `ext-${v}`,
      status: 'active',
      ownerSubject: owner,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const member = (subject: string, access: MemberAccess): Member => ({
      volumeId: created.id,
      subject,
      access,
      addedBy: owner,
      addedAt: at,
    });
    await repo.create(created, member(owner, 'admin'));
    for (const [subject, access] of Object.entries(extra.members ?? {})) await repo.putMember(member(subject, access));
    return created;
  };
  return { deps, store, repo, audit, clock, volume };
}

export const keyCaller = (subject: string, extra: Partial<KeyCaller> = {}): KeyCaller => ({
  subject,
  token: `token-of-${subject}`,
  authMethods: ['pwd'],
  requestId: `req-${subject}`,
  ...extra,
});
