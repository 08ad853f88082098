/**
 * Role sessions: the temporary credentials AssumeRole* mints (`ASIA…` key, secret, session token, expiry).
 * Expired sessions stay findable for a while so the endpoint can answer `ExpiredToken` rather than
 * `InvalidClientTokenId`; once long expired they are not found, and dropped at the next sweep.
 *
 * Each call costs O(1): sessions are a Map by access key id; minting one appends one line to the session log
 * (store-session-log.ts). A sweep (O(sessions)) runs on start and whenever the Map has doubled since the last one,
 * so its cost spread over the mints in between is O(1) too; it rewrites the log only when it dropped something.
 */
import type { AccessKeyRecord, Caller } from '../types';
import { newId, newSecretAccessKey, newSessionToken } from './ids';
import { iso, type RoleRecord, type SessionRecord, type StoreContext, type StoredCaller } from './store-model';
import type { SessionLog } from './store-session-log';

export interface NewSession {
  role: RoleRecord;
  sessionName: string;
  durationSeconds: number;
  sessionPolicy?: string;
  sourceIdentity?: string;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  caller: Caller;
}

/** How long an expired session is still recognised (and answered with ExpiredToken). */
export const PRUNE_AFTER_MS = 24 * 3600 * 1000;

/** The Map size below which no sweep runs between starts. */
const SWEEP_AT_LEAST = 1024;

export function assumedRoleArn(role: RoleRecord, sessionName: string): string {
  const accountId = role.arn.split(':')[4];
  return `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`;
}

function toCaller(stored: StoredCaller): Caller {
  return { ...stored, expiresAt: new Date(stored.expiresAt), issuedAt: new Date(stored.issuedAt) };
}

export class SessionRepo {
  private readonly sessions = new Map<string, SessionRecord>();
  private nextSweepAt = SWEEP_AT_LEAST;

  /**
   * Loads the log (and `legacy`: sessions an older `iam.json` held, moved into the log here), drops what is long
   * expired, and rewrites the log when that, a torn last line or the move left it different from the Map.
   */
  constructor(
    private readonly ctx: StoreContext,
    private readonly log?: SessionLog,
    legacy: SessionRecord[] = [],
  ) {
    const replayed = log?.replay() ?? { records: [], torn: false };
    for (const record of [...legacy, ...replayed.records]) this.sessions.set(record.accessKeyId, record);
    const dropped = this.drop(ctx.now());
    if (log && (dropped || replayed.torn || this.sessions.size !== log.lines)) log.rewrite(this.sessions.values());
    this.nextSweepAt = Math.max(SWEEP_AT_LEAST, 2 * this.sessions.size);
  }

  create(input: NewSession): SessionCredentials {
    const now = this.ctx.now();
    const expiresAt = new Date(now.getTime() + input.durationSeconds * 1000);
    const caller: StoredCaller = {
      accountId: input.role.arn.split(':')[4]!,
      arn: assumedRoleArn(input.role, input.sessionName),
      userId: `${input.role.roleId}:${input.sessionName}`,
      kind: 'assumed-role',
      roleArn: input.role.arn,
      sessionName: input.sessionName,
      isRoleSession: true,
      issuedAt: iso(now),
      expiresAt: iso(expiresAt),
    };
    if (input.sessionPolicy !== undefined) caller.sessionPolicy = input.sessionPolicy;
    if (input.sourceIdentity !== undefined) caller.sourceIdentity = input.sourceIdentity;
    if (input.tags && Object.keys(input.tags).length > 0) caller.tags = { ...input.tags };
    if (input.transitiveTagKeys && input.transitiveTagKeys.length > 0) caller.transitiveTagKeys = [...input.transitiveTagKeys];
    const record: SessionRecord = {
      accessKeyId: newId('ASIA', this.ctx.random),
      secretAccessKey: newSecretAccessKey(this.ctx.random),
      sessionToken: newSessionToken(this.ctx.random),
      caller,
    };
    this.sessions.set(record.accessKeyId, record);
    this.log?.append(record);
    if (this.sessions.size >= this.nextSweepAt) this.prune(now);
    return {
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      sessionToken: record.sessionToken,
      expiration: new Date(caller.expiresAt),
      caller: toCaller(caller),
    };
  }

  lookup(accessKeyId: string): AccessKeyRecord | undefined {
    const s = this.sessions.get(accessKeyId);
    if (!s || this.isLongExpired(s, this.ctx.now())) return undefined;
    const caller = toCaller(s.caller);
    return {
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      sessionToken: s.sessionToken,
      expiresAt: caller.expiresAt,
      caller,
    };
  }

  /** How many sessions are held, long expired ones not yet swept included. */
  get size(): number {
    return this.sessions.size;
  }

  /** Every session held, long expired ones not yet swept included (benchmarks count what was minted). */
  records(): IterableIterator<SessionRecord> {
    return this.sessions.values();
  }

  /** Drops sessions expired more than {@link PRUNE_AFTER_MS} ago, from the Map and the log; returns whether any were. */
  prune(now = this.ctx.now()): boolean {
    const dropped = this.drop(now);
    if (dropped) this.log?.rewrite(this.sessions.values());
    this.nextSweepAt = Math.max(SWEEP_AT_LEAST, 2 * this.sessions.size);
    return dropped;
  }

  private drop(now: Date): boolean {
    let dropped = false;
    for (const [id, s] of this.sessions) {
      if (this.isLongExpired(s, now)) {
        this.sessions.delete(id);
        dropped = true;
      }
    }
    return dropped;
  }

  private isLongExpired(s: SessionRecord, now: Date): boolean {
    return Date.parse(s.caller.expiresAt) < now.getTime() - PRUNE_AFTER_MS;
  }
}
