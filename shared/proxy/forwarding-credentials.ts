/**
 * The credentials the proxy signs with: the volume's role session for the caller, from the same cache and the
 * same STS calls as credential vending (`volumeCredentials`), scoped by the session policy of the caller's
 * effective access. They never leave the proxy.
 *
 * Two additions, for the proxy's sessions only ({@link withProxySessionPolicy}, applied to the issuer the proxy's
 * cache uses), both granted by the volume's permissions policy:
 * - the object tag actions of the access (`s3:GetObjectTagging`; writes also `s3:PutObjectTagging` and
 *   `s3:DeleteObjectTagging`) on the volume's objects, beside its object actions: the aws cli's copy and move
 *   above its multipart threshold read the source's tags and may write the target's. Vended credentials do not get
 *   them: their session policy must leave room for the longest prefix a volume may have;
 * - write sessions may `s3:ListBucketMultipartUploads` on the bucket, which ListMultipartUploads needs. Vended
 *   credentials do not get it, because S3 cannot confine that action to a prefix; through the proxy it is confined
 *   anyway, since the proxy always sends the volume's root as the `prefix`.
 * Each is added only while the policy still fits STS's 2,048 characters (a volume with a very long prefix then
 * cannot use tags, or list its uploads, through the proxy).
 */
import { DEFAULT_SESSION_SECONDS, volumeCredentials } from '../vending/credentials';
import type { VendingDeps } from '../vending/deps';
import { SESSION_POLICY_MAX_CHARS } from '../vending/session-policy';
import { READ_TAGGING_ACTIONS, WRITE_TAGGING_ACTIONS } from '../volumes/policies';
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

/** The session policy with the proxy's tag actions and (writes) multipart listing statement, each while it still fits. */
export function proxySessionPolicy(policy: string | undefined): string | undefined {
  if (policy === undefined) return policy;
  const document = JSON.parse(policy) as { Statement?: PolicyStatement[] };
  const statements = document.Statement ?? [];
  const writes = statements.some((s) => s.Action?.includes('s3:PutObject'));
  const bucketArn = statements.find((s) => s.Action?.includes('s3:ListBucket'))?.Resource?.[0];
  const tagActions = writes ? [...READ_TAGGING_ACTIONS, ...WRITE_TAGGING_ACTIONS] : READ_TAGGING_ACTIONS;
  const candidates: Array<(current: PolicyStatement[]) => PolicyStatement[]> = [
    (current) => current.map((s) => (s.Action?.includes('s3:GetObject') ? { ...s, Action: [...s.Action, ...tagActions] } : s)),
    ...(writes && bucketArn !== undefined
      ? [(current: PolicyStatement[]) => [...current, { Sid: 'ProxyListUploads', Effect: 'Allow', Action: ['s3:ListBucketMultipartUploads'], Resource: [bucketArn] }]]
      : []),
  ];
  let widened = policy;
  let current = statements;
  for (const widen of candidates) {
    const next = widen(current);
    const text = JSON.stringify({ ...document, Statement: next });
    if (text.length > SESSION_POLICY_MAX_CHARS) continue;
    [widened, current] = [text, next];
  }
  return widened;
}

/** The issuer the proxy's credential cache calls: the real one, with {@link proxySessionPolicy}. */
export function withProxySessionPolicy(sts: CredentialIssuer): CredentialIssuer {
  return {
    assumeRole: (request) => sts.assumeRole({ ...request, policy: proxySessionPolicy(request.policy) }),
    assumeRoleWithWebIdentity: (request) => sts.assumeRoleWithWebIdentity({ ...request, policy: proxySessionPolicy(request.policy) }),
  };
}
