/**
 * Gateway access keys: long-lived key pairs a user gives S3 clients (a Nextflow run of two days outlives any
 * JWT), which the S3 proxy checks SigV4 signatures against. What is stored per key, and what callers see.
 */

/**
 * A key's reach inside one volume (`POST /access-keys` `scopes`): the objects under `prefix` (relative to the volume's
 * root, ending in `/`; absent = the whole volume), with `access` at most (absent = the owner's access at each use).
 */
export interface AccessKeyScope {
  volumeId: string;
  prefix?: string;
  access?: 'read' | 'write';
}

/** `active`, or `revoked` should an operator ever disable a key in place; the API deletes revoked keys. */
export type AccessKeyStatus = 'active' | 'revoked';

/** One key as the store holds it. Nothing here yields the secret without the master key (see `secret.ts`). */
export interface AccessKeyRecord {
  /** `VGAK` + 16 characters of A-Z and 2-7: 20 characters, like AWS's ids. */
  id: string;
  /** The subject of the token that created the key: the proxy acts as them. */
  owner: string;
  /** The volume ids the key is limited to; absent = every volume the owner is a member of when it is used. */
  volumeIds?: string[];
  /**
   * Set when the key was created with `scopes`: every grant of the key, one per entry, the volumes named in `volumes`
   * as whole-volume scopes. The proxy holds the key to them. Absent = `volumeIds` (or every volume) as a whole.
   */
  scopes?: AccessKeyScope[];
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  expiresAt: string;
  /** Random, per key; an input of the secret's derivation. Not secret on its own. */
  salt: string;
  /**
   * How the secret is derived (`secret-derivation.ts`): `kms-hmac:<KMS key ARN>`, or absent for the legacy master key.
   */
  derivation?: string;
  /** The `amr` of the creating token, so `requireMfa` volumes can be honoured by the proxy. */
  authMethods: string[];
  status: AccessKeyStatus;
}

/** What `GET /access-keys` shows of a key: never the secret, never the salt. */
export interface AccessKeyView {
  accessKeyId: string;
  createdAt: string;
  expiresAt: string;
  /** Volume ids; absent = every volume the owner is a member of. */
  volumes?: string[];
  /** What the key may reach inside its volumes, when it was created with `scopes` (see {@link AccessKeyScope}). */
  scopes?: AccessKeyScope[];
  status: AccessKeyStatus;
}

/** What `POST /access-keys` answers, once: the only time the secret is ever shown. */
export interface CreatedAccessKey extends AccessKeyView {
  secretAccessKey: string;
}

export const MINUTE_SECONDS = 60;
export const DAY_SECONDS = 24 * 3600;
/** `expiresIn` when omitted: a week. */
export const DEFAULT_EXPIRES_IN = 7 * DAY_SECONDS;
export const MIN_EXPIRES_IN = 15 * MINUTE_SECONDS;
export const MAX_EXPIRES_IN = 30 * DAY_SECONDS;
/** How many volumes one key may name. */
export const MAX_KEY_VOLUMES = 50;
/** How many scopes one key may have. */
export const MAX_KEY_SCOPES = 50;
/** A volume reference (name or id) longer than this cannot exist. */
export const MAX_VOLUME_REF_LENGTH = 128;

export function accessKeyView(record: AccessKeyRecord): AccessKeyView {
  return {
    accessKeyId: record.id,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.volumeIds ? { volumes: [...record.volumeIds] } : {}),
    ...(record.scopes ? { scopes: record.scopes.map((scope) => ({ ...scope })) } : {}),
    status: record.status,
  };
}
