/**
 * Wiring for the routes that reach data (the upload routes; and every data route in tests and benches): the URL
 * signing wiring (`url-signing.ts`: STS, the credential cache, the audit stream, the signer) plus the multipart
 * store. The cache lives at module scope: a warm Lambda serves repeat vends from memory. Their audit events go to
 * the audit stream (a log line each, shipped to the table: `adapters/audit-stream.ts`), so no request waits for a
 * DynamoDB write. Neither the signer nor the multipart store uses the S3 client (`adapters/s3-rest.ts`), so no
 * data route's bundle carries it.
 */
import { createS3MultipartStore } from '../adapters/s3-multipart-store';
import type { Config } from '../config';
import type { VendingDeps } from '../vending/deps';
import type { VolumeDeps } from '../volumes/deps';
import { buildCredentialDeps, type VendingHandlerDeps } from './credential-vending';
import { urlSigningDefaults, withUrlSigner } from './url-signing';

export type { VendingHandlerDeps } from './credential-vending';

const withMultipart = (config: Config, deps: VendingDeps): VendingDeps => ({
  ...deps,
  multipart: createS3MultipartStore({ forcePathStyle: config.s3ForcePathStyle }),
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
