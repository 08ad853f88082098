/**
 * The forwarder: signs each request with the volume's role credentials (`@smithy/signature-v4`, as the SDKs
 * sign; nothing hand-rolled) for S3's path-style endpoint, `https://s3.<region>.amazonaws.com` unless an endpoint
 * is configured, and streams the body out and the answer back over keep-alive connections.
 *
 * Failures: S3 unreachable, or silent for `idleTimeoutMs`, is `S3Unavailable` (503, which S3 clients retry); a
 * request body that fails on the way (a bad chunk signature, a wrong trailing checksum) abandons the request to
 * S3 and rejects with that failure; an abandoned request (client gone, function timing out) is `RequestTimeout`.
 * Once S3 has answered, later failures of the upload (S3 answered early, with an error) are S3's answer's business.
 */

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DependencyUnavailable } from '../../errors';
import { uriEncode } from '../../sigv4/encoding';
import type { Clock } from '../../volumes/ports';
import { S3Refusal } from '../errors';
import type { Upstream, UpstreamRequest, UpstreamResponse } from '../types';

export interface HttpUpstreamOptions {
  clock: Clock;
  /** Replaces S3's regional endpoint (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`); requests stay path-style. */
  endpoint?: string;
  /** Open connections per S3 endpoint for requests that do not stream a client's body; no cap when absent. */
  maxSockets?: number;
  /** A connection silent this long is given up; 300,000 ms when absent. */
  idleTimeoutMs?: number;
}

/** S3's regional endpoint, or the configured one. */
export function s3Endpoint(region: string, override?: string): URL {
  if (override) return new URL(override);
  return new URL(`https://s3.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}

/** The URL path of a path-style request: the bucket, then the key encoded once (slashes kept). */
export function upstreamPath(base: URL, bucket: string, key: string | undefined): string {
  const root = base.pathname.replace(/\/+$/, '');
  return `${root}/${uriEncode(bucket)}${key === undefined ? '' : `/${uriEncode(key, true)}`}`;
}

function flatHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const unreachable = (why: string) => new DependencyUnavailable(`S3 did not answer (${why}); try again shortly.`, 'S3Unavailable');
const abandoned = () =>
  new S3Refusal(400, 'RequestTimeout', 'The request was abandoned before S3 answered (the client went away, or the time allowed ran out).');

/**
 * SHA-256 and HMAC-SHA256 for the signer from Node's crypto (native), as the SDK's own Node runtime hands
 * `SignatureV4`: the pure-JS `@aws-crypto/sha256-js` cost about 0.1 ms of every request's signing.
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;
/** The data as Node's crypto takes it, without copying. */
const bytesOf = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Buffer | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytesOf(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export async function signUpstream(request: UpstreamRequest, endpoint: URL, signingDate: Date) {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const { credentials } = request;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    region: request.region,
    service: 's3',
    sha256: NodeSha256,
    // S3 signs the path as sent (encoded once, never normalised): the path below is exactly that.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: upstreamPath(endpoint, request.bucket, request.key),
    query,
    headers: { ...request.headers, host: endpoint.host, 'x-amz-content-sha256': request.payloadHash },
  });
  return signer.sign(unsigned, { signingDate });
}

/**
 * Resolves once a streamed body has its first bytes (or has ended, or failed). Until then no connection to S3 is
 * taken: a client that sent its headers and stalled holds none of the pool.
 */
function bodyStarted(body: Readable): Promise<void> {
  if (body.readableLength > 0 || body.readableEnded || body.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const started = () => {
      for (const event of ['readable', 'end', 'error', 'close']) body.off(event, started);
      resolve();
    };
    for (const event of ['readable', 'end', 'error', 'close']) body.once(event, started);
  });
}

/**
 * Connections to S3 come from two pools. A request that streams a client's body (an upload) holds its connection
 * for as long as its client takes to send: a stalled client up to the front's body idle timeout (20 s on the Node
 * front). A cap on those would only make every upload (and, in one shared pool, every read) wait behind stalled
 * ones, while the number of uploads in flight is bounded anyway by the clients' own connections; so uploads get a
 * pool without a cap, and none is taken before the client's body has started (`bodyStarted`). Everything else
 * (reads, listings, the small requests every client needs) shares kept-alive connections, capped only when
 * `maxSockets` says so: an answer streamed to a client that reads slowly holds its connection as long as the
 * client takes, so a default cap would let a few dozen slow readers hold every connection the others need.
 */
export function createHttpUpstream(options: HttpUpstreamOptions): Upstream {
  const maxSockets = options.maxSockets ?? Infinity;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const pool = (max: number) => ({
    http: new HttpAgent({ keepAlive: true, maxSockets: max }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: max }),
  });
  const pools = { uploads: pool(Infinity), others: pool(maxSockets) };

  return {
    async send(request: UpstreamRequest): Promise<UpstreamResponse> {
      request.signal?.throwIfAborted();
      const endpoint = s3Endpoint(request.region, options.endpoint);
      const signed = await signUpstream(request, endpoint, options.clock.now());
      const search = request.query.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&');
      const https = endpoint.protocol === 'https:';
      let body = request.body;
      if (request.headers['content-length'] === '0' && body !== undefined && !Buffer.isBuffer(body)) {
        // A declared empty body is read to its end first (its checks, e.g. chunk signatures, still run), then
        // sent as nothing: such a request can be sent again.
        for await (const chunk of body) if ((chunk as Buffer).length > 0) throw unreachable('an empty body yielded bytes');
        body = undefined;
      }
      if (body instanceof Readable) {
        await bodyStarted(body);
        // A body that failed before it started (the client stalled or left) is the answer; S3 is never asked.
        if (body.errored) throw body.errored;
      }
      const agents = body instanceof Readable ? pools.uploads : pools.others;
      let staleSocket = false;
      const attempt = () =>
        new Promise<UpstreamResponse>((resolve, reject) => {
          let answered = false;
          let bodyError: Error | undefined;
          const fail = (error: Error) => {
            if (answered) return;
            answered = true;
            reject(bodyError ?? (request.signal?.aborted ? abandoned() : error));
          };
          const outgoing: ClientRequest = (https ? httpsRequest : httpRequest)({
            method: request.method,
            hostname: endpoint.hostname,
            port: endpoint.port || (https ? 443 : 80),
            path: `${signed.path}${search ? `?${search}` : ''}`,
            headers: signed.headers,
            agent: https ? agents.https : agents.http,
            ...(request.signal ? { signal: request.signal } : {}),
          });
          outgoing.setTimeout(idleTimeoutMs, () => outgoing.destroy(unreachable(`no answer for ${idleTimeoutMs / 1000} s`)));
          outgoing.on('error', (error: NodeJS.ErrnoException) => {
            // A kept-alive socket the server closed just as we reused it: the request never reached S3.
            if (outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) staleSocket = true;
            fail(error instanceof DependencyUnavailable ? error : unreachable(error.code ?? error.message));
          });
          outgoing.on('response', (incoming) => {
            if (answered) return void incoming.resume();
            answered = true;
            incoming.setTimeout(idleTimeoutMs, () => incoming.destroy(unreachable(`the answer stalled for ${idleTimeoutMs / 1000} s`)));
            resolve({ status: incoming.statusCode ?? 502, headers: flatHeaders(incoming), body: incoming });
          });
          if (body === undefined) outgoing.end();
          else if (Buffer.isBuffer(body)) outgoing.end(body);
          else {
            // Registered before the pipeline's own listener: the body's failure is known before the socket's.
            body.once('error', (error) => (bodyError ??= error));
            pipeline(body, outgoing, (error) => {
              if (error) fail(error);
            });
          }
        });
      try {
        return await attempt();
      } catch (error) {
        // Only a body we still hold (none, or a buffer) can be sent again; a stream has been consumed.
        const replayable = body === undefined || Buffer.isBuffer(body);
        if (!staleSocket || !replayable || request.signal?.aborted) throw error;
        staleSocket = false;
        return attempt();
      }
    },
  };
}
