/**
 * Wiring for the routes that reach data: the volume wiring plus the credential cache, the URL signer and
 * the multipart store. The cache lives at module scope: a warm Lambda serves repeat vends from memory.
 */
import { createS3MultipartStore } from '../adapters/s3-multipart-store';
import { createS3UrlSigner } from '../adapters/s3-url-signer';
import type { Config } from '../config';
import { createCredentialCache } from '../vending/credential-cache';
import type { VendingDeps } from '../vending/deps';
import { systemClock } from './ids';
import { type VolumeHandlerDeps, volumeDefaults } from './volumes';

export interface VendingHandlerDeps extends VolumeHandlerDeps {
  vending: VendingDeps;
}

let cached: VendingHandlerDeps | undefined;

export function vendingDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = volumeDefaults();
  const config = base.config as Config;
  cached = {
    ...base,
    vending: {
      ...base.volumes,
      cache: createCredentialCache({ clock: systemClock }),
      signer: createS3UrlSigner({ forcePathStyle: config.s3ForcePathStyle }),
      multipart: createS3MultipartStore({ forcePathStyle: config.s3ForcePathStyle }),
    },
  };
  return cached;
}
