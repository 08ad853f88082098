/**
 * Whether a claim's credential scope names the endpoint it was sent to: its service, and a region the endpoint
 * serves. S3 refuses any other scope before it looks at the signature, in words that name what it expected, and
 * puts the region it expected in `<Region>`, which SDKs (botocore's region redirector) follow to sign again:
 *
 * - header form: 400 AuthorizationHeaderMalformed, "The authorization header is malformed; the region 'us-east-1'
 *   is wrong; expecting 'eu-west-1'" (e.g. github.com/minio/minio-go/issues/677, aws/aws-sdk-js#1786), and
 *   "…; incorrect service "sts". This endpoint belongs to "s3"." (the wording MinIO's api-errors.go quotes as S3's);
 * - presigned (query) form: 400 AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter;
 *   the region 'us-east-1' is wrong; expecting 'eu-central-1'" with `<Region>` (HHS/Head-Start-TTADP#370,
 *   ai-dock/comfyui#34), and "…; incorrect service "s4". This endpoint belongs to "s3"." (minio/minio#2385).
 */
import { SigV4Error } from './errors';
import type { ParsedSigV4 } from './parse';

function refusal(parsed: ParsedSigV4, why: string, extra: Record<string, string> = {}): SigV4Error {
  return parsed.form === 'header'
    ? new SigV4Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`, extra)
    : new SigV4Error('AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; ${why}`, extra);
}

/** Throws unless the scope names `service` (the endpoint's service: `s3` for the proxy and the local S3). */
export function checkScopeService(parsed: ParsedSigV4, service: string): void {
  if (parsed.service === service) return;
  throw refusal(parsed, `incorrect service "${parsed.service}". This endpoint belongs to "${service}".`);
}

/**
 * Throws unless the scope names `expected` or one of `alsoAccepted`; the refusal names `expected` (in its message
 * and `<Region>`), the region a client should sign for.
 */
export function checkScopeRegion(parsed: ParsedSigV4, expected: string, alsoAccepted: readonly string[] = []): void {
  if (parsed.region === expected || alsoAccepted.includes(parsed.region)) return;
  throw refusal(parsed, `the region '${parsed.region}' is wrong; expecting '${expected}'`, { Region: expected });
}
