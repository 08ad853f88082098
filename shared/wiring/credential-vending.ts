/**
 * Wiring for the credential route (POST /volumes/{id}/credentials): the table ports, STS, the credential cache and
 * the audit stream; no S3 client (it signs no URL and starts no upload), so its bundle carries none. The other
 * data routes' wiring (`vending.ts`) is this one plus the signer and the multipart store, sharing its cache: where
 * several functions share a process (`npm start`), a vend and a presign reuse one AssumeRole.
 */
import { createStreamAuditLog } from '../adapters/audit-stream';
import { createStsCredentialIssuer } from '../adapters/sts-credential-issuer';
import { createCredentialCache } from '../vending/credential-cache';
import type { VendingDeps } from '../vending/deps';
import type { VolumeDeps } from '../volumes/deps';
import { systemClock } from './ids';
import { notWired } from './lazy';
import { type VolumeHandlerDeps, volumeStoreDefaults } from './volume-store';

export interface VendingHandlerDeps extends VolumeHandlerDeps {
  vending: VendingDeps;
}

/** The credential route's ports over the volume ports (with STS): the cache, the audit stream; no signer, no multipart store. */
export function buildCredentialDeps(volumes: VolumeDeps): VendingDeps {
  return {
    ...volumes,
    // Written as a log line, listed from the table the shipper fills.
    audit: createStreamAuditLog({ list: volumes.audit.list }),
    cache: createCredentialCache({ clock: systemClock }),
    signer: { presign: notWired('signer') },
    multipart: {
      create: notWired('multipart'),
      complete: notWired('multipart'),
      abort: notWired('multipart'),
      check: notWired('multipart'),
    },
  };
}

let cached: VendingHandlerDeps | undefined;

export function credentialDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = volumeStoreDefaults();
  cached = { ...base, vending: buildCredentialDeps({ ...base.volumes, sts: createStsCredentialIssuer({}) }) };
  return cached;
}
