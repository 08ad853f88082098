/**
 * A world for the unit tests of vending: the in-memory volume fakes, an STS stand-in whose credentials live
 * exactly the duration asked (from the injected clock), a URL signer that spells out what it was asked to sign,
 * and a multipart store that records its calls.
 */
import { DependencyUnavailable, NotFound } from '../../../shared/errors';
import { CredentialCache } from '../../../shared/vending/credential-cache';
import type { VendingDeps } from '../../../shared/vending/deps';
import type { CompletedPart, MultipartStore, ObjectTarget, PresignRequest, UrlSigner } from '../../../shared/vending/ports';
import type { Member, MemberAccess, Volume } from '../../../shared/volumes/model';
import {
  AssumeRoleRefused,
  type AssumeRoleRequest,
  type AssumeRoleWithWebIdentityRequest,
  type CredentialIssuer,
  type TemporaryCredentials,
} from '../../../shared/volumes/ports';
import { FakeAuditLog, FakeRepository, GATEWAY, NOW } from '../volumes/fakes';

export { caller, NOW } from '../volumes/fakes';

export const ROLE = 'arn:aws:iam::123456789012:role/volume-access';

type Clock = { now(): Date; advance(ms: number): void };

/** STS as the vending functions see it: credentials that expire `durationSeconds` after now. */
export class FakeIssuer implements CredentialIssuer {
  readonly calls: Array<AssumeRoleRequest | AssumeRoleWithWebIdentityRequest> = [];
  /** When set, every call is refused with this code and message. */
  refuse?: { code: string; message: string; cause?: unknown };
  down = false;
  /** The web-identity role's MaxSessionDuration: longer asks are refused with ValidationError, as STS does. */
  roleMaxSeconds = 3600;
  /** When set, calls wait for it before answering (to hold many requests in flight). */
  gate?: Promise<void>;
  private issued = 0;

  constructor(private readonly clock: Clock) {}

  private async answer(request: AssumeRoleRequest | AssumeRoleWithWebIdentityRequest): Promise<TemporaryCredentials> {
    this.calls.push({ ...request });
    if (this.gate) await this.gate;
    request.signal?.throwIfAborted();
    if (this.down) throw new DependencyUnavailable('STS did not answer; try again shortly.', 'StsUnavailable');
    if (this.refuse)
      throw new AssumeRoleRefused(
        this.refuse.code,
        this.refuse.message,
        this.refuse.cause === undefined ? undefined : { cause: this.refuse.cause },
      );
    this.issued++;
    return {
      accessKeyId: `ASIA${this.issued}`,
      secretAccessKey: `secret-${this.issued}`,
      sessionToken: `session-${this.issued}`,
      expiration: new Date(this.clock.now().getTime() + request.durationSeconds * 1000),
    };
  }

  assumeRole(request: AssumeRoleRequest) {
    return this.answer(request);
  }

  assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest) {
    if (request.durationSeconds > this.roleMaxSeconds && !this.refuse) {
      this.calls.push({ ...request });
      return Promise.reject(
        new AssumeRoleRefused('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'),
      );
    }
    return this.answer(request);
  }
}

/** Spells out the signed request as a URL, so tests can read what was signed. */
export class FakeSigner implements UrlSigner {
  readonly requests: PresignRequest[] = [];
  async presign(request: PresignRequest): Promise<string> {
    this.requests.push(request);
    const query = new URLSearchParams({
      method: request.method,
      expires: String(request.expiresInSeconds),
      date: request.signingDate.toISOString(),
      key: request.credentials.accessKeyId,
      ...(request.uploadId ? { uploadId: request.uploadId, partNumber: String(request.partNumber) } : {}),
    });
    return `https://s3.${request.region}.example/${request.bucket}/${encodeURIComponent(request.key)}?${query}`;
  }
}

export class FakeMultipart implements MultipartStore {
  readonly calls: Array<{
    op: string;
    target: ObjectTarget & { uploadId?: string; parts?: CompletedPart[]; contentType?: string };
    credentials: TemporaryCredentials;
  }> = [];
  readonly open = new Set<string>();
  /** The full key of each open upload. */
  readonly keys = new Map<string, string>();
  /** What the uploadIds look like: `upload-N`, or this text then N (S3's own run to about 100 characters). */
  idPrefix = 'upload-';
  private n = 0;
  async create(credentials: TemporaryCredentials, target: ObjectTarget & { contentType?: string }) {
    this.calls.push({ op: 'create', target, credentials });
    const uploadId = `${this.idPrefix}${++this.n}`;
    this.open.add(uploadId);
    this.keys.set(uploadId, target.key);
    return { uploadId };
  }
  async complete(credentials: TemporaryCredentials, target: ObjectTarget & { uploadId: string; parts: CompletedPart[] }) {
    this.calls.push({ op: 'complete', target, credentials });
    if (!this.open.delete(target.uploadId)) throw new NotFound('There is no such upload.', 'UploadNotFound');
    this.keys.delete(target.uploadId);
    return { etag: '"etag-of-whole"' };
  }
  async abort(credentials: TemporaryCredentials, target: ObjectTarget & { uploadId: string }) {
    this.calls.push({ op: 'abort', target, credentials });
    if (!this.open.delete(target.uploadId)) throw new NotFound('There is no such upload.', 'UploadNotFound');
    this.keys.delete(target.uploadId);
  }
  async check(credentials: TemporaryCredentials, target: ObjectTarget & { uploadId: string }) {
    this.calls.push({ op: 'check', target, credentials });
    if (this.keys.get(target.uploadId) !== target.key) throw new NotFound('There is no such upload.', 'UploadNotFound');
  }
}

export interface VendingWorld {
  deps: VendingDeps;
  repo: FakeRepository;
  audit: FakeAuditLog;
  sts: FakeIssuer;
  signer: FakeSigner;
  multipart: FakeMultipart;
  cache: CredentialCache;
  clock: Clock;
}

export function vendingWorld(): VendingWorld {
  let now = NOW.getTime();
  const clock: Clock = { now: () => new Date(now), advance: (ms) => void (now += ms) };
  const audit = new FakeAuditLog();
  const repo = new FakeRepository(audit);
  const sts = new FakeIssuer(clock);
  const signer = new FakeSigner();
  const multipart = new FakeMultipart();
  const cache = new CredentialCache({ clock });
  const ids = { volumeId: () => 'vol-x', externalId: () => 'ext-x', nonce: () => 'n' };
  const s3 = { listPrefix: async () => {}, putObject: async () => {}, deleteObject: async () => {} };
  const deps: VendingDeps = { repo, audit, sts, s3, clock, ids, settings: { gatewayPrincipalArn: GATEWAY }, cache, signer, multipart };
  return { deps, repo, audit, sts, signer, multipart, cache, clock };
}

export const baseVolume: Volume = {
  id: 'vol-genomes',
  name: 'shared-genomes',
  bucket: 'lab-genomes',
  prefix: 'runs/2025',
  region: 'eu-central-1',
  accessMode: 'read-write',
  auth: { type: 'role', roleArn: ROLE },
  requireMfa: false,
  externalId: 'vg-external-0001',
  status: 'active',
  ownerSubject: 'alice',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  version: 3,
};

/** Stores a volume (active, read-write, owned by alice unless overridden) with the given members besides alice. */
export async function volumeWith(
  w: VendingWorld,
  members: Record<string, MemberAccess> = {},
  overrides: Partial<Volume> = {},
): Promise<Volume> {
  const volume = { ...baseVolume, ...overrides };
  const member = (subject: string, access: MemberAccess): Member => ({
    volumeId: volume.id,
    subject,
    access,
    addedBy: 'alice',
    addedAt: NOW.toISOString(),
  });
  await w.repo.create(volume, member(volume.ownerSubject, 'admin'));
  for (const [subject, access] of Object.entries(members)) await w.repo.putMember(member(subject, access));
  return volume;
}
