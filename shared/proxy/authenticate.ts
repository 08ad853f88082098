/**
 * Who is calling, from the raw request, in the order the refusals must come:
 *
 * - `Authorization: Bearer …` → 401: this is an S3 endpoint, the message says what to use instead.
 * - no SigV4 at all → 403 AccessDenied; malformed SigV4 → S3's own code for it, including an `x-amz-*` header
 *   the signature does not list (`parseSigV4`; in both modes below, so a leaked presigned URL cannot be extended).
 * - a credential scope for another service than `s3` → 400 AuthorizationHeaderMalformed (or
 *   AuthorizationQueryParametersError), before anything else looks at the claim. The region is checked once the
 *   volume is known ({@link checkSigningRegion}).
 * - an access key id that is a JWT (Gen3-compatible) → the token is verified, the signature is NOT: any secret
 *   signs. This is the weaker option: the token travels in every request (as the key id, in clear text inside
 *   the Authorization header or a presigned URL's query), anyone who holds it can sign, and the proxy cannot tell
 *   a modified request from the original. Its life is the token's (presigned URLs' X-Amz-Expires is not checked).
 * - any other access key id → a gateway access key through the resolver: unknown, revoked or expired keys get
 *   InvalidAccessKeyId, and the whole signature (header or presigned form, within S3's time rules) is verified
 *   with the key's secret; the body's chunk signatures are checked as the body flows (`body.ts`).
 */
import type { TokenVerifier } from '../auth/token-verifier';
import { AppError } from '../errors';
import { checkScopeRegion, checkScopeService, type ParsedSigV4, parseSigV4, verifySigV4 } from '../sigv4';
import type { Clock } from '../volumes/ports';
import { anonymousRefused, bearerRefused, S3Refusal, unknownAccessKey } from './errors';
import type { AccessKeyResolver, GatewayKey } from './ports';
import type { ProxyRequest } from './types';

export interface Principal {
  via: 'gateway-key' | 'jwt';
  subject: string;
  /** `amr` of the token, or the methods recorded when the gateway key was created. */
  authMethods: string[];
  /** JWT mode only: the token, for web-identity volumes. Never logged. */
  token?: string;
  /** A gateway key limited to these volume ids. */
  volumeIds?: string[];
  /** When the gateway key was read from the store (its cached resolution); see `volume-access.ts`'s `openVolume`. */
  resolvedAt?: Date;
  /** A gateway key held to these grants inside its volumes (`volume-access.ts`'s `scopeFor`). */
  scopes?: GatewayKey['scopes'];
  /** Gateway keys only (ids are not secret); a JWT is never put here. */
  accessKeyId?: string;
}

export interface Authenticated {
  principal: Principal;
  parsed: ParsedSigV4;
  /** The gateway key's secret, to verify the body's chunk signatures; undefined in JWT mode. */
  secret?: string;
}

export interface AuthDeps {
  accessKeys: AccessKeyResolver;
  verifier: TokenVerifier;
  clock: Clock;
}

const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;

export const looksLikeJwt = (accessKeyId: string): boolean => JWT.test(accessKeyId);

export async function authenticate(deps: AuthDeps, req: ProxyRequest): Promise<Authenticated> {
  if (/^\s*bearer(\s|$)/i.test(req.headers.authorization ?? '')) throw bearerRefused();
  const parsed = parseSigV4(req);
  if (!parsed) throw anonymousRefused();
  checkScopeService(parsed, 's3');
  if (looksLikeJwt(parsed.accessKeyId)) return { principal: await fromToken(deps, parsed.accessKeyId), parsed };
  const key = await deps.accessKeys.resolve(parsed.accessKeyId);
  if (!key) throw unknownAccessKey();
  verifySigV4(req, parsed, key.secretAccessKey, { now: deps.clock.now() });
  const principal: Principal = {
    via: 'gateway-key',
    subject: key.subject,
    authMethods: key.authMethods,
    accessKeyId: key.accessKeyId,
    ...(key.volumeIds ? { volumeIds: key.volumeIds } : {}),
    ...(key.scopes ? { scopes: key.scopes } : {}),
    ...(key.resolvedAt ? { resolvedAt: key.resolvedAt } : {}),
  };
  return { principal, parsed, secret: key.secretAccessKey };
}

/**
 * The regions a request naming a volume may be signed for. The proxy is one endpoint for volumes in every region:
 * clients are told to sign for the volume's region (GetBucketLocation answers it, the Nextflow config sets it),
 * and us-east-1, S3's default that clients fall back to when no region is configured (rclone's `provider =
 * Other`, the JS SDK's and boto3's global S3), is taken for any volume. Anything else is refused as S3 refuses a
 * scope for the wrong region, naming the volume's region, which botocore follows to sign again. GetBucketLocation
 * is exempt: it is how a client learns the region. Requests naming no volume (ListBuckets) take any region.
 */
export const FALLBACK_SIGNING_REGION = 'us-east-1';

export function checkSigningRegion(parsed: ParsedSigV4, volumeRegion: string): void {
  checkScopeRegion(parsed, volumeRegion, [FALLBACK_SIGNING_REGION]);
}

/** The token's identity; its refusals in S3's words (an expired token is ExpiredToken, as for AWS's session tokens). */
async function fromToken(deps: AuthDeps, token: string): Promise<Principal> {
  try {
    const identity = await deps.verifier.verify(token);
    return { via: 'jwt', subject: identity.subject, authMethods: identity.authMethods, token };
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 401) throw error;
    if (error.code === 'TokenExpired')
      throw new S3Refusal(
        400,
        'ExpiredToken',
        `The token used as the access key id has expired; sign in again, or use a gateway access key (POST /access-keys), which lives ` +
          `up to 30 days.`,
      );
    throw new S3Refusal(
      403,
      'InvalidAccessKeyId',
      `The token used as the access key id was not accepted (${error.code}): ${error.message}`,
    );
  }
}
