/**
 * Gateway access keys: long-lived key pairs for S3 clients of the proxy. The routes call `createAccessKey`,
 * `listAccessKeys` and `revokeAccessKey`; the proxy calls a resolver from `createAccessKeyResolver`.
 * Secrets are derived from the deployment's master key and never stored (`secret.ts`).
 */
export type { AccessKeyDeps, KeyCaller } from './deps';
export { ACCESS_KEY_ID_PATTERN, ACCESS_KEY_ID_PREFIX, isAccessKeyId, randomAccessKeyIds } from './ids';
export type { AccessKeyRecord, AccessKeyStatus, AccessKeyView, CreatedAccessKey } from './model';
export { DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN, MAX_KEY_VOLUMES, MIN_EXPIRES_IN } from './model';
export { type CreateAccessKeyInput, createAccessKey, listAccessKeys, revokeAccessKey } from './operations';
export type { AccessKeyIds, AccessKeyStore } from './ports';
export {
  type AccessKeyResolverOptions,
  type CachingAccessKeyResolver,
  createAccessKeyResolver,
  DEFAULT_RESOLVER_MAX_ENTRIES,
  DEFAULT_RESOLVER_TTL_MS,
  MAX_RESOLVER_TTL_MS,
  type ResolverStats,
} from './resolver';
export { type AccessKeysPageQuery, accessKeysPageQuery, type CreateAccessKeyBody, createAccessKeyBody } from './schemas';
export { accessKeysDisabled, deriveSecret, SECRET_LENGTH, secretsEqual } from './secret';
