/**
 * The proxy's core speaks one neutral request and response, so that both fronts (the Lambda function URL and
 * the Node HTTP server) adapt to it and nothing in between knows which one it runs behind.
 */
import type { Readable } from 'node:stream';
import type { TemporaryCredentials } from '../volumes/ports';

/** One S3 request exactly as the client sent it. */
export interface ProxyRequest {
  method: string;
  /** Still percent-encoded, as on the request line: SigV4 for S3 signs it so, and keys are decoded from it once. */
  rawPath: string;
  /** Without the leading `?`, still encoded. */
  rawQuery: string;
  /** Lower-case names from the raw headers; a repeated header's values joined with `,` (see `headersFromRaw`). */
  headers: Record<string, string>;
  body: Readable;
  /** Ours: answered as `x-amz-request-id` and on every log line and audit event about the request. */
  requestId: string;
  /** Aborts when the client goes away or the function is about to time out. */
  signal?: AbortSignal;
  /** Where clients reach this front (`https://host`), for the `Location` a completed upload names; `http://` + Host when absent. */
  origin?: string;
}

export interface ProxyResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** A string (S3 XML documents, empty for HEAD) or the upstream body, streamed. */
  body: Readable | string;
}

/** What the front can carry, so the core can refuse early what would break on the way back. */
export interface FrontLimits {
  /** Largest response body the front delivers whole (a function URL streams at most 200 MB); none when absent. */
  maxResponseBytes?: number;
  /** Named in refusals, e.g. "the Lambda function URL". */
  name?: string;
  /**
   * The front's process keeps running between requests (the Node front): its metrics are summed across requests
   * and written each second and when it stops (`ProxyHandler.flushMetrics`). Absent: one document per request,
   * written before the answer is returned, as a Lambda invocation (frozen once it returns) needs.
   */
  longRunning?: boolean;
}

/** A request to real S3, before signing: the forwarder's port. */
export interface UpstreamRequest {
  method: string;
  region: string;
  bucket: string;
  /** The full key (volume prefix included); absent for bucket-level requests. */
  key?: string;
  /** Decoded names and values, in order; names without a value (`uploads`) have `''`. */
  query: Array<[string, string]>;
  /** Lower-case names; `host`, `authorization`, `x-amz-date`, `x-amz-security-token` are the signer's. */
  headers: Record<string, string>;
  /** Absent: an empty body. */
  body?: Readable | Buffer;
  /** `x-amz-content-sha256` to sign: `UNSIGNED-PAYLOAD` or the hex SHA-256 of the body. */
  payloadHash: string;
  credentials: TemporaryCredentials;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Readable;
}

/**
 * Signs a request with the volume's role credentials and sends it to S3, streaming both ways. Rejects with
 * `DependencyUnavailable` (503) when S3 cannot be reached, and with the request body's own error when the
 * body fails (a bad chunk signature) before S3 answered.
 */
export interface Upstream {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
}
