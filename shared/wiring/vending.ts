/**
 * Wiring for the routes that reach data (presign, uploads, download; and every data route in tests and benches):
 * the credential route's wiring (`credential-vending.ts`: STS, the credential cache, the audit stream) plus the URL
 * signer and the multipart store. The cache lives at module scope: a warm Lambda serves repeat vends from memory.
 * Their audit events go to the audit stream (a log line each, shipped to the table: `adapters/audit-stream.ts`), so
 * no request waits for a DynamoDB write.
 */
import { createS3MultipartStore } from '../adapters/s3-multipart-store';
import { createS3UrlSigner } from '../adapters/s3-url-signer';
import type { Config } from '../config';
import type { VendingDeps } from '../vending/deps';
import type { VolumeDeps } from '../volumes/deps';
import { buildCredentialDeps, credentialDefaults, type VendingHandlerDeps } from './credential-vending';

export type { VendingHandlerDeps } from './credential-vending';

/** The signer and the multipart store, over `credentials`' ports. */
function withS3(config: Config, credentials: VendingDeps): VendingDeps {
  return {
    ...credentials,
    signer: createS3UrlSigner({ forcePathStyle: config.s3ForcePathStyle }),
    multipart: createS3MultipartStore({ forcePathStyle: config.s3ForcePathStyle }),
  };
}

/** The vending ports over the volume ports: the credential cache, the signer, the multipart store, the audit stream. */
export function buildVendingDeps(config: Config, volumes: VolumeDeps): VendingDeps {
  return withS3(config, buildCredentialDeps(volumes));
}

let cached: VendingHandlerDeps | undefined;

export function vendingDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = credentialDefaults();
  cached = { ...base, vending: withS3(base.config as Config, base.vending) };
  return cached;
}
