/**
 * Wiring of the gateway's own OIDC issuer: its settings (`GATEWAY_ISSUER_URL`, `GATEWAY_TOKEN_AUDIENCE`), and the
 * signer over its KMS key (`GATEWAY_SIGNING_KEY_ID`, and `GATEWAY_PREVIOUS_SIGNING_KEY_ID` during a rotation). The
 * KMS client is imported at the first token or JWKS, so the discovery document's bundle carries none.
 */
import { type GatewayIssuerSettings, type VolumeTokenMinter, volumeTokenMinter } from '../auth/gateway-issuer';
import { type GatewayIssuerConfig, loadGatewayIssuerSettings } from '../auth/gateway-issuer-config';
import type { GatewayTokenSigner } from '../auth/gateway-token-signer';
import { ConfigError } from '../config';
import { wiringFailed } from './lazy';

type Env = Record<string, string | undefined>;

/** The signer over KMS, its module (and the KMS client) imported at the first call. */
export function lazyKmsSigner(settings: GatewayIssuerSettings, env: Env = process.env): () => Promise<GatewayTokenSigner> {
  const signingKeyId = env.GATEWAY_SIGNING_KEY_ID?.trim();
  const previousSigningKeyId = env.GATEWAY_PREVIOUS_SIGNING_KEY_ID?.trim() || undefined;
  let signer: Promise<GatewayTokenSigner> | undefined;
  return () => {
    // At the first token, not at the wiring: the routes that mint none (create, list…) work without the key.
    if (!signingKeyId) {
      return Promise.reject(wiringFailed(new ConfigError('GATEWAY_SIGNING_KEY_ID', 'is not set (required with GATEWAY_ISSUER_URL)')));
    }
    signer ??= Promise.all([import('@aws-sdk/client-kms'), import('../adapters/kms-token-signer')]).then(
      ([{ KMSClient }, { KmsTokenSigner }]) =>
        new KmsTokenSigner({
          client: new KMSClient({}),
          issuer: settings.issuer,
          signingKeyId,
          ...(previousSigningKeyId ? { previousSigningKeyId } : {}),
        }),
      (error: unknown) => {
        signer = undefined;
        throw error;
      },
    );
    return signer;
  };
}

export interface IssuerWiring {
  settings: GatewayIssuerConfig;
  signer: () => Promise<GatewayTokenSigner>;
}

/** The issuer of this deployment, or undefined when it has none (GATEWAY_ISSUER_URL unset). */
export function gatewayIssuerWiring(env: Env = process.env): IssuerWiring | undefined {
  const settings = loadGatewayIssuerSettings(env);
  return settings ? { settings, signer: lazyKmsSigner(settings, env) } : undefined;
}

/** The domain's token minter over the issuer's signer, or undefined when the deployment has no issuer. */
export function gatewayTokenMinter(wiring: IssuerWiring | undefined): VolumeTokenMinter | undefined {
  return wiring ? volumeTokenMinter(wiring.signer, wiring.settings) : undefined;
}
