/**
 * Wiring for the routes that reach data: the volume wiring plus the credential cache, the URL signer and
 * the multipart store. The cache lives at module scope: a warm Lambda serves repeat vends from memory. Their
 * audit events go to the audit stream (a log line each, shipped to the table: `adapters/audit-stream.ts`), so no
 * request waits for a DynamoDB write.
 */
import { createStreamAuditLog } from '../adapters/audit-stream';
import { createS3MultipartStore } from '../adapters/s3-multipart-store';
import { createS3UrlSigner } from '../adapters/s3-url-signer';
import type { Config } from '../config';
import { createCredentialCache } from '../vending/credential-cache';
import type { VendingDeps } from '../vending/deps';
import type { VolumeDeps } from '../volumes/deps';
import { systemClock } from './ids';
import { type VolumeHandlerDeps, volumeDefaults } from './volumes';

export interface VendingHandlerDeps extends VolumeHandlerDeps {
  vending: VendingDeps;
}

/** The vending ports over the volume ports: the credential cache, the signer, the multipart store, the audit stream. */
export function buildVendingDeps(config: Config, volumes: VolumeDeps): VendingDeps {
  return {
    ...volumes,
    // Written as a log line, listed from the table the shipper fills.
    audit: createStreamAuditLog({ list: volumes.audit.list }),
    cache: createCredentialCache({ clock: systemClock }),
    signer: createS3UrlSigner({ forcePathStyle: config.s3ForcePathStyle }),
    multipart: createS3MultipartStore({ forcePathStyle: config.s3ForcePathStyle }),
  };
}

let cached: VendingHandlerDeps | undefined;

export function vendingDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = volumeDefaults();
  const config = base.config as Config;
  cached = { ...base, vending: buildVendingDeps(config, base.volumes) };
  return cached;
}
