/** What the volume functions are given: the ports, the settings, and who is calling. */
import type { VolumeTokenMinter } from '../auth/gateway-issuer';
import type { SetupSettings } from './policies';
import type { AuditLog, Clock, CredentialIssuer, IdSource, ObjectProbe, VolumeRepository } from './ports';
import type { VolumeLookup } from './volume-lookup';

export interface VolumeSettings extends SetupSettings {
  /** How long the verification probes' sessions last; 900 s (the STS minimum) when absent. */
  probeSessionSeconds?: number;
}

export interface VolumeDeps {
  repo: VolumeRepository;
  audit: AuditLog;
  sts: CredentialIssuer;
  s3: ObjectProbe;
  clock: Clock;
  ids: IdSource;
  settings: VolumeSettings;
  /**
   * The hot paths' reads (vending, presigning, uploads, the proxy), kept a few seconds per warm container
   * (`volume-lookup.ts`); absent, they read `repo` every time.
   */
  lookup?: VolumeLookup;
  /** Mints the gateway's own tokens for gateway-oidc volumes; absent where the deployment has no issuer (GATEWAY_ISSUER_URL). */
  gatewayTokens?: VolumeTokenMinter;
}

/** The caller, from the verified token, for one request. */
export interface Caller {
  subject: string;
  /** The caller's own token, for AssumeRoleWithWebIdentity; never logged, stored or returned. */
  token: string;
  authMethods: string[];
  requestId: string;
  signal?: AbortSignal;
}
