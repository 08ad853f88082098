/**
 * Which secret a key has, by the derivation its record names (`derivation`):
 *
 * - `kms-hmac:<key ARN>`: `base64( GenerateMac(HMAC_SHA_256, key, accessKeyId + ":" + salt)[0..30) )`, computed by
 *   KMS with an HMAC_256 key that never leaves it (`ACCESS_KEY_MAC_KEY_ID`). Every key issued while a MAC key is
 *   configured. The record names the key by the ARN KMS answered with, so a later change of the configured key (or
 *   of an alias) leaves existing keys working as long as the role may still use their key.
 * - absent: the legacy derivation with `ACCESS_KEY_MASTER_KEY` (`secret.ts`). Keys issued under it keep verifying
 *   while the master key is configured; without it they resolve as no key at all.
 *
 * Both give 40 characters of `[A-Za-z0-9+/]`, the shape of an AWS secret key. The proxy derives a secret once per
 * cache entry (`resolver.ts`), never per request.
 */

import { isAccessKeyId } from './ids';
import type { AccessKeyRecord } from './model';
import type { AccessKeyMac } from './ports';
import { accessKeysDisabled, deriveSecret, SECRET_LENGTH } from './secret';

export const KMS_HMAC_DERIVATION = 'kms-hmac:';
const SECRET_BYTES = 30;

/** What a deployment can derive secrets with: either or both. */
export interface SecretSources {
  /** `ACCESS_KEY_MASTER_KEY` (legacy). */
  masterKey?: string;
  /** KMS GenerateMac. */
  mac?: AccessKeyMac;
  /** `ACCESS_KEY_MAC_KEY_ID`: new keys are derived with it when set (and `mac` is given). */
  macKeyId?: string;
}

function macInput(accessKeyId: string, salt: string): string {
  // The id's shape has no ":", so `id:salt` is read one way only.
  if (!isAccessKeyId(accessKeyId)) throw new TypeError('derive: not an access key id');
  if (!salt) throw new TypeError('derive: the salt is empty');
  return `${accessKeyId}:${salt}`;
}

async function kmsSecret(mac: AccessKeyMac, keyId: string, accessKeyId: string, salt: string) {
  const answer = await mac.generateMac(keyId, macInput(accessKeyId, salt));
  const secret = Buffer.from(answer.mac).subarray(0, SECRET_BYTES).toString('base64');
  if (secret.length !== SECRET_LENGTH) throw new Error('KMS answered a MAC shorter than HMAC_SHA_256');
  return { secret, keyArn: answer.keyArn };
}

/** Whether this deployment can issue keys (a MAC key, or the legacy master key). */
export function canIssue(sources: SecretSources): boolean {
  return Boolean((sources.mac && sources.macKeyId) || sources.masterKey);
}

/**
 * The secret of a new key and the derivation its record must name: KMS when a MAC key is configured, else the
 * legacy master key; `AccessKeysDisabled` (503) with neither. A KMS failure is the adapter's (503 or 500).
 */
export async function issueSecret(
  sources: SecretSources,
  accessKeyId: string,
  salt: string,
): Promise<{ secretAccessKey: string; derivation?: string }> {
  if (sources.mac && sources.macKeyId) {
    const { secret, keyArn } = await kmsSecret(sources.mac, sources.macKeyId, accessKeyId, salt);
    return { secretAccessKey: secret, derivation: `${KMS_HMAC_DERIVATION}${keyArn}` };
  }
  if (sources.masterKey) return { secretAccessKey: deriveSecret(sources.masterKey, accessKeyId, salt) };
  throw accessKeysDisabled();
}

/**
 * The secret of a stored key, or undefined when this deployment cannot derive it (a legacy key without the master
 * key, a KMS key without the KMS client, a derivation it does not know).
 */
export async function secretOf(
  sources: SecretSources,
  record: Pick<AccessKeyRecord, 'id' | 'salt' | 'derivation'>,
): Promise<string | undefined> {
  const { derivation } = record;
  if (derivation === undefined) return sources.masterKey ? deriveSecret(sources.masterKey, record.id, record.salt) : undefined;
  if (!derivation.startsWith(KMS_HMAC_DERIVATION) || !sources.mac) return undefined;
  return (await kmsSecret(sources.mac, derivation.slice(KMS_HMAC_DERIVATION.length), record.id, record.salt)).secret;
}
