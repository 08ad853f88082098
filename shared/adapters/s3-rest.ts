/**
 * One S3 REST request with a caller's temporary credentials, without the S3 client: the object endpoint from S3's
 * rules (`s3-endpoint.ts`), signed with SigV4 by the SDK's own `SignatureV4` (with `x-amz-content-sha256`, as S3
 * requires), sent by the SDK's `NodeHttpHandler`, S3's XML answer read by the SDK's XML parser: the pieces every
 * bundle with an STS or DynamoDB client already has. The S3 client would add its operation schemas, middleware and
 * checksums (~120 KB) to the few calls the multipart store makes.
 *
 * As the S3 client: a failure is an error with S3's `Code` (`name`) and `message` and the HTTP status in
 * `$metadata.httpStatusCode` (what `aws-errors.ts` reads); a 200 whose body is an `<Error>` (S3 can answer
 * CompleteMultipartUpload so) is that error with status 503; transient failures (no answer, 5xx, 429, throttling)
 * are tried again up to `maxAttempts` calls in all (default 3) after a jittered exponential delay; an abort is the
 * handler's AbortError, at once.
 */
import { parseXML } from '@aws-sdk/xml-builder';
import { Sha256 } from '@smithy/core/checksum';
import { streamCollector } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { TemporaryCredentials } from '../volumes/ports';
import { encodeKey, type S3EndpointSettings, s3ObjectEndpoint } from './s3-endpoint';

export interface S3RestOptions extends S3EndpointSettings {
  /** Calls per request, retries included (default 3, as the SDK's). */
  maxAttempts?: number;
}

export interface S3RestRequest {
  method: 'GET' | 'POST' | 'DELETE';
  bucket: string;
  key: string;
  region: string;
  query: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** S3's XML answer: its root element by name, with its child elements' text (or elements) by name. */
export type S3Answer = Record<string, Record<string, unknown> | undefined>;

/** An S3 failure in the S3 client's shape. */
export class S3RestError extends Error {
  readonly Code: string;
  readonly $metadata: { httpStatusCode?: number };
  constructor(code: string, message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status };
  }
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'InternalError']);
const isTransient = (error: S3RestError) => {
  const status = error.$metadata.httpStatusCode;
  return status === undefined || status >= 500 || status === 429 || THROTTLING.has(error.Code);
};

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** The handler every store shares (its agent keeps connections alive across calls and credentials). */
let shared: NodeHttpHandler | undefined;

/** S3's answer, parsed (`{ RootElement: {...} }`, empty for an empty body), or the S3RestError it stands for. */
export async function s3Request(
  options: S3RestOptions,
  credentials: TemporaryCredentials,
  request: S3RestRequest,
  signal?: AbortSignal,
): Promise<S3Answer> {
  const endpoint = s3ObjectEndpoint(request.bucket, request.region, options);
  const signer = new SignatureV4({
    service: 's3',
    region: request.region,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: true,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
  });
  const body = request.body ?? '';
  const attempts = Math.max(1, options.maxAttempts ?? 3);
  shared ??= new NodeHttpHandler();
  for (let attempt = 1; ; attempt++) {
    const unsigned = new HttpRequest({
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port,
      method: request.method,
      path: `${endpoint.basePath}/${encodeKey(request.key)}`,
      query: request.query,
      headers: {
        host: `${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`,
        ...(request.method === 'POST' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...(request.headers ?? {}),
      },
      ...(body ? { body } : {}),
    });
    let failure: S3RestError;
    try {
      const signed = await signer.sign(unsigned);
      const { response } = await shared.handle(signed as HttpRequest, { abortSignal: signal });
      const text = new TextDecoder().decode(await streamCollector(response.body));
      const parsed: S3Answer = text.trim() ? parseXML(text) : {};
      const error = parsed.Error as { Code?: string; Message?: string } | undefined;
      if (response.statusCode >= 200 && response.statusCode < 300 && !error) return parsed;
      const status = response.statusCode < 300 ? 503 : response.statusCode;
      failure = new S3RestError(error?.Code || `Http${status}`, error?.Message || `S3 answered ${status}.`, status);
    } catch (error) {
      if (signal?.aborted || (error as Error)?.name === 'AbortError') throw error;
      failure = new S3RestError((error as { code?: string })?.code || 'NetworkingError', 'S3 did not answer.', undefined, { cause: error });
    }
    if (attempt >= attempts || !isTransient(failure)) throw failure;
    await sleep(Math.random() * Math.min(20_000, 100 * 2 ** attempt), signal);
    if (signal?.aborted) throw signal.reason;
  }
}
