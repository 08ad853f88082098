/**
 * What the access-key domain needs from the outside world. The DynamoDB adapter
 * (`shared/adapters/dynamodb/access-key-store.ts`) implements the store; unit tests use in-memory fakes.
 */
import type { AuditEvent, Page } from '../volumes/model';
import type { PageRequest } from '../volumes/ports';
import type { AccessKeyRecord } from './model';

export type { Clock, PageRequest } from '../volumes/ports';

export interface AccessKeyStore {
  /**
   * Stores a new key with its audit events in one transaction (all or nothing); throws `AccessKeyIdTaken`
   * (Conflict) when the id is already stored.
   */
  put(record: AccessKeyRecord, audit?: AuditEvent[]): Promise<void>;
  /** The key as stored (also when expired or revoked: the caller decides), or undefined. */
  get(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /**
   * Deletes the key if `owner` owns it, in one conditional write. Answers the deleted record, or undefined
   * when there was no such key of theirs (another owner's key is left alone).
   */
  remove(accessKeyId: string, owner: string): Promise<AccessKeyRecord | undefined>;
  /** The owner's keys that have not expired, newest first. */
  listByOwner(owner: string, page: PageRequest): Promise<Page<AccessKeyRecord>>;
}

/** Randomness for new keys; tests fix it. */
export interface AccessKeyIds {
  /** A new access key id (`VGAK` + 16 of A-Z2-7). */
  accessKeyId(): string;
  /** A new per-key salt: at least 128 random bits, as text. */
  salt(): string;
}

/** HMAC with a KMS key (GenerateMac, HMAC_SHA_256): the key never leaves KMS (`shared/adapters/kms-access-key-mac.ts`). */
export interface AccessKeyMac {
  /** The MAC of `message` (UTF-8) under `keyId` (id, ARN or alias), with the key's ARN as KMS names it. */
  generateMac(keyId: string, message: string): Promise<{ mac: Uint8Array; keyArn: string }>;
}
