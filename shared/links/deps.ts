/** What the link functions are given: the volume ports, the link store and its randomness; the download also vending's. */
import type { VendingDeps } from '../vending/deps';
import type { VolumeDeps } from '../volumes/deps';
import type { LinkIds, LinkStore } from './ports';

export type { Caller } from '../volumes/deps';

/** The management routes (create, list, revoke): our tables only, no STS or S3. */
export type LinkDeps = Pick<VolumeDeps, 'repo' | 'lookup' | 'audit' | 'clock'> & {
  links: LinkStore;
  linkIds: LinkIds;
};

/** `GET`/`HEAD /l/{token}`: the link store plus vending's credential cache, STS and URL signer. */
export type LinkDownloadDeps = VendingDeps & { links: LinkStore };
