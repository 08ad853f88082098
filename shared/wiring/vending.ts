/**
 * Wiring for the routes that reach data (the upload routes; and every data route in tests and benches): the URL
 * signing wiring (`url-signing.ts`: STS, the credential cache, the audit stream, the signer) plus the multipart
 * store. The cache lives at module scope: a warm Lambda serves repeat vends from memory. Their audit events go to
 * the audit stream (a log line each, shipped to the table: `adapters/audit-stream.ts`), so no request waits for a
 * DynamoDB write. The signer needs no S3 client; the multipart store uses the SDK's, imported at the first upload
 * call, so no route parses it at its cold start.
 */
import type { S3MultipartStoreOptions } from '../adapters/s3-multipart-store';
import type { Config } from '../config';
import type { VendingDeps } from '../vending/deps';
import type { MultipartStore } from '../vending/ports';
import type { VolumeDeps } from '../volumes/deps';
import { buildCredentialDeps, type VendingHandlerDeps } from './credential-vending';
import { onFirstUse } from './lazy';
import { urlSigningDefaults, withUrlSigner } from './url-signing';

export type { VendingHandlerDeps } from './credential-vending';

/** The S3 multipart store, its module (and the S3 client) imported at its first call. */
export const lazyS3MultipartStore = (options: S3MultipartStoreOptions): MultipartStore =>
  onFirstUse(
    () => import('../adapters/s3-multipart-store').then(({ createS3MultipartStore }) => createS3MultipartStore(options)),
    ['create', 'complete', 'abort', 'check'],
  );

const withMultipart = (config: Config, deps: VendingDeps): VendingDeps => ({
  ...deps,
  multipart: lazyS3MultipartStore({ forcePathStyle: config.s3ForcePathStyle }),
});

/** The vending ports over the volume ports: the credential cache, the signer, the multipart store, the audit stream. */
export function buildVendingDeps(config: Config, volumes: VolumeDeps): VendingDeps {
  return withMultipart(config, withUrlSigner(config, buildCredentialDeps(volumes)));
}

let cached: VendingHandlerDeps | undefined;

export function vendingDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = urlSigningDefaults();
  cached = { ...base, vending: withMultipart(base.config as Config, base.vending) };
  return cached;
}
