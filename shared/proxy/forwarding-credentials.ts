/**
 * The credentials the proxy signs with: the volume's role session for the caller, from the same cache and the
 * same STS calls as credential vending (`volumeCredentials`), scoped by the session policy of the caller's
 * effective access. They never leave the proxy.
 *
 * One addition, for the proxy's sessions only: they ask for the session policy's `listUploads`, so write sessions
 * may also `s3:ListBucketMultipartUploads` on the bucket, which ListMultipartUploads needs (see
 * `session-policy.ts`; the proxy confines that listing to the volume's root itself). The proxy's cache is its own,
 * so vended credentials never get it. The object tag actions the aws cli's copy and move ask for are vending's own,
 * for both.
 */
import { DEFAULT_SESSION_SECONDS, volumeCredentials } from '../vending/credentials';
import type { VendingDeps } from '../vending/deps';
import type { Caller } from '../volumes/deps';
import type { DataAccess, Volume } from '../volumes/model';
import type { TemporaryCredentials } from '../volumes/ports';

/** A request signed with less left than this could expire on its way; the cache then renews. */
const MIN_REMAINING_SECONDS = 120;

/** What the proxy's credentials come from: its own credential cache and the STS port. */
export type ForwardingDeps = Pick<VendingDeps, 'sts' | 'cache' | 'gatewayTokens'>;

/** The credentials the proxy signs one volume's request with, for the caller's effective access. */
export type ProxyCredentials = (caller: Caller, volume: Volume, access: DataAccess, prefix?: string) => Promise<TemporaryCredentials>;

export async function forwardingCredentials(
  deps: ForwardingDeps,
  caller: Caller,
  volume: Volume,
  access: DataAccess,
  prefix?: string,
): Promise<TemporaryCredentials> {
  // A scoped key's requests (`prefix`): a session narrowed to the scope, an entry of its own in the cache.
  const { credentials } = await volumeCredentials(deps, caller, volume, {
    access,
    durationSeconds: DEFAULT_SESSION_SECONDS,
    minRemainingSeconds: MIN_REMAINING_SECONDS,
    listUploads: true,
    ...(prefix === undefined ? {} : { prefix }),
  });
  return credentials;
}

/** {@link forwardingCredentials} over `deps`, as the proxy is given it. */
export const createForwardingCredentials =
  (deps: ForwardingDeps): ProxyCredentials =>
  (caller, volume, access, prefix) =>
    forwardingCredentials(deps, caller, volume, access, prefix);
