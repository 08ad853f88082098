/**
 * The records the local IAM keeps, as persisted in `<dataDir>/iam.json` (role sessions: `<dataDir>/sessions.jsonl`).
 * Dates are ISO strings; names that IAM treats case-insensitively (users, roles, inline policies) are keyed by their
 * lower-cased form.
 */
import type { Caller } from '../types';
import type { RandomSource } from './ids';

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserRecord {
  userName: string;
  userId: string;
  path: string;
  arn: string;
  createDate: string;
  /** Inline policies by lower-cased name. */
  policies: Record<string, { name: string; document: string }>;
  tags: Tag[];
}

export interface AccessKeyEntry {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

export interface RoleRecord {
  roleName: string;
  roleId: string;
  path: string;
  arn: string;
  createDate: string;
  assumeRolePolicyDocument: string;
  /** User/role ARNs named in the trust policy → their unique ids when it was written (see policy-principal.ts). */
  trustBindings: Record<string, string>;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  policies: Record<string, { name: string; document: string }>;
}

export interface OidcProviderRecord {
  arn: string;
  /** As registered, with its scheme: `https://host/path`. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
  tags: Tag[];
}

export interface AccountRecord {
  accountId: string;
  createDate: string;
  users: Record<string, UserRecord>;
  roles: Record<string, RoleRecord>;
  oidcProviders: Record<string, OidcProviderRecord>;
}

/** A role session's caller as stored: dates as ISO strings. */
export type StoredCaller = Omit<Caller, 'expiresAt' | 'issuedAt'> & { expiresAt: string; issuedAt: string };

export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  caller: StoredCaller;
}

export interface IamState {
  version: 1;
  accounts: Record<string, AccountRecord>;
  accessKeys: Record<string, AccessKeyEntry>;
  /** Where sessions were kept before they had their own log (store-session-log.ts): read once to move them, never written. */
  sessions?: Record<string, SessionRecord>;
}

export const emptyState = (): IamState => ({ version: 1, accounts: {}, accessKeys: {} });

/** What each part of the store gets from the store: the state, a way to save it, time and randomness. */
export interface StoreContext {
  state: IamState;
  /** Saves the state (atomically); call after every change. */
  commit(): void;
  now(): Date;
  random: RandomSource;
  account(accountId: string): AccountRecord | undefined;
}

export const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const nameKey = (name: string) => name.toLowerCase();
