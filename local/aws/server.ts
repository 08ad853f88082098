/**
 * The local AWS endpoint (127.0.0.1:4566 by default). Like AWS, it authenticates every request once,
 * from the raw request (SigV4 header or presigned query, session token, expiry), then hands it to the
 * service named by the credential scope: DynamoDB, S3, IAM, STS or KMS. Each answers in its own protocol.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../shared/log';
import { s3ErrorXml } from '../../shared/s3/error-xml';
import { s3Headers } from '../../shared/s3/header-names';
import { headersFromRaw, sha256Hex } from '../../shared/sigv4/canonical';
import { SigV4Error } from '../../shared/sigv4/errors';
import { type ParsedSigV4, parseSigV4, type SigV4Request } from '../../shared/sigv4/parse';
import { checkScopeRegion, checkScopeService } from '../../shared/sigv4/scope';
import { verifySigV4 } from '../../shared/sigv4/verify';
import { closeServer, type LocalServer, listen } from '../api-server';
import { type AuthFailure, authFailure, protocolOf } from './auth-errors';
import { delay, type FaultInjector, type FaultTarget, faultAnswer, faultsRoute } from './faults';
import { kmsError } from './kms/service';
import { IAM_QUERY, queryErrorResponse, STS_QUERY } from './query-protocol';
import { s3BodyStream } from './s3-body';
import type { AwsRequest, AwsResponse, Caller, CredentialStore } from './types';
import { AwsError } from './types';

export interface AwsServices {
  s3: { handle(request: AwsRequest): Promise<AwsResponse> };
  sts: { handle(request: AwsRequest, form: URLSearchParams): Promise<AwsResponse> };
  iam: { handle(request: AwsRequest, form: URLSearchParams): Promise<AwsResponse> };
  dynamodb: { handle(request: AwsRequest, body: Buffer): Promise<AwsResponse> };
  kms: { handle(request: AwsRequest, body: Buffer): Promise<AwsResponse> };
}

export interface EndpointOptions {
  host: string;
  port: number;
  region: string;
  credentials: CredentialStore;
  services: AwsServices;
  now: () => Date;
  log: Logger;
  /** Extra routes under `/_local/` (the service's own credentials endpoint). */
  localRoutes?: Record<string, (request: IncomingMessage, response: ServerResponse) => void>;
  /** Faults to answer instead of the service (throttling, failures, delays, resets); also `/_local/faults`. */
  faults?: FaultInjector;
}

const MAX_BUFFERED_BODY = 16 * 1024 * 1024;

function renderError(
  service: string,
  code: string,
  message: string,
  status: number,
  requestId: string,
  extra: Record<string, string> = {},
): AwsResponse {
  const protocol = protocolOf(service);
  if (protocol === 's3') {
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: s3ErrorXml(code, message, requestId, extra),
    };
  }
  if (protocol === 'query')
    return queryErrorResponse(service === 'iam' ? IAM_QUERY : STS_QUERY, new AwsError(code, message, status), requestId);
  // The endpoint adds the request id header to every answer (`spelled`).
  if (service === 'kms') return kmsError(code, message, status);
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
  };
}

function failure(service: string, kind: AuthFailure, requestId: string): AwsResponse {
  const wording = authFailure(protocolOf(service), kind);
  return renderError(service, wording.code, wording.message, wording.status, requestId);
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BUFFERED_BODY) throw new AwsError('RequestEntityTooLarge', 'The request body is too large.', 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Which service an unsigned request is for: only STS (web identity) and S3 (CORS preflight, public reads) take them. */
function anonymousService(request: SigV4Request): string {
  const type = request.headers['content-type'] ?? '';
  return request.method === 'POST' && type.startsWith('application/x-www-form-urlencoded') && request.rawPath === '/' ? 'sts' : 's3';
}

const SERVICES = new Set(['s3', 's3-object-lambda', 'sts', 'iam', 'dynamodb', 'kms']);

/**
 * A credential scope this endpoint does not serve, refused before the signature is looked at, as S3 refuses it
 * (`shared/sigv4/scope.ts`): a service none of ours is (the endpoint answers for S3 then), or S3 in another
 * region than the endpoint's. IAM, STS and DynamoDB keep routing by the scope's service, whatever its region.
 */
function scopeRefusal(parsed: ParsedSigV4, region: string, requestId: string): AwsResponse | undefined {
  try {
    if (!SERVICES.has(parsed.service)) checkScopeService(parsed, 's3');
    if (protocolOf(parsed.service) === 's3') checkScopeRegion(parsed, region);
    return undefined;
  } catch (error) {
    if (error instanceof SigV4Error) return renderError('s3', error.code, error.message, error.status, requestId, error.extra);
    throw error;
  }
}

interface Authenticated {
  caller: Caller | null;
  secret?: string;
}

/**
 * Who signed the request, checked as AWS checks it: the key exists, the session token matches, the
 * signature (and, outside S3, the body hash) verifies, the credentials have not expired. An error
 * response in the service's own words otherwise. S3 bodies are verified later, as they stream.
 */
function authenticate(
  credentials: CredentialStore,
  now: () => Date,
  sigRequest: SigV4Request,
  parsed: ParsedSigV4,
  service: string,
  body: Buffer | undefined,
  requestId: string,
): Authenticated | AwsResponse {
  const record = credentials.lookup(parsed.accessKeyId);
  if (!record) return failure(service, 'UnknownAccessKey', requestId);
  if ((record.sessionToken ?? undefined) !== (parsed.sessionToken ?? undefined)) return failure(service, 'BadSessionToken', requestId);
  try {
    let payloadHash = parsed.payloadHash;
    if (body) {
      const actual = sha256Hex(body);
      if (payloadHash !== undefined && payloadHash !== actual) return failure(service, 'SignatureMismatch', requestId);
      payloadHash = actual;
    }
    verifySigV4(sigRequest, parsed, record.secretAccessKey, { now: now(), ...(payloadHash ? { payloadHash } : {}) });
  } catch (error) {
    if (!(error instanceof SigV4Error)) throw error;
    if (protocolOf(service) === 's3') return renderError(service, error.code, error.message, error.status, requestId, error.extra);
    return failure(service, error.code === 'RequestTimeTooSkewed' ? 'Skewed' : 'SignatureMismatch', requestId);
  }
  if (record.expiresAt && record.expiresAt.getTime() <= now().getTime()) return failure(service, 'Expired', requestId);
  return { caller: record.caller, secret: record.secretAccessKey };
}

/** The fault target and action of a request: DynamoDB's X-Amz-Target operation, STS/IAM's Action, S3's method. */
function faultKey(
  service: string,
  method: string,
  headers: Record<string, string>,
  rawQuery: string,
  body: Buffer | undefined,
): [FaultTarget, string] | undefined {
  if (service === 's3' || service === 's3-object-lambda') return ['s3', method];
  if (service === 'dynamodb' || service === 'kms') return [service, (headers['x-amz-target'] ?? '').split('.').pop() ?? ''];
  if (service === 'sts' || service === 'iam') {
    const form = new URLSearchParams(rawQuery);
    for (const [k, v] of new URLSearchParams(body?.toString('utf8') ?? '')) form.set(k, v);
    return [service, form.get('Action') ?? ''];
  }
  return undefined;
}

/** Status, headers and the first `afterBytes` of the body, then (a moment later) the connection is cut: a reset mid-body. */
async function sendCut(response: ServerResponse, result: AwsResponse, requestId: string, afterBytes: number): Promise<void> {
  const headers = spelled(result, requestId);
  const body = result.body;
  const chunks: AsyncIterable<Buffer> | Buffer[] =
    body instanceof Readable ? body : [body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body)];
  if (!(body instanceof Readable) && !('Content-Length' in headers)) headers['Content-Length'] = String((chunks as Buffer[])[0]!.length);
  response.writeHead(result.status, headers);
  let sent = 0;
  for await (const chunk of chunks) {
    const piece = Buffer.from(chunk).subarray(0, afterBytes - sent);
    sent += piece.length;
    if (piece.length > 0) await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    if (sent >= afterBytes) break;
  }
  if (sent === 0) response.flushHeaders();
  if (body instanceof Readable) body.destroy();
  // A moment passes before the cut, so what was sent has reached the client (a proxy has forwarded it) first.
  await delay(100);
  response.socket?.destroy();
  response.destroy();
}

/**
 * The answer's headers with the request id, named as AWS spells them on the wire (`ETag`, `Content-Length`,
 * `x-amz-request-id`, `x-amzn-RequestId`): the services keep names lower-case, and some clients match them verbatim.
 */
function spelled(result: AwsResponse, requestId: string): Record<string, string> {
  return s3Headers({ 'x-amz-request-id': requestId, 'x-amzn-requestid': requestId, ...result.headers });
}

function send(response: ServerResponse, result: AwsResponse, requestId: string): Promise<void> {
  const headers = spelled(result, requestId);
  const body = result.body;
  if (body instanceof Readable) {
    response.writeHead(result.status, headers);
    return pipeline(body, response).catch(() => {
      response.destroy();
    });
  }
  const buffer = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
  if (!('Content-Length' in headers)) headers['Content-Length'] = String(buffer.length);
  response.writeHead(result.status, headers).end(buffer);
  return Promise.resolve();
}

export async function startAwsEndpoint(options: EndpointOptions): Promise<LocalServer> {
  const { services, credentials, now, log } = options;

  async function serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<AwsResponse | undefined> {
    const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
    if (rawPath.startsWith('/_local/')) {
      const route = rawPath === '/_local/faults' && options.faults ? faultsRoute(options.faults) : options.localRoutes?.[rawPath];
      if (!route) return renderError('dynamodb', 'NotFound', 'No such local route.', 404, requestId);
      route(request, response);
      return undefined;
    }
    const sigRequest: SigV4Request = { method: request.method ?? 'GET', rawPath, rawQuery, headers: headersFromRaw(request.rawHeaders) };

    if (sigRequest.method === 'OPTIONS') {
      // A CORS preflight carries no credentials of its own (a browser repeats the presigned query of the
      // request it is about to make, signed for that method): S3 answers it from the bucket's CORS rules alone.
      return services.s3.handle({
        requestId,
        method: 'OPTIONS',
        rawPath,
        rawQuery,
        headers: sigRequest.headers,
        body: Readable.from([]),
        caller: null,
        region: options.region,
      });
    }
    let parsed: ParsedSigV4 | null;
    try {
      parsed = parseSigV4(sigRequest);
    } catch (error) {
      if (error instanceof SigV4Error) {
        const claimed = /\/([\w-]+)\/aws4_request/.exec(sigRequest.headers.authorization ?? decodeURIComponent(rawQuery))?.[1] ?? 's3';
        return protocolOf(claimed) === 's3'
          ? renderError('s3', error.code, error.message, error.status, requestId, error.extra)
          : failure(claimed, 'Malformed', requestId);
      }
      throw error;
    }
    const refused = parsed && scopeRefusal(parsed, options.region, requestId);
    if (refused) return refused;
    const service = parsed?.service ?? anonymousService(sigRequest);
    const protocol = protocolOf(service);
    const body = protocol === 's3' ? undefined : await readAll(request);
    let auth: Authenticated = { caller: null };
    if (parsed) {
      const result = authenticate(credentials, now, sigRequest, parsed, service, body, requestId);
      if ('status' in result) return result;
      auth = result;
    } else if (protocol === 'json' || service === 'iam') {
      return failure(service, 'Missing', requestId);
    }

    const key = options.faults ? faultKey(service, sigRequest.method, sigRequest.headers, rawQuery, body) : undefined;
    const fault = key ? options.faults!.take(...key) : undefined;
    if (fault?.kind === 'down') {
      request.socket.destroy();
      return undefined;
    }
    if (fault?.kind === 'throttle' || fault?.kind === 'fail') {
      const wording = faultAnswer(key![0], fault);
      return renderError(service, wording.code, wording.message, wording.status, requestId);
    }
    if (fault?.kind === 'slow') await delay(fault.delayMs);

    let s3Body;
    try {
      s3Body = protocol === 's3' ? s3BodyStream(request, sigRequest, parsed, auth.secret) : undefined;
    } catch (error) {
      if (error instanceof AwsError) return renderError(service, error.code, error.message, error.status, requestId, error.extra);
      throw error;
    }
    const awsRequest: AwsRequest = {
      requestId,
      method: sigRequest.method,
      rawPath,
      rawQuery,
      headers: sigRequest.headers,
      body: s3Body ?? Readable.from(body!),
      ...(s3Body?.trailers ? { checksums: s3Body.trailers } : {}),
      caller: auth.caller,
      region: parsed?.region ?? options.region,
    };
    log.debug('aws request', { requestId, service, method: awsRequest.method, path: rawPath, caller: auth.caller?.arn ?? 'anonymous' });
    try {
      if (fault?.kind === 'reset-mid-body') {
        await sendCut(response, await services.s3.handle(awsRequest), requestId, fault.afterBytes);
        return undefined;
      }
      if (fault?.kind === 'lose-answer' && service === 'dynamodb') {
        await services.dynamodb.handle(awsRequest, body!);
        request.socket.destroy();
        return undefined;
      }
      if (service === 's3' || service === 's3-object-lambda') return await services.s3.handle(awsRequest);
      if (service === 'sts') return await services.sts.handle(awsRequest, new URLSearchParams(body!.toString('utf8')));
      if (service === 'iam') return await services.iam.handle(awsRequest, new URLSearchParams(body!.toString('utf8')));
      if (service === 'dynamodb') return await services.dynamodb.handle(awsRequest, body!);
      if (service === 'kms') return await services.kms.handle(awsRequest, body!);
      return renderError(service, 'UnknownService', `The local endpoint does not emulate the ${service} service.`, 400, requestId);
    } catch (error) {
      if (error instanceof AwsError) return renderError(service, error.code, error.message, error.status, requestId, error.extra);
      if (error instanceof SigV4Error) return renderError(service, error.code, error.message, error.status, requestId, error.extra);
      throw error;
    } finally {
      // A request refused before its body was read (e.g. contradicting checksum headers): the rest is read and
      // dropped, as Node drops a body nobody piped. Piped into the verifier and left there, it would hold the
      // kept-alive connection, and the next request a client's pool (the proxy's) sends on it would never be read.
      // One refused part way (a chunk signature that does not match) will not be read on: its connection is
      // closed after the answer, as S3 closes it.
      if (s3Body && !s3Body.readableEnded && !s3Body.destroyed) s3Body.on('error', () => undefined).resume();
      else if (s3Body?.destroyed && !request.complete) response.setHeader('Connection', 'close');
    }
  }

  const server = createServer((request, response) => {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    // AWS's Date header is AWS's clock: SDKs correct their clock skew from it, so it must be the endpoint's own.
    response.setHeader('Date', now().toUTCString());
    serve(request, response, requestId)
      .then((result) => (result ? send(response, result, requestId) : undefined))
      .catch((error: Error) => {
        // A client gone before its body was whole (readAll fails with it): that request ends here, unanswered.
        if (request.destroyed && !request.complete) return void response.destroy();
        log.error('local aws endpoint failed', { requestId, errorName: error.name, errorMessage: error.message });
        if (!response.headersSent)
          void send(
            response,
            renderError('s3', 'InternalError', 'We encountered an internal error. Please try again.', 500, requestId),
            requestId,
          );
        else response.destroy();
      });
  });
  // Kept-alive connections stay open past Node's 5 s default. Under load this one process is slow to hand a
  // connection back to its clients' pools (the proxy's among them), and a server that closes it in the meantime
  // turns the next streamed upload on it into a reset no one can resend (seen as PutObject 503s in bench:load).
  server.keepAliveTimeout = 65_000;
  const url = await listen(server, options.host, options.port);
  return { url, server, close: () => closeServer(server) };
}
