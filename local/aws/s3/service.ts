/**
 * The S3 service: parse, answer preflights, refuse the anonymous, route, resolve the bucket and check
 * access, run the handler, and render any error once as S3 XML. Every response carries S3's request-id
 * headers and, when an `Origin` matches the bucket's CORS rules, the `Access-Control-*` headers.
 */
import { randomUUID } from 'node:crypto';
import { type Authorizer, AwsError, type AwsRequest, type AwsResponse } from '../types';
import { bucketArn, objectArn, requireAllowed, requireOwnBucket } from './access';
import type { ServiceDeps } from './context';
import { actualRequestCorsHeaders, preflight } from './cors';
import { accessDenied, hostId, methodNotAllowed, noSuchBucket, notImplemented, renderError } from './errors';
import { OPERATIONS } from './operations';
import { parseRequest, type S3Request } from './request';
import { emptyResponse } from './respond';
import { route } from './router';
import { Store } from './storage/store';

export interface S3ServiceOptions {
  /** Where buckets live; created if missing. Data here survives restarts. */
  dataDir: string;
  /** Region of buckets created without a LocationConstraint. */
  region: string;
  authorize: Authorizer;
  now?: () => Date;
  /** Upload ids; must be unique. */
  randomId?: () => string;
  /** Where internal errors are reported (default: console.error). */
  log?: (message: string, error?: unknown) => void;
}

export interface S3Service {
  handle(req: AwsRequest): Promise<AwsResponse>;
}

/** S3 keys are at most 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

async function dispatch(deps: ServiceDeps, req: S3Request): Promise<AwsResponse> {
  if (req.method === 'OPTIONS') {
    const bucket = req.bucket === undefined ? undefined : deps.store.bucket(req.bucket);
    return emptyResponse(200, preflight(bucket !== undefined, bucket?.record.cors, req.headers));
  }
  const caller = req.caller;
  if (!caller) throw accessDenied();
  const { operation: name, level } = route(req);
  if (name === undefined) throw methodNotAllowed(req.method, level === 'object' ? 'OBJECT' : level === 'bucket' ? 'BUCKET' : 'SERVICE');
  const operation = OPERATIONS[name];
  if (!operation) throw notImplemented(name);
  if (operation.scope === 'service') return operation.run({ deps, req, caller });
  const bucket = deps.store.bucket(req.bucket!);
  if (!bucket) throw noSuchBucket(req.bucket!);
  requireOwnBucket(caller, bucket, req.headers['x-amz-expected-bucket-owner']);
  if (operation.scope === 'bucket') {
    if (operation.action) requireAllowed(deps, caller, operation.action, bucketArn(bucket.name), operation.conditions?.(req));
    return operation.run({ deps, req, caller, bucket });
  }
  const key = req.key!;
  const keyBytes = Buffer.byteLength(key);
  if (keyBytes > MAX_KEY_BYTES) {
    throw new AwsError('KeyTooLongError', 'Your key is too long', 400, { Size: String(keyBytes), MaxSizeAllowed: String(MAX_KEY_BYTES) });
  }
  requireAllowed(deps, caller, operation.action, objectArn(bucket.name, key));
  return operation.run({ deps, req, caller, bucket, key });
}

export function createS3Service(options: S3ServiceOptions): S3Service {
  const ready = Store.open(options.dataDir);
  // A failed open is reported by every request; keep it from surfacing as an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error));
  let counter = 0;
  const randomId = options.randomId ?? (() => `${Date.now().toString(36)}.${(counter++).toString(36)}.${randomUUID().replace(/-/g, '')}`);

  return {
    async handle(raw: AwsRequest): Promise<AwsResponse> {
      let response: AwsResponse;
      let req: S3Request | undefined;
      let store: Store | undefined;
      try {
        store = await ready;
        req = parseRequest(raw);
        const now = options.now ?? (() => new Date());
        const deps: ServiceDeps = { store, authorize: options.authorize, region: options.region, now, randomId, log };
        response = await dispatch(deps, req);
      } catch (error) {
        response = renderError(error, raw.requestId, raw.method.toUpperCase(), log);
      }
      const headers: Record<string, string> = {
        ...response.headers,
        'x-amz-request-id': raw.requestId,
        'x-amz-id-2': hostId(raw.requestId),
      };
      if (req && store && req.method !== 'OPTIONS' && req.bucket !== undefined) {
        Object.assign(headers, actualRequestCorsHeaders(store.bucket(req.bucket)?.record.cors, req.method, req.headers));
      }
      return { ...response, headers };
    },
  };
}
