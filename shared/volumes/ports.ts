/**
 * What the volume domain needs from the outside world. Adapters implement these for DynamoDB, STS and
 * S3 (`shared/adapters/`); unit tests use in-memory fakes. Domain code never imports `@aws-sdk/*`.
 */
import { Conflict, GatewayError } from '../errors';
import type { AuditFilter } from './audit-filter';
import type { IdempotencyRecord } from './idempotency';
import type { AuditEvent, Member, Page, Volume } from './model';

export interface PageRequest {
  limit: number;
  nextToken?: string;
}

/**
 * What a write of the repository stores with it, in the same transaction: the audit event of the change (so a
 * change is never without its event, nor an event without its change) and, for `create`, the idempotency record.
 */
export interface WriteWith {
  audit?: AuditEvent;
}

export interface VolumeRepository {
  /**
   * Stores a new volume and its owner's admin membership atomically, claiming the name, with the audit event
   * and the idempotency record when given. Throws `VolumeNameTaken` (Conflict) when another volume holds the
   * name, {@link IdempotencyKeyInUse} when a live record holds the caller's key (nothing is written then).
   */
  create(volume: Volume, owner: Member, also?: WriteWith & { idempotency?: IdempotencyRecord }): Promise<void>;
  /** The caller's record for an `Idempotency-Key`, expired or not (the domain decides); undefined when none. */
  getIdempotency(subject: string, key: string): Promise<IdempotencyRecord | undefined>;
  get(id: string): Promise<Volume | undefined>;
  getByName(name: string): Promise<Volume | undefined>;
  /** Writes `volume` if the stored version is still `expectedVersion`; throws `ConcurrentModification` (Conflict) otherwise. */
  update(volume: Volume, expectedVersion: number, also?: WriteWith): Promise<void>;
  /** Removes the volume, its name claim and all its memberships; the audit event goes with the volume's removal. */
  delete(id: string, also?: WriteWith): Promise<void>;
  /** The volumes `subject` is a member of (any access), with that membership; ordered by volume id. */
  listForSubject(subject: string, page: PageRequest): Promise<Page<{ volume: Volume; member: Member }>>;
  getMember(volumeId: string, subject: string): Promise<Member | undefined>;
  putMember(member: Member, also?: WriteWith): Promise<void>;
  deleteMember(volumeId: string, subject: string, also?: WriteWith): Promise<void>;
  listMembers(volumeId: string, page: PageRequest): Promise<Page<Member>>;
}

/** A live idempotency record already holds the caller's key (a concurrent or earlier create with it won). */
export class IdempotencyKeyInUse extends Conflict {
  constructor() {
    super('Another request with this Idempotency-Key is being handled; retry shortly for its answer.', 'IdempotencyKeyInUse');
  }
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /**
   * Newest first; with a filter, only the matching events. A page may hold fewer than `limit` events (even none) with a
   * `nextToken` when the adapter stopped reading for this request; the token resumes there, bound to the same filter.
   */
  list(volumeId: string, page: PageRequest, filter?: AuditFilter): Promise<Page<AuditEvent>>;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  /** Omitted to test that the role refuses a caller without it. */
  externalId?: string;
  durationSeconds: number;
  sourceIdentity?: string;
  tags?: Record<string, string>;
  /** A session policy (JSON) narrowing the role. */
  policy?: string;
  region: string;
  signal?: AbortSignal;
}

export interface AssumeRoleWithWebIdentityRequest {
  roleArn: string;
  sessionName: string;
  webIdentityToken: string;
  durationSeconds: number;
  policy?: string;
  region: string;
  signal?: AbortSignal;
}

/**
 * STS as the domain sees it. Refusals by the customer's trust policy reject with {@link AssumeRoleRefused}
 * (so a probe can tell "refused" from "STS is down"); anything else rejects with DependencyUnavailable.
 */
export interface CredentialIssuer {
  assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials>;
  assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest): Promise<TemporaryCredentials>;
}

/** STS's refusal; `code` is STS's error code, `cause` the SDK error (with STS's request id, for the logs). */
export class AssumeRoleRefused extends GatewayError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'AssumeRoleRefused';
  }
}

/** S3 with given credentials, for verification probes (and later the proxy). Denials reject with {@link S3AccessDenied}. */
export interface ObjectProbe {
  listPrefix(
    credentials: TemporaryCredentials,
    target: { bucket: string; prefix: string; region: string },
    signal?: AbortSignal,
  ): Promise<void>;
  putObject(
    credentials: TemporaryCredentials,
    target: { bucket: string; key: string; region: string },
    body: string,
    signal?: AbortSignal,
  ): Promise<void>;
  deleteObject(
    credentials: TemporaryCredentials,
    target: { bucket: string; key: string; region: string },
    signal?: AbortSignal,
  ): Promise<void>;
}

/** S3's refusal of the credentials; `code` is S3's error code, `cause` the SDK error (with S3's request ids). */
export class S3AccessDenied extends GatewayError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'S3AccessDenied';
  }
}

export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** A new volume id (`vol-` + random). */
  volumeId(): string;
  /** A new external id: random, unguessable, within STS's character set. */
  externalId(): string;
  /** A short random suffix for probe object keys and session names. */
  nonce(): string;
}
