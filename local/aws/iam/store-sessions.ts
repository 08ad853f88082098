/**
 * Role sessions: the temporary credentials AssumeRole* mints (`ASIA…` key, secret, session token, expiry).
 * Expired sessions stay findable for a while so the endpoint can answer `ExpiredToken` rather than
 * `InvalidClientTokenId`; they are pruned once long expired.
 */
import type { AccessKeyRecord, Caller } from '../types';
import { newId, newSecretAccessKey, newSessionToken } from './ids';
import { iso, type RoleRecord, type SessionRecord, type StoreContext, type StoredCaller } from './store-model';

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

export function assumedRoleArn(role: RoleRecord, sessionName: string): string {
  const accountId = role.arn.split(':')[4];
  return `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`;
}

function toCaller(stored: StoredCaller): Caller {
  return { ...stored, expiresAt: new Date(stored.expiresAt), issuedAt: new Date(stored.issuedAt) };
}

export class SessionRepo {
  constructor(private readonly ctx: StoreContext) {}

  create(input: NewSession): SessionCredentials {
    const now = this.ctx.now();
    this.prune(now);
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
    this.ctx.state.sessions[record.accessKeyId] = record;
    this.ctx.commit();
    return {
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      sessionToken: record.sessionToken,
      expiration: new Date(caller.expiresAt),
      caller: toCaller(caller),
    };
  }

  lookup(accessKeyId: string): AccessKeyRecord | undefined {
    const s = this.ctx.state.sessions[accessKeyId];
    if (!s) return undefined;
    const caller = toCaller(s.caller);
    return {
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      sessionToken: s.sessionToken,
      expiresAt: caller.expiresAt,
      caller,
    };
  }

  /** Drops sessions expired more than {@link PRUNE_AFTER_MS} ago; returns whether any were dropped. */
  prune(now = this.ctx.now()): boolean {
    const cutoff = now.getTime() - PRUNE_AFTER_MS;
    let dropped = false;
    for (const [id, s] of Object.entries(this.ctx.state.sessions)) {
      if (Date.parse(s.caller.expiresAt) < cutoff) {
        delete this.ctx.state.sessions[id];
        dropped = true;
      }
    }
    return dropped;
  }
}
