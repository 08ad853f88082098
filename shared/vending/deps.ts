/** What the vending functions are given: the volume ports and settings, the credential cache, and the S3 ports of vending. */
import type { VolumeDeps } from '../volumes/deps';
import type { CredentialCache } from './credential-cache';
import type { MultipartStore, UrlSigner } from './ports';

export type { Caller } from '../volumes/deps';

export type VendingDeps = VolumeDeps & {
  /** One per warm Lambda (module scope), shared by vending, presigning and uploads. */
  cache: CredentialCache;
  signer: UrlSigner;
  multipart: MultipartStore;
};
