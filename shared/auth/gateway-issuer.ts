/**
 * The gateway as an OpenID Connect identity provider (issue 14, `gateway-oidc` volumes): its issuer is the API's
 * public base URL, which serves the discovery document and the JWKS AWS IAM reads. For each STS call the gateway
 * mints a token for the volume (`sub` = `volume:<id>`, our audience, at most five minutes, a unique `jti`) through
 * the {@link GatewayTokenSigner} port, and the customer's role trusts exactly that subject and audience.
 */
import type { GatewayTokenSigner } from './gateway-token-signer';

/** What AWS names as the audience of web identity tokens by default; the customer's provider lists it as its client id. */
export const DEFAULT_GATEWAY_AUDIENCE = 'sts.amazonaws.com';
/** A minted token's life: long enough for one STS call, at most the port's five minutes. */
export const GATEWAY_TOKEN_SECONDS = 300;
export const JWKS_PATH = '/.well-known/jwks.json';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export interface GatewayIssuerSettings {
  /** The API's public base URL, no trailing `/`: `https://…` at AWS, `http://127.0.0.1:port` locally. */
  issuer: string;
  /** The `aud` of every token and the client id of the customer's provider. */
  audience: string;
}

/** The subject a volume's tokens carry and its role's trust policy pins. */
export const volumeSubject = (volumeId: string) => `volume:${volumeId}`;

export const jwksUri = (issuer: string) => `${issuer}${JWKS_PATH}`;

/** The discovery document (OpenID Connect Discovery 1.0) with what AWS IAM's OIDC provider reads. */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    jwks_uri: jwksUri(issuer),
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti'],
  };
}

export interface VolumeTokenRequest {
  volumeId: string;
  /** Our audience when absent; verify names another to prove the role refuses it. */
  audience?: string;
  sourceIdentity?: string;
  sessionTags?: Record<string, string>;
}

/** Mints the token of one STS call on behalf of a volume: what the domain is given (`VolumeDeps.gatewayTokens`). */
export interface VolumeTokenMinter {
  mint(request: VolumeTokenRequest): Promise<string>;
}

/** Over a signer, or a loader of one (the wiring imports the KMS client at the first token). */
export function volumeTokenMinter(
  signer: GatewayTokenSigner | (() => Promise<GatewayTokenSigner>),
  settings: Pick<GatewayIssuerSettings, 'audience'>,
): VolumeTokenMinter {
  const signerOf = async () => (typeof signer === 'function' ? signer() : signer);
  return {
    mint: async (request) =>
      (await signerOf()).sign({
        sub: volumeSubject(request.volumeId),
        aud: request.audience ?? settings.audience,
        lifetimeSeconds: GATEWAY_TOKEN_SECONDS,
        ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
        ...(request.sessionTags ? { sessionTags: request.sessionTags } : {}),
      }),
  };
}
