/**
 * Who may do what. Every operation passes here before it has any effect:
 *  1. anonymous requests are refused (this endpoint models no public buckets);
 *  2. a bucket belonging to another account is refused outright — we model no bucket policies or ACLs, so
 *     nothing could grant cross-account access;
 *  3. the caller's own IAM (identity policies AND any session policy) must allow the action S3 uses, on the
 *     resource S3 uses.
 * A key that does not exist is reported as NoSuchKey only to a caller who may list it; everyone else gets
 * AccessDenied, as S3 does, so a client never learns whether an object exists where it may not look.
 */
import type { AuthorizationDecision, Caller, ConditionContext } from '../types';
import type { ServiceDeps } from './context';
import { accessDenied, noSuchKey } from './errors';
import type { BucketState } from './storage/bucket-state';

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
/**
 * ListAllMyBuckets has no resource-level permissions. Policies grant it with `"*"` or `"arn:aws:s3:::*"`;
 * asking about `arn:aws:s3:::*` is matched by both.
 */
export const ALL_BUCKETS_ARN = 'arn:aws:s3:::*';

export function decide(
  deps: ServiceDeps,
  caller: Caller,
  action: string,
  resource: string,
  context?: ConditionContext,
): AuthorizationDecision {
  return deps.authorize(caller, action, resource, context);
}

/** Throws AccessDenied, worded as S3 words it for a same-account caller, unless IAM allows the action. */
export function requireAllowed(deps: ServiceDeps, caller: Caller, action: string, resource: string, context?: ConditionContext): void {
  const decision = decide(deps, caller, action, resource, context);
  if (decision.allowed) return;
  const why = decision.explicitDeny ? `with an explicit deny: ${decision.reason}` : `because ${decision.reason}`;
  throw accessDenied(`User: ${caller.arn} is not authorized to perform: ${action} on resource: "${resource}" ${why}`);
}

/** The bucket must belong to the caller's account (and to `expectedOwner` when the client names one). */
export function requireOwnBucket(caller: Caller, bucket: BucketState, expectedOwner: string | undefined): void {
  if (bucket.record.ownerAccountId !== caller.accountId) throw accessDenied();
  if (expectedOwner !== undefined && expectedOwner !== bucket.record.ownerAccountId) throw accessDenied();
}

/**
 * The error for a key that is not there: NoSuchKey when the caller may list the bucket at that key
 * (`s3:ListBucket` with `s3:prefix` = the key: such a caller could learn the same from a listing), else
 * AccessDenied.
 */
export function missingKey(deps: ServiceDeps, caller: Caller, bucket: BucketState, key: string): Error {
  const mayList = decide(deps, caller, 's3:ListBucket', bucketArn(bucket.name), { 's3:prefix': key }).allowed;
  return mayList ? noSuchKey(key) : accessDenied();
}
