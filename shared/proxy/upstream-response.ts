/**
 * S3's answer, as the client gets it: bodies of objects stream through untouched (HEAD keeps S3's real
 * Content-Length), while XML documents that name keys or the bucket (results, listings, errors) are read whole,
 * which they are small enough for, and rewritten (`response-rewrite.ts`). A redirect from S3 means the volume
 * names the wrong region: that is ours to fix, not the client's to follow.
 */
import { DependencyUnavailable } from '../errors';
import { s3ErrorXml } from '../s3/error-xml';
import { readAll } from './body';
import { S3Refusal } from './errors';
import { returnedHeaders } from './headers';
import type { Operation } from './operations';
import { errorCode, type RewriteContext, rewriteResponse } from './response-rewrite';
import type { FrontLimits, ProxyResponse, UpstreamResponse } from './types';

/** Listings of 1,000 keys of 1 KiB with owners fit easily. */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

export interface Answered {
  response: ProxyResponse;
  /** S3's error code when it refused. */
  s3Code?: string;
  /** S3's own request id, for the log (support cases at AWS need it). */
  upstreamRequestId?: string;
}

const tooLargeXml = () => new Error(`S3 answered with an XML document over ${MAX_XML_BYTES} bytes`);

/**
 * An XML document (a result, a listing, an error) read whole. S3 cutting it short (a reset, a stall) is S3 not
 * answering: 503 S3Unavailable, which clients retry, as for a request S3 never answered; never a 500 of ours.
 */
async function readXml(upstream: UpstreamResponse): Promise<string> {
  try {
    return (await readAll(upstream.body, MAX_XML_BYTES, tooLargeXml)).toString('utf8');
  } catch (error) {
    if (error instanceof DependencyUnavailable || !upstream.body.errored) throw error;
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DependencyUnavailable(`S3's answer was cut short (${why}); try again shortly.`, 'S3Unavailable', { cause: error });
  }
}

function tooLargeForFront(limits: FrontLimits, size: number): S3Refusal {
  return new S3Refusal(
    400,
    'InvalidRequest',
    `This response would be ${size} bytes, more than the ${limits.maxResponseBytes} that ${limits.name ?? 'this endpoint'} can return ` +
      `in one response. Read it through the proxy's Node endpoint (the one for S3 clients), which has no such limit, or in ranged ` +
      `GETs of at most ${limits.maxResponseBytes} bytes each.`,
  );
}

/** An error document as the client may see it; one we cannot read is replaced by our own, with S3's code if any. */
function rewrittenError(raw: string, status: number, ctx: RewriteContext): string {
  try {
    if (raw.trimStart().startsWith('<')) return rewriteResponse(raw, ctx);
  } catch {
    // falls through to a document of our own
  }
  const code = errorCode(raw) || (status >= 500 ? 'InternalError' : 'InvalidRequest');
  return s3ErrorXml(code, `S3 answered ${status} (${code}).`, ctx.requestId);
}

export async function answer(
  method: string,
  operation: Operation,
  upstream: UpstreamResponse,
  ctx: RewriteContext,
  limits: FrontLimits,
): Promise<Answered> {
  const upstreamRequestId = upstream.headers['x-amz-request-id'];
  const headers = returnedHeaders(upstream.headers, ctx.requestId);
  const { status } = upstream;
  if (status === 301 || status === 307) {
    upstream.body.resume();
    throw new S3Refusal(
      500,
      'InternalError',
      "S3 redirected the request: the volume's bucket is not in the region the volume names. Ask the volume's admin to register it " +
        "again with the bucket's region.",
    );
  }
  if (method === 'HEAD' || status === 204 || status === 304) {
    upstream.body.resume();
    const s3Code = status >= 400 ? (upstream.headers['x-amz-error-code'] ?? String(status)) : undefined;
    return { response: { status, headers, body: '' }, ...(s3Code ? { s3Code } : {}), upstreamRequestId };
  }
  const isError = status >= 300;
  if (isError || operation.xmlResult) {
    const raw = await readXml(upstream);
    const xml = isError ? rewrittenError(raw, status, ctx) : rewriteResponse(raw, ctx);
    headers['content-length'] = String(Buffer.byteLength(xml));
    const s3Code = isError ? errorCode(raw) || String(status) : raw.includes('<Error>') ? errorCode(raw) : undefined;
    return { response: { status, headers, body: xml }, ...(s3Code ? { s3Code } : {}), upstreamRequestId };
  }
  const length = Number(upstream.headers['content-length']);
  if (limits.maxResponseBytes !== undefined && Number.isFinite(length) && length > limits.maxResponseBytes) {
    upstream.body.destroy();
    throw tooLargeForFront(limits, length);
  }
  return { response: { status, headers, body: upstream.body }, upstreamRequestId };
}
