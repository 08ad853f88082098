/**
 * A world for the unit tests of the proxy's core: the vending fakes (volumes, members, STS, the credential cache)
 * behind it, gateway keys and tokens it recognises, and an upstream that is the local S3 implementation itself,
 * in process (`test/local/aws/s3/helpers.ts`): S3's real answers, keys and listings, without sockets or IAM.
 * Client requests are signed with @smithy/signature-v4, as SDKs sign them.
 */

import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Identity } from '../../../shared/auth/identity';
import type { TokenVerifier } from '../../../shared/auth/token-verifier';
import { Unauthenticated } from '../../../shared/errors';
import { createLogger } from '../../../shared/log';
import { createProxyAudit } from '../../../shared/proxy/audit';
import { createForwardingCredentials } from '../../../shared/proxy/forwarding-credentials';
import { createProxy, type ProxyHandler } from '../../../shared/proxy/handle';
import type { GatewayKey } from '../../../shared/proxy/ports';
import type { ProxyRequest, ProxyResponse, Upstream, UpstreamRequest } from '../../../shared/proxy/types';
import { awsChunkedDecoder, isStreamingMode } from '../../../shared/sigv4';
import { uriEncode } from '../../../shared/sigv4/encoding';
import type { MemberAccess, Volume } from '../../../shared/volumes/model';
import { createVolumeLookup } from '../../../shared/volumes/volume-lookup';
import { type Harness, harness } from '../../local/aws/s3/helpers';
import { encode } from '../sigv4/helpers';
import { baseVolume, type VendingWorld, vendingWorld, volumeWith } from '../vending/fakes';

export const SECRET = 'gateway-secret-of-alice-0123456789abcdef';
export const KEY_ID = 'VGAKALICEALICEALICE2';

export interface ClientRequest {
  method?: string;
  /** Raw path, encoded as a client sends it. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** `UNSIGNED-PAYLOAD`, a STREAMING-* mode, or (default) the body's SHA-256. */
  payloadHash?: string;
  /** Signs with this key id and secret; `KEY_ID`/`SECRET` by default. */
  as?: { accessKeyId: string; secretAccessKey: string };
  presign?: boolean;
}

export interface ProxyWorld extends VendingWorld {
  proxy: ProxyHandler;
  s3: Harness;
  /** What went to S3. */
  sent: UpstreamRequest[];
  keys: Map<string, GatewayKey>;
  identities: Map<string, Identity>;
  logs: string[];
  volume: Volume;
  sign(request: ClientRequest): Promise<ProxyRequest>;
  send(request: ClientRequest): Promise<ProxyResponse>;
  cleanup(): Promise<void>;
}

export async function bodyText(response: ProxyResponse): Promise<string> {
  if (typeof response.body === 'string') return response.body;
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** An upstream that hands each request to the in-process local S3 and records it. */
function localS3Upstream(s3: Harness, sent: UpstreamRequest[]): Upstream {
  return {
    async send(request) {
      sent.push(request);
      // As the real forwarder: a body that fails on its way is the answer, whatever S3 made of the torn request.
      let bodyError: Error | undefined;
      if (request.body instanceof Readable) request.body.once('error', (error) => (bodyError ??= error));
      const path = `/${request.bucket}${request.key === undefined ? '' : `/${uriEncode(request.key, true)}`}`;
      const query = request.query.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&');
      // As the local S3 server does with an aws-chunked body: de-chunked, its trailer handed over as the checksums.
      let upload = request.body;
      let checksums: Promise<Record<string, string>> | undefined;
      if (isStreamingMode(request.payloadHash) && upload instanceof Readable) {
        const decoder = awsChunkedDecoder(
          { method: request.method, rawPath: path, rawQuery: query, headers: request.headers },
          null,
          request.payloadHash,
        );
        checksums = decoder.trailers;
        upload = pipeline(upload, decoder, () => undefined);
      }
      const response = await s3.send({
        method: request.method,
        path,
        query,
        headers: request.headers,
        ...(upload ? { body: upload } : {}),
        ...(checksums ? { checksums } : {}),
      });
      if (bodyError) throw bodyError;
      const body = response.body;
      return {
        status: response.status,
        headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        body: body instanceof Readable ? body : Readable.from(body === undefined ? [] : [Buffer.from(body)]),
      };
    },
  };
}

export async function proxyWorld(
  members: Record<string, MemberAccess> = { carol: 'read' },
  overrides: Partial<Volume> = {},
): Promise<ProxyWorld> {
  const vw = vendingWorld();
  const volume = await volumeWith(vw, members, overrides);
  const s3 = await harness();
  await s3.send({ method: 'PUT', path: `/${volume.bucket}` });
  const sent: UpstreamRequest[] = [];
  const keys = new Map<string, GatewayKey>([
    [KEY_ID, { accessKeyId: KEY_ID, secretAccessKey: SECRET, subject: 'alice', expiresAt: new Date('2030-01-01'), authMethods: ['pwd'] }],
  ]);
  const identities = new Map<string, Identity>();
  const verifier: TokenVerifier = {
    async verify(token) {
      if (token.includes('.expired.')) throw new Unauthenticated('TokenExpired', 'The token has expired; sign in again to get a new one.');
      const identity = identities.get(token);
      if (!identity) throw new Unauthenticated('InvalidSignature', 'The token signature is not valid.');
      return identity;
    },
  };
  const logs: string[] = [];
  const proxy = createProxy({
    credentials: createForwardingCredentials(vw.deps),
    repo: vw.repo,
    clock: vw.clock,
    accessKeys: { resolve: async (id) => keys.get(id) },
    verifier,
    lookup: createVolumeLookup({ repo: vw.repo, clock: vw.clock, ttlMs: 0 }),
    audit: createProxyAudit({ audit: vw.audit, clock: vw.clock }),
    upstream: localS3Upstream(s3, sent),
    logger: createLogger({}, { level: 'debug', write: (line) => logs.push(line), now: () => vw.clock.now() }),
  });

  let n = 0;
  const sign = async (r: ClientRequest): Promise<ProxyRequest> => {
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    const as = r.as ?? { accessKeyId: KEY_ID, secretAccessKey: SECRET };
    const payloadHash = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
    const question = r.path.indexOf('?');
    const signer = new SignatureV4({
      credentials: as,
      region: 'us-east-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const unsigned = new HttpRequest({
      method: r.method ?? 'GET',
      hostname: 'proxy.test',
      path: question < 0 ? r.path : r.path.slice(0, question),
      query: r.query ?? {},
      headers: {
        host: 'proxy.test',
        // As the S3 presigner does: the payload is unsigned, and the header is hoisted into the query.
        'x-amz-content-sha256': r.presign ? 'UNSIGNED-PAYLOAD' : payloadHash,
        ...(body.length > 0 || r.method === 'PUT' || r.method === 'POST' ? { 'content-length': String(body.length) } : {}),
        ...(r.headers ?? {}),
      },
    });
    const signed = r.presign
      ? await signer.presign(unsigned, { signingDate: vw.clock.now(), expiresIn: 300 })
      : await signer.sign(unsigned, { signingDate: vw.clock.now() });
    const rawQuery = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encode(name)}=${encode(String(value ?? ''))}`)
      .join('&');
    return {
      method: signed.method,
      rawPath: signed.path,
      rawQuery,
      headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: Readable.from(body.length ? [body] : []),
      requestId: `REQ-${++n}`,
    };
  };
  return {
    ...vw,
    proxy,
    s3,
    sent,
    keys,
    identities,
    logs,
    volume,
    sign,
    send: async (r) => proxy(await sign(r)),
    cleanup: () => s3.cleanup(),
  };
}

export { baseVolume };
