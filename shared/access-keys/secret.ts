/**
 * How a key's secret is made, and why nothing stored yields it.
 *
 *   secret = base64( HMAC-SHA256( masterKey, accessKeyId + ":" + salt )[0..30) )
 *
 * - `masterKey` is the deployment's `ACCESS_KEY_MASTER_KEY` (UTF-8 bytes, at least 32), held in a secret store
 *   and handed to the functions, never to the table. `salt` is random per key and stored with it.
 * - Ids are `VGAK` + A-Z2-7 and never contain ":", so the MAC's input is unambiguous; other ids are refused.
 * - The first 30 bytes of the MAC (240 bits) in standard base64 are exactly 40 characters of `[A-Za-z0-9+/]`,
 *   the length and alphabet of AWS secret keys, so every S3 client takes them.
 * - The store holds id and salt only: a copy of the table (a backup, a leaked export) yields no secret without
 *   the master key. The secret is derived again whenever the proxy needs it, so it is never stored anywhere.
 * - Consequence: rotating (or losing) the master key invalidates every key at once; users create new keys.
 *   There is no key-version field, so two master keys cannot be honoured side by side.
 * - The salt, fresh for every key, means a secret never depends on the id alone: an id stored again (after a
 *   delete, or by a bug) gets a new secret, and the old one stops working.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DependencyUnavailable } from '../errors';
import { isAccessKeyId } from './ids';

export const SECRET_LENGTH = 40;
const SECRET_BYTES = 30;

export function deriveSecret(masterKey: string, accessKeyId: string, salt: string): string {
  if (!masterKey) throw new TypeError('deriveSecret: the master key is empty');
  // The id's shape has no ":", so `id:salt` is read one way only.
  if (!isAccessKeyId(accessKeyId)) throw new TypeError('deriveSecret: not an access key id');
  if (!salt) throw new TypeError('deriveSecret: the salt is empty');
  return createHmac('sha256', Buffer.from(masterKey, 'utf8'))
    .update(`${accessKeyId}:${salt}`, 'utf8')
    .digest()
    .subarray(0, SECRET_BYTES)
    .toString('base64');
}

/**
 * Whether two secrets are equal, in time that depends on neither's content nor length (both are hashed to
 * 32 bytes first, so `timingSafeEqual` always compares equal lengths).
 */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The answer of create and resolve in a deployment without a MAC key or a (legacy) master key. */
export function accessKeysDisabled(): DependencyUnavailable {
  return new DependencyUnavailable(
    'Gateway access keys are not enabled in this deployment: set ACCESS_KEY_MAC_KEY_ID to a KMS HMAC_256 key ' +
      '(serverless.yml creates one) to offer them. ' +
      'Until then, use short-lived credentials (POST /volumes/{id}/credentials) or a JWT as the access key id.',
    'AccessKeysDisabled',
  );
}

/** The master key, or `AccessKeysDisabled` (503) when the deployment has none. */
export function requireMasterKey(masterKey: string | undefined): string {
  if (!masterKey) throw accessKeysDisabled();
  return masterKey;
}
