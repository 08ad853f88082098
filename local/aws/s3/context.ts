/** What an operation handler gets: the service's dependencies, the parsed request, and what access checks resolved. */
import type { Authorizer, AwsResponse, Caller } from '../types';
import type { S3Request } from './request';
import type { BucketState } from './storage/bucket-state';
import type { Store } from './storage/store';

export interface ServiceDeps {
  store: Store;
  authorize: Authorizer;
  /** Region of buckets created without a LocationConstraint. */
  region: string;
  now: () => Date;
  /** Upload ids. */
  randomId: () => string;
  log: (message: string, error?: unknown) => void;
}

export interface ServiceContext {
  deps: ServiceDeps;
  req: S3Request;
  /** Authenticated: anonymous requests never reach a handler. */
  caller: Caller;
}

/** A request on an existing bucket of the caller's own account. */
export interface BucketContext extends ServiceContext {
  bucket: BucketState;
}

/** A request on a key, already authorized for the operation's action on that key. */
export interface ObjectContext extends BucketContext {
  key: string;
}

export type Handler<C> = (ctx: C) => Promise<AwsResponse>;

/** The moment to stamp on a new object or upload: S3 keeps whole seconds. */
export function stamp(deps: ServiceDeps): Date {
  return new Date(Math.floor(deps.now().getTime() / 1000) * 1000);
}
