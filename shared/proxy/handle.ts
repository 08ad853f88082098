/**
 * The proxy's core: one neutral request in, one response out, whichever front it runs behind. In order: what
 * the request names (path and query, decoded once), who is calling (`authenticate.ts`), which operation it is
 * (anything not served is NotImplemented, never forwarded), the volume and the caller's right to it
 * (`volume-access.ts`), then either an answer from the volume itself or the request re-signed with the volume's
 * credentials and forwarded, and S3's answer mapped back. Every refusal is S3 XML with our request id; every
 * request is one log line with that id; the audit trail gets what `audit.ts` says.
 */
import { performance } from 'node:perf_hooks';
import type { TokenVerifier } from '../auth/token-verifier';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { countMetric, IntervalMetrics, withMetrics } from '../metrics';
import { SigV4Error } from '../sigv4';
import { auditedKey } from '../vending/presign';
import type { Caller } from '../volumes/deps';
import type { AuditOutcome } from '../volumes/model';
import type { Clock, VolumeRepository } from '../volumes/ports';
import type { VolumeLookup } from '../volumes/volume-lookup';
import type { ProxyAudit } from './audit';
import { type Authenticated, authenticate, checkSigningRegion } from './authenticate';
import { discard } from './body';
import { rewriteCopySource } from './copy-source';
import { errorResponse, notImplemented } from './errors';
import type { ProxyCredentials } from './forwarding-credentials';
import { realKey } from './keys';
import { bucketLocation, bucketOwned, headBucket, listBuckets } from './local-answers';
import { classify, type Operation } from './operations';
import { withPathStyleHint } from './path-style-hint';
import type { AccessKeyResolver } from './ports';
import { param, parseQuery, parseTarget, type Target } from './request-target';
import type { FrontLimits, ProxyRequest, ProxyResponse, Upstream } from './types';
import { upstreamRequest } from './upstream-request';
import { answer } from './upstream-response';
import { findVisible, openVolume, scopeFor } from './volume-access';

export interface ProxyDeps {
  /** The credentials a volume's request is signed with (`createForwardingCredentials`: the proxy's cache and STS). */
  credentials: ProxyCredentials;
  /** The volumes a subject is a member of, for ListBuckets. */
  repo: Pick<VolumeRepository, 'listForSubject'>;
  /** The clock signatures are checked against. */
  clock: Clock;
  accessKeys: AccessKeyResolver;
  verifier: TokenVerifier;
  lookup: VolumeLookup;
  audit: ProxyAudit;
  upstream: Upstream;
  logger: Logger;
}

export type ProxyHandler = ((req: ProxyRequest, limits?: FrontLimits) => Promise<ProxyResponse>) & {
  /** Writes the metrics the long-running front's requests counted since the last interval (call it when the front stops). */
  flushMetrics?: () => void;
};

const outcomeOf = (status: number): AuditOutcome => (status < 400 ? 'succeeded' : status === 403 ? 'denied' : 'failed');

function statusAndCode(error: unknown): { status: number; code: string } {
  if (error instanceof AppError) return { status: error.status, code: error.s3Code };
  if (error instanceof SigV4Error) return { status: error.status, code: error.code };
  return { status: 500, code: 'InternalError' };
}

interface Served {
  req: ProxyRequest;
  auth: Authenticated;
  caller: Caller;
  operation: Operation;
  target: Target;
  query: Array<[string, string]>;
  limits: FrontLimits;
  log: Logger;
  summary: Record<string, unknown>;
}

/** CreateBucket of a volume the caller can see is "already yours" (what rclone needs); anything else is not done here. */
async function createBucket(
  deps: ProxyDeps,
  principal: Authenticated['principal'],
  name: string,
  requestId: string,
): Promise<ProxyResponse> {
  if (await findVisible(deps, principal, name)) return bucketOwned(name, requestId);
  throw notImplemented('CreateBucket: volumes are registered through the API (POST /volumes), not created by S3 clients');
}

/** What a request names inside the volume, for a scoped key: the object's key, or a listing's `prefix` (`''` without one). */
function scopePath(operation: Operation, key: string | undefined, query: Array<[string, string]>): string | undefined {
  if (key !== undefined) return key;
  const listing = operation.name === 'ListObjects' || operation.name === 'ListObjectsV2' || operation.name === 'ListMultipartUploads';
  return listing ? (param(query, 'prefix') ?? '') : undefined;
}

async function serveVolume(deps: ProxyDeps, s: Served): Promise<ProxyResponse> {
  const { req, auth, caller, operation, target, query, log } = s;
  const { principal } = auth;
  const detail: Record<string, unknown> = {
    via: principal.via,
    ...(principal.accessKeyId ? { accessKeyId: principal.accessKeyId } : {}),
    ...(target.key === undefined ? {} : { key: auditedKey(target.key) }),
  };
  if (operation.name === 'CreateBucket') return createBucket(deps, principal, target.volumeName!, req.requestId);
  const opened = await openVolume(deps, principal, caller, target.volumeName!, operation, detail, log);
  const { volume } = opened;
  if (operation.name !== 'GetBucketLocation') checkSigningRegion(auth.parsed, volume.region);
  const record = (outcome: AuditOutcome, extra: Record<string, unknown>) =>
    deps.audit.record({ caller, volumeId: volume.id, operation, outcome, detail: { ...detail, ...extra } }, log);
  if (operation.name === 'HeadBucket' || operation.name === 'GetBucketLocation') {
    await record('succeeded', { status: 200 });
    return operation.name === 'HeadBucket' ? headBucket(req.requestId) : bucketLocation(volume, req.requestId);
  }
  if (target.key !== undefined) realKey(volume, target.key);
  let copySource: string | undefined;
  const copyHeader = req.headers['x-amz-copy-source'];
  if (copyHeader !== undefined && (operation.name === 'CopyObject' || operation.name === 'UploadPartCopy')) {
    const rewritten = await rewriteCopySource(deps, principal, caller, copyHeader, opened, operation, log);
    copySource = rewritten.header;
    detail.copySource = auditedKey(`${rewritten.source.volumeName}/${rewritten.source.key}`);
  }
  try {
    // A scoped key: the scope that covers what the request names (else AccessDenied, audited below), signed within it.
    const reach = scopeFor(principal, volume.id, scopePath(operation, target.key, query), operation.access, opened.access);
    const credentials = await deps.credentials(caller, volume, reach?.access ?? opened.access, reach?.prefix);
    const { detail: requestDetail, ...unsigned } = await upstreamRequest(req, auth, operation, volume, target.key, query, copySource);
    Object.assign(detail, requestDetail);
    const upstream = await deps.upstream.send({ ...unsigned, credentials });
    const context = {
      volume,
      urlEncoded: param(query, 'encoding-type') === 'url',
      requestId: req.requestId,
      origin: req.origin ?? `http://${req.headers.host ?? 'localhost'}`,
      ...(target.key === undefined ? {} : { key: target.key }),
    };
    const answered = await answer(req.method, operation, upstream, context, s.limits);
    s.summary.upstreamRequestId = answered.upstreamRequestId;
    const status = answered.response.status;
    if (status === 403) countMetric('Denials', { Reason: answered.s3Code ?? 'AccessDenied' });
    await record(answered.s3Code && status < 400 ? 'failed' : outcomeOf(status), {
      status,
      ...(answered.s3Code ? { reason: answered.s3Code } : {}),
    });
    return answered.response;
  } catch (error) {
    const { status, code } = statusAndCode(error);
    await record(outcomeOf(status), { status, reason: code });
    throw error;
  }
}

/** A body's length as declared: the decoded length of an aws-chunked body, else Content-Length; 0 when absent. */
const declaredBytes = (headers: Record<string, string>): number => {
  const bytes = Number(headers['x-amz-decoded-content-length'] ?? headers['content-length'] ?? 0);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
};

/**
 * Per request, by operation (`Unknown` when it was refused before being classified): one `ProxyRequests`, and for
 * answers below 400 the bytes that moved as the request and the response declared them (the response's
 * Content-Length is set before its body streams).
 */
function countRequest(operation: unknown, status: number, req: ProxyRequest, response: ProxyResponse | undefined): void {
  const dimensions = { Operation: typeof operation === 'string' ? operation : 'Unknown' };
  countMetric('ProxyRequests', dimensions);
  if (status >= 400) return;
  countMetric('ProxyBytesIn', dimensions, declaredBytes(req.headers));
  countMetric('ProxyBytesOut', dimensions, response ? declaredBytes({ 'content-length': response.headers['content-length'] ?? '0' }) : 0);
}

export function createProxy(deps: ProxyDeps): ProxyHandler {
  const authDeps = { accessKeys: deps.accessKeys, verifier: deps.verifier, clock: deps.clock };
  const stage = deps.logger.fields?.stage;
  const metrics = typeof stage === 'string' ? { base: { Stage: stage } } : {};
  // Per request (a Lambda invocation's are written before it returns), or summed over a long-running front's requests.
  const aggregated = new IntervalMetrics(metrics);
  const handler: ProxyHandler = (req, limits = {}) =>
    limits.longRunning ? aggregated.run(() => serve(req, limits)) : withMetrics(metrics, () => serve(req, limits));
  handler.flushMetrics = () => aggregated.flush();
  return handler;

  /** The operation the request is, answered: ListBuckets from the volumes, anything else on its volume. */
  async function route(
    req: ProxyRequest,
    auth: Authenticated,
    target: Target,
    query: Array<[string, string]>,
    limits: FrontLimits,
    log: Logger,
    summary: Record<string, unknown>,
  ): Promise<ProxyResponse> {
    const { principal } = auth;
    const operation = classify(
      req.method,
      target.scope,
      query.map(([name]) => name),
      req.headers['x-amz-copy-source'] !== undefined,
    );
    summary.operation = operation.name;
    if (operation.body === 'none') discard(req.body);
    const caller: Caller = {
      subject: principal.subject,
      token: principal.token ?? '',
      authMethods: principal.authMethods,
      requestId: req.requestId,
      ...(req.signal ? { signal: req.signal } : {}),
    };
    return operation.name === 'ListBuckets'
      ? listBuckets(deps.repo, principal, caller, query, req.requestId)
      : serveVolume(deps, { req, auth, caller, operation, target, query, limits, log, summary });
  }

  async function serve(req: ProxyRequest, limits: FrontLimits): Promise<ProxyResponse> {
    const started = performance.now();
    const log = deps.logger.child({ requestId: req.requestId });
    const summary: Record<string, unknown> = { method: req.method };
    let status = 500;
    let answered: ProxyResponse | undefined;
    try {
      const target = parseTarget(req.rawPath);
      const query = parseQuery(req.rawQuery);
      Object.assign(summary, { volume: target.volumeName, key: target.key });
      const auth = await authenticate(authDeps, req);
      const { principal } = auth;
      Object.assign(summary, {
        subject: principal.subject,
        via: principal.via,
        ...(principal.accessKeyId ? { accessKeyId: principal.accessKeyId } : {}),
      });
      // A refusal of a request that names its volume in the Host says to use path-style (path-style-hint.ts).
      const response = await route(req, auth, target, query, limits, log, summary).catch(async (error: unknown) => {
        throw await withPathStyleHint(deps, principal, req.headers.host, error);
      });
      status = response.status;
      answered = response;
      return response;
    } catch (error) {
      discard(req.body);
      const response = errorResponse(error, req.requestId, log, req.method);
      status = response.status;
      return response;
    } finally {
      log.info('proxy request', { ...summary, status, durationMs: Math.round(performance.now() - started) });
      countRequest(summary.operation, status, req, answered);
    }
  }
}
