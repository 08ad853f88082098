/**
 * In-memory fakes of the volume ports, for the unit tests of the domain. They keep the contract's semantics
 * (name claims, optimistic versions, newest-first audit, refusals vs outages) and record what was asked of
 * them; the adapters are tested against the local stack elsewhere.
 */
import { Conflict, DependencyUnavailable } from '../../../shared/errors';
import type { Caller, VolumeDeps } from '../../../shared/volumes/deps';
import { type IdempotencyRecord, isLive } from '../../../shared/volumes/idempotency';
import type { AuditEvent, Member, Page, Volume } from '../../../shared/volumes/model';
import {
  AssumeRoleRefused,
  type AssumeRoleRequest,
  type AssumeRoleWithWebIdentityRequest,
  type AuditLog,
  type CredentialIssuer,
  IdempotencyKeyInUse,
  type ObjectProbe,
  type PageRequest,
  S3AccessDenied,
  type TemporaryCredentials,
  type VolumeRepository,
  type WriteWith,
} from '../../../shared/volumes/ports';

const clone = <T>(value: T): T => structuredClone(value);

function paginate<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.nextToken ? Number(page.nextToken) : 0;
  const slice = items.slice(start, start + page.limit);
  const next = start + page.limit;
  return { items: slice, ...(next < items.length ? { nextToken: String(next) } : {}) };
}

export class FakeRepository implements VolumeRepository {
  readonly volumes = new Map<string, Volume>();
  readonly members = new Map<string, Map<string, Member>>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  writes = 0;
  /** Set to make the next update lose a race, as if another writer got there first. */
  raceNextUpdate = false;

  /** Events given with writes go to `audit` (the DynamoDB adapter writes them in the same transaction). */
  constructor(private readonly audit?: AuditLog) {}

  private async withEvent(also: WriteWith | undefined): Promise<void> {
    if (!also?.audit) return;
    if (!this.audit) throw new Error('FakeRepository: made without an audit log, given an audit event');
    await this.audit.record(also.audit);
  }

  async create(volume: Volume, owner: Member, also?: WriteWith & { idempotency?: IdempotencyRecord }): Promise<void> {
    const held = also?.idempotency && this.idempotency.get(JSON.stringify([also.idempotency.subject, also.idempotency.key]));
    if (held && isLive(held, new Date(also!.idempotency!.createdAt))) throw new IdempotencyKeyInUse();
    if ([...this.volumes.values()].some((v) => v.name === volume.name))
      throw new Conflict(`The name ${volume.name} is taken.`, 'VolumeNameTaken');
    this.writes++;
    this.volumes.set(volume.id, clone(volume));
    this.members.set(volume.id, new Map([[owner.subject, clone(owner)]]));
    if (also?.idempotency) this.idempotency.set(JSON.stringify([also.idempotency.subject, also.idempotency.key]), clone(also.idempotency));
    await this.withEvent(also);
  }
  async getIdempotency(subject: string, key: string) {
    const record = this.idempotency.get(JSON.stringify([subject, key]));
    return record && clone(record);
  }
  async get(id: string) {
    const v = this.volumes.get(id);
    return v && clone(v);
  }
  async getByName(name: string) {
    const v = [...this.volumes.values()].find((x) => x.name === name);
    return v && clone(v);
  }
  async update(volume: Volume, expectedVersion: number, also?: WriteWith): Promise<void> {
    const stored = this.volumes.get(volume.id);
    if (this.raceNextUpdate || !stored || stored.version !== expectedVersion) {
      this.raceNextUpdate = false;
      throw new Conflict('The volume changed since it was read; read it again and retry.', 'ConcurrentModification');
    }
    this.writes++;
    this.volumes.set(volume.id, clone(volume));
    await this.withEvent(also);
  }
  async delete(id: string, also?: WriteWith): Promise<void> {
    this.writes++;
    this.volumes.delete(id);
    this.members.delete(id);
    await this.withEvent(also);
  }
  async listForSubject(subject: string, page: PageRequest) {
    const rows = [...this.volumes.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .flatMap((volume) => {
        const member = this.members.get(volume.id)?.get(subject);
        return member ? [{ volume: clone(volume), member: clone(member) }] : [];
      });
    return paginate(rows, page);
  }
  async getMember(volumeId: string, subject: string) {
    const m = this.members.get(volumeId)?.get(subject);
    return m && clone(m);
  }
  async putMember(member: Member, also?: WriteWith): Promise<void> {
    this.writes++;
    this.members.get(member.volumeId)?.set(member.subject, clone(member));
    await this.withEvent(also);
  }
  async deleteMember(volumeId: string, subject: string, also?: WriteWith): Promise<void> {
    this.writes++;
    this.members.get(volumeId)?.delete(subject);
    await this.withEvent(also);
  }
  async listMembers(volumeId: string, page: PageRequest) {
    const all = [...(this.members.get(volumeId)?.values() ?? [])].sort((a, b) => a.subject.localeCompare(b.subject));
    return paginate(all.map(clone), page);
  }
}

export class FakeAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent) {
    this.events.push(clone(event));
  }
  async list(volumeId: string, page: PageRequest) {
    return paginate(this.events.filter((e) => e.volumeId === volumeId).reverse(), page);
  }
  of(volumeId: string) {
    return this.events.filter((e) => e.volumeId === volumeId);
  }
}

/**
 * What the role's trust policy admits, as far as the external id goes: `exact` (the right id only), `none`
 * (no condition: anything), `any` (any id present, e.g. StringLike "*"), `refuse` (the gateway is not trusted).
 */
export type TrustBehaviour =
  | { externalId: 'exact'; id: string }
  | { externalId: 'none' }
  | { externalId: 'any' }
  | { externalId: 'refuse' };

export class FakeSts implements CredentialIssuer {
  readonly roles = new Map<string, TrustBehaviour>();
  /** Tokens the web-identity roles accept. */
  readonly acceptedTokens = new Set<string>();
  down = false;
  readonly calls: Array<AssumeRoleRequest | AssumeRoleWithWebIdentityRequest> = [];
  private issued = 0;

  private credentials(roleArn: string): TemporaryCredentials {
    this.issued++;
    return {
      accessKeyId: `ASIA${this.issued}`,
      secretAccessKey: 'secret',
      sessionToken: `token-for:${roleArn}`,
      expiration: new Date('2030-01-01T00:00:00Z'),
    };
  }

  async assumeRole(request: AssumeRoleRequest) {
    this.calls.push({ ...request });
    if (this.down) throw new DependencyUnavailable('STS did not answer.');
    const trust = this.roles.get(request.roleArn) ?? { externalId: 'refuse' };
    const admitted =
      trust.externalId === 'none' ||
      (trust.externalId === 'any' && request.externalId !== undefined) ||
      (trust.externalId === 'exact' && request.externalId === trust.id);
    if (!admitted)
      throw new AssumeRoleRefused('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`);
    return this.credentials(request.roleArn);
  }

  async assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest) {
    this.calls.push({ ...request });
    if (this.down) throw new DependencyUnavailable('STS did not answer.');
    if (!this.acceptedTokens.has(request.webIdentityToken))
      throw new AssumeRoleRefused('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    return this.credentials(request.roleArn);
  }
}

/** What the role's permissions allow in S3. */
export interface S3Behaviour {
  list: boolean;
  put: boolean;
  delete: boolean;
}

export class FakeS3 implements ObjectProbe {
  allows: S3Behaviour = { list: true, put: false, delete: false };
  down = false;
  readonly objects = new Set<string>();
  readonly calls: Array<{ op: string; bucket: string; key?: string; prefix?: string }> = [];

  private check(op: keyof S3Behaviour) {
    if (this.down) throw new DependencyUnavailable('S3 did not answer.');
    if (!this.allows[op]) throw new S3AccessDenied('AccessDenied', 'Access Denied');
  }
  async listPrefix(_c: TemporaryCredentials, target: { bucket: string; prefix: string }) {
    this.calls.push({ op: 'list', bucket: target.bucket, prefix: target.prefix });
    this.check('list');
  }
  async putObject(_c: TemporaryCredentials, target: { bucket: string; key: string }) {
    this.calls.push({ op: 'put', bucket: target.bucket, key: target.key });
    this.check('put');
    this.objects.add(`${target.bucket}/${target.key}`);
  }
  async deleteObject(_c: TemporaryCredentials, target: { bucket: string; key: string }) {
    this.calls.push({ op: 'delete', bucket: target.bucket, key: target.key });
    this.check('delete');
    this.objects.delete(`${target.bucket}/${target.key}`);
  }
}

export const GATEWAY = 'arn:aws:iam::999999999999:role/volume-gateway';
export const OIDC = { issuer: 'https://id.example.org/realms/science', audiences: ['volume-gateway'], thumbprints: ['a'.repeat(40)] };
export const NOW = new Date('2025-06-01T12:00:00.000Z');

export interface World {
  deps: VolumeDeps;
  repo: FakeRepository;
  audit: FakeAuditLog;
  sts: FakeSts;
  s3: FakeS3;
  clock: { now(): Date; advance(ms: number): void };
}

export function world(options: { oidc?: boolean } = {}): World {
  const audit = new FakeAuditLog();
  const repo = new FakeRepository(audit);
  const sts = new FakeSts();
  const s3 = new FakeS3();
  let now = NOW.getTime();
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  let n = 0;
  const ids = {
    volumeId: () => `vol-${String(++n).padStart(4, '0')}`,
    externalId: () => `ext-${String(++n).padStart(4, '0')}`,
    nonce: () => `n${String(++n).padStart(4, '0')}`,
  };
  const settings = { gatewayPrincipalArn: GATEWAY, ...(options.oidc === false ? {} : { oidc: OIDC }) };
  return { deps: { repo, audit, sts, s3, clock, ids, settings }, repo, audit, sts, s3, clock };
}

export const caller = (subject: string, extra: Partial<Caller> = {}): Caller => ({
  subject,
  token: `token-of-${subject}`,
  authMethods: ['pwd'],
  requestId: `req-${subject}`,
  ...extra,
});
