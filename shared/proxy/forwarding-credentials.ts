/**
 * The credentials the proxy signs with: the volume's role session for the caller, from the same cache and the
 * same STS calls as credential vending (`volumeCredentials`), scoped by the session policy of the caller's
 * effective access. They never leave the proxy.
 *
 * One addition, for the proxy's sessions only ({@link withProxySessionPolicy}, applied to the issuer the proxy's
 * cache uses): write sessions may also `s3:ListBucketMultipartUploads` on the bucket, which ListMultipartUploads
 * needs and which the volume's permissions policy grants read-write volumes. Vended credentials do not get it,
 * because S3 cannot confine that action to a prefix; through the proxy it is confined anyway, since the proxy
 * always sends the volume's root as the `prefix`. A policy that would exceed STS's 2,048 characters with it is
 * left as it was (such a volume just cannot list its uploads through the proxy). The object tag actions the aws
 * cli's copy and move ask for are vending's own (`session-policy.ts`), for both.
 */
import { DEFAULT_SESSION_SECONDS, volumeCredentials } from '../vending/credentials';
import type { VendingDeps } from '../vending/deps';
import { SESSION_POLICY_MAX_CHARS } from '../vending/session-policy';
import type { Caller } from '../volumes/deps';
import type { DataAccess, Volume } from '../volumes/model';
import type { CredentialIssuer, TemporaryCredentials } from '../volumes/ports';

/** A request signed with less left than this could expire on its way; the cache then renews. */
const MIN_REMAINING_SECONDS = 120;

export async function forwardingCredentials(deps: VendingDeps, caller: Caller, volume: Volume, access: DataAccess): Promise<TemporaryCredentials> {
  const { credentials } = await volumeCredentials(deps, caller, volume, { access, durationSeconds: DEFAULT_SESSION_SECONDS, minRemainingSeconds: MIN_REMAINING_SECONDS });
  return credentials;
}

interface PolicyStatement {
  Sid?: string;
  Action?: string[];
  Resource?: string[];
}

/** The session policy with the proxy's multipart listing statement when it grants writes and still fits. */
export function proxySessionPolicy(policy: string | undefined): string | undefined {
  if (policy === undefined) return policy;
  const document = JSON.parse(policy) as { Statement?: PolicyStatement[] };
  const statements = document.Statement ?? [];
  const writes = statements.some((s) => s.Action?.includes('s3:PutObject'));
  const bucketArn = statements.find((s) => s.Action?.includes('s3:ListBucket'))?.Resource?.[0];
  if (!writes || bucketArn === undefined) return policy;
  const widened = JSON.stringify({
    ...document,
    Statement: [...statements, { Sid: 'ProxyListUploads', Effect: 'Allow', Action: ['s3:ListBucketMultipartUploads'], Resource: [bucketArn] }],
  });
  return widened.length <= SESSION_POLICY_MAX_CHARS ? widened : policy;
}

/** The issuer the proxy's credential cache calls: the real one, with {@link proxySessionPolicy}. */
export function withProxySessionPolicy(sts: CredentialIssuer): CredentialIssuer {
  return {
    assumeRole: (request) => sts.assumeRole({ ...request, policy: proxySessionPolicy(request.policy) }),
    assumeRoleWithWebIdentity: (request) => sts.assumeRoleWithWebIdentity({ ...request, policy: proxySessionPolicy(request.policy) }),
  };
}
