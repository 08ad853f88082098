/**
 * AssumeRoleWithWebIdentity for a `gateway-oidc` volume: the gateway mints a token for the volume (`sub` =
 * `volume:<id>`) and hands it to STS with the session's name, policy and duration; the SourceIdentity and session
 * tags travel in the token, the only place STS reads them from on this call. No caller credentials, so no role
 * chaining: the session lives up to the role's maximum (12 hours).
 */
import type { VolumeTokenMinter } from '../auth/gateway-issuer';
import { DependencyMisconfigured } from '../errors';
import type { CredentialIssuer, TemporaryCredentials } from './ports';

/** STS's longest session, which gateway-oidc volumes' roles are set to allow (`update-role --max-session-duration`). */
export const GATEWAY_OIDC_MAX_SESSION_SECONDS = 43_200;

export interface GatewayOidcDeps {
  sts: CredentialIssuer;
  /** Absent when the deployment has no issuer: a gateway-oidc volume then cannot be reached. */
  gatewayTokens?: VolumeTokenMinter | undefined;
}

export interface GatewayAssumeRequest {
  roleArn: string;
  /** The subject the token names (`volume:<volumeId>`); verify names another volume's to prove it refused. */
  volumeId: string;
  audience?: string;
  sessionName: string;
  durationSeconds: number;
  sourceIdentity?: string;
  tags?: Record<string, string>;
  policy?: string;
  region: string;
  signal?: AbortSignal | undefined;
}

/**
 * A gateway-oidc volume reached where no token signer is wired (a front started without GATEWAY_ISSUER_URL): the
 * operator's mistake, never the caller's, so a 500 that says the service is misconfigured.
 */
export const gatewayIssuerNotWired = () =>
  new DependencyMisconfigured(
    'The service is not configured to reach gateway-oidc volumes (no gateway issuer here); an operator must look.',
    'ServiceMisconfigured',
    { cause: new Error('gatewayTokens is not wired: GATEWAY_ISSUER_URL and GATEWAY_SIGNING_KEY_ID are not set here') },
  );

export async function assumeWithGatewayToken(deps: GatewayOidcDeps, request: GatewayAssumeRequest): Promise<TemporaryCredentials> {
  if (!deps.gatewayTokens) throw gatewayIssuerNotWired();
  const webIdentityToken = await deps.gatewayTokens.mint({
    volumeId: request.volumeId,
    ...(request.audience !== undefined ? { audience: request.audience } : {}),
    ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
    ...(request.tags ? { sessionTags: request.tags } : {}),
  });
  return deps.sts.assumeRoleWithWebIdentity({
    roleArn: request.roleArn,
    sessionName: request.sessionName,
    webIdentityToken,
    durationSeconds: request.durationSeconds,
    ...(request.policy !== undefined ? { policy: request.policy } : {}),
    region: request.region,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}
