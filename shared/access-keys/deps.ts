/** What the access-key functions are given: the ports, the master key, and who is calling. */
import type { Logger } from '../log';
import type { Caller } from '../volumes/deps';
import type { AuditLog, VolumeRepository } from '../volumes/ports';
import type { AccessKeyIds, AccessKeyStore, Clock } from './ports';

export interface AccessKeyDeps {
  store: AccessKeyStore;
  /** Membership checks of the volumes a key names. */
  repo: Pick<VolumeRepository, 'get' | 'getByName' | 'getMember'>;
  /** The named volumes' audit trails. */
  audit: AuditLog;
  clock: Clock;
  ids: AccessKeyIds;
  /** `ACCESS_KEY_MASTER_KEY`; absent = keys cannot be created (`AccessKeysDisabled`, 503). */
  masterKey?: string;
}

/** The caller, with the request's logger: creations and revocations are logged with the request id. */
export type KeyCaller = Caller & { log?: Pick<Logger, 'info' | 'error'> };
