/** What the access-key functions are given: the ports, what derives secrets, and who is calling. */
import type { Logger } from '../log';
import type { Caller } from '../volumes/deps';
import type { AuditLog, VolumeRepository } from '../volumes/ports';
import type { AccessKeyIds, AccessKeyMac, AccessKeyStore, Clock } from './ports';

export interface AccessKeyDeps {
  store: AccessKeyStore;
  /** Membership checks of the volumes a key names. */
  repo: Pick<VolumeRepository, 'get' | 'getByName' | 'getMember'>;
  /** The named volumes' audit trails. */
  audit: AuditLog;
  clock: Clock;
  ids: AccessKeyIds;
  /** `ACCESS_KEY_MASTER_KEY` (legacy): new keys use it only when no MAC key is configured. */
  masterKey?: string;
  /** KMS GenerateMac and `ACCESS_KEY_MAC_KEY_ID`: new keys' secrets are derived with it. Neither this nor a master key: 503. */
  mac?: AccessKeyMac;
  macKeyId?: string;
}

/** The caller, with the request's logger: creations and revocations are logged with the request id. */
export type KeyCaller = Caller & { log?: Pick<Logger, 'info' | 'error'> };
