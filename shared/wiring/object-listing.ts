/**
 * Wiring for `GET /volumes/{id}/objects`: the credential route's wiring (`credential-vending.ts`: the table ports,
 * STS, the credential cache, the audit stream) plus the object lister over the proxy's S3 upstream (no S3 client:
 * `adapters/s3-object-lister.ts`) and the audit sampler; all at module scope, so a warm Lambda reuses them.
 */
import { createS3ObjectLister } from '../adapters/s3-object-lister';
import type { ListingDeps } from '../objects/listing';
import { createHttpUpstream } from '../proxy/upstream/http-upstream';
import type { VendingDeps } from '../vending/deps';
import { createAuditSampler } from '../volumes/audit-sampler';
import { credentialDefaults, type VendingHandlerDeps } from './credential-vending';
import { systemClock } from './ids';
import { loadProxyConfig } from './proxy-config';

export interface ListingHandlerDeps extends Omit<VendingHandlerDeps, 'vending'> {
  listing: ListingDeps;
}

/** The listing's ports over the credential route's: the lister (to `s3Endpoint`, else S3's regional one) and its audit sampler. */
export const withObjectLister = (vending: VendingDeps, s3Endpoint?: string): ListingDeps => ({
  ...vending,
  lister: createS3ObjectLister({ upstream: createHttpUpstream({ clock: systemClock, ...(s3Endpoint ? { endpoint: s3Endpoint } : {}) }) }),
  sampler: createAuditSampler(),
});

let cached: ListingHandlerDeps | undefined;

export function objectListingDefaults(): ListingHandlerDeps {
  if (cached) return cached;
  const { vending, ...base } = credentialDefaults();
  cached = { ...base, listing: withObjectLister(vending, loadProxyConfig().s3Endpoint) };
  return cached;
}
