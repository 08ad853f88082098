/**
 * Wiring for the routes that sign URLs and start nothing (presign, download; share links too): the credential
 * route's wiring (`credential-vending.ts`: STS, the credential cache, the audit stream) plus the URL signer, which
 * needs no S3 client (`adapters/s3-url-signer.ts`). No multipart store, not even imported lazily: in a split bundle
 * a lazily imported S3 client still pulls the SDK modules it shares with STS and DynamoDB into the cold start
 * (~20 KB). The upload routes' wiring (`vending.ts`) is this one plus the multipart store, sharing its signer and
 * cache: where several functions share a process (`npm start`), a vend and a presign reuse one AssumeRole.
 */
import { createS3UrlSigner } from '../adapters/s3-url-signer';
import type { Config } from '../config';
import type { VendingDeps } from '../vending/deps';
import { credentialDefaults, type VendingHandlerDeps } from './credential-vending';

/** `credentials`' ports with the URL signer. */
export function withUrlSigner(config: Config, credentials: VendingDeps): VendingDeps {
  return { ...credentials, signer: createS3UrlSigner({ forcePathStyle: config.s3ForcePathStyle }) };
}

let cached: VendingHandlerDeps | undefined;

export function urlSigningDefaults(): VendingHandlerDeps {
  if (cached) return cached;
  const base = credentialDefaults();
  cached = { ...base, vending: withUrlSigner(base.config as Config, base.vending) };
  return cached;
}
