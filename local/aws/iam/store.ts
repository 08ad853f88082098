/**
 * The local IAM's persistent model: accounts, users and their access keys, roles, OIDC providers and role
 * sessions. Kept in memory and loaded on start. Everything but sessions is saved whole to `<dataDir>/iam.json`
 * after every change (atomically: see store-files.ts); those changes are an administrator's, rare. Role sessions,
 * one per AssumeRole*, go to their own append-only log (store-session-log.ts), so minting one costs the same
 * however many there are. Without a dataDir it lives in memory only (tests).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessKeyRecord, AwsError, type CredentialStore } from '../types';
import { defaultRandom, type RandomSource } from './ids';
import { nodeStoreFiles, type StoreFiles } from './store-files';
import { type AccountRecord, emptyState, type IamState, iso, type StoreContext } from './store-model';
import { OidcRepo } from './store-oidc';
import { RoleRepo } from './store-roles';
import { SESSION_LOG_FILE, SessionLog } from './store-session-log';
import { type SessionCredentials, SessionRepo } from './store-sessions';
import { UserRepo } from './store-users';

export interface IamStoreOptions {
  /** Directory for `iam.json` and `sessions.jsonl`; omit to keep everything in memory. */
  dataDir?: string;
  now?: () => Date;
  random?: RandomSource;
  /** The disk, as the store writes it (tests count the bytes). */
  files?: StoreFiles;
}

export const IAM_STATE_FILE = 'iam.json';

function load(files: StoreFiles, file: string | undefined): IamState {
  const text = file ? files.read(file) : undefined;
  if (text === undefined) return emptyState();
  const parsed = JSON.parse(text) as IamState;
  if (parsed.version !== 1 || typeof parsed.accounts !== 'object') {
    throw new Error(`${file} is not a local IAM state file (version ${String(parsed.version)})`);
  }
  return { ...emptyState(), ...parsed };
}

export class IamStore implements CredentialStore {
  readonly users: UserRepo;
  readonly roles: RoleRepo;
  readonly oidc: OidcRepo;
  readonly sessions: SessionRepo;
  readonly now: () => Date;
  private readonly state: IamState;
  private readonly file: string | undefined;
  private readonly random: RandomSource;
  private readonly files: StoreFiles;

  private constructor(options: IamStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? defaultRandom;
    this.files = options.files ?? nodeStoreFiles(this.random);
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    this.file = options.dataDir ? join(options.dataDir, IAM_STATE_FILE) : undefined;
    this.state = load(this.files, this.file);
    const legacySessions = Object.values(this.state.sessions ?? {});
    delete this.state.sessions;
    const ctx: StoreContext = {
      state: this.state,
      commit: () => this.save(),
      now: this.now,
      random: this.random,
      account: (id) => this.state.accounts[id],
    };
    this.users = new UserRepo(ctx);
    this.roles = new RoleRepo(ctx);
    this.oidc = new OidcRepo(ctx);
    const log = options.dataDir ? new SessionLog(this.files, join(options.dataDir, SESSION_LOG_FILE)) : undefined;
    this.sessions = new SessionRepo(ctx, log, legacySessions);
    // The sessions are in the log now (written first: a crash in between leaves them in both, read once).
    if (legacySessions.length > 0) this.save();
  }

  /** Opens the store, loading `<dataDir>/iam.json` when it exists. */
  static open(options: IamStoreOptions = {}): IamStore {
    return new IamStore(options);
  }

  /** Resolves an access key id: a user's long-term key (active, user still there) or a role session (even expired). */
  lookup(accessKeyId: string): AccessKeyRecord | undefined {
    if (accessKeyId.startsWith('ASIA')) return this.sessions.lookup(accessKeyId);
    const key = this.state.accessKeys[accessKeyId];
    if (key?.status !== 'Active') return undefined;
    const user = this.users.get(key.accountId, key.userName);
    if (!user) return undefined;
    return {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      caller: { accountId: key.accountId, arn: user.arn, userId: user.userId, kind: 'user', isRoleSession: false },
    };
  }

  account(accountId: string): AccountRecord | undefined {
    return this.state.accounts[accountId];
  }

  accountIds(): string[] {
    return Object.keys(this.state.accounts);
  }

  ensureAccount(accountId: string): AccountRecord {
    if (!/^\d{12}$/.test(accountId)) throw new Error(`account id must be 12 digits: ${accountId}`);
    let account = this.state.accounts[accountId];
    if (!account) {
      account = { accountId, createDate: iso(this.now()), users: {}, roles: {}, oidcProviders: {} };
      this.state.accounts[accountId] = account;
      this.save();
    }
    return account;
  }

  /**
   * Credentials for a session of a role, minted without AssumeRole: how a Lambda receives its execution role's
   * credentials. Calling AssumeRole with them is role chaining.
   */
  mintRoleSession(roleArn: string, options: { sessionName: string; durationSeconds?: number }): SessionCredentials {
    const role = this.roles.findByArn(roleArn);
    if (!role) throw new AwsError('NoSuchEntity', `The role ${roleArn} cannot be found.`, 404);
    const durationSeconds = options.durationSeconds ?? 3600;
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      throw new Error(`durationSeconds must be an integer from 900 to 43200, not ${durationSeconds}`);
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(options.sessionName)) {
      throw new Error(`sessionName must be 2 to 64 characters of [\\w+=,.@-]: ${options.sessionName}`);
    }
    return this.sessions.create({ role, sessionName: options.sessionName, durationSeconds });
  }

  private save(): void {
    if (this.file) this.files.replace(this.file, JSON.stringify(this.state, null, 1));
  }
}
