/**
 * `POST /volumes/{id}/credentials`: temporary credentials for one volume, in the shape AWS's
 * `credential_process` expects, plus where to point (bucket, prefix, region).
 *
 * The access defaults to the caller's effective data access; asking more is refused. Credentials come from the
 * cache, and are handed out only with at least 15 minutes of life left (half the duration for shorter ones):
 * botocore (boto3, the aws cli) renews credentials 15 minutes before they expire, so a credential with less left
 * would have it call `credential_process` again on every request.
 */
import { ValidationFailed } from '../errors';
import { countMetric } from '../metrics';
import { dataAccessOf } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { DataAccess } from '../volumes/model';
import { DEFAULT_SESSION_SECONDS, sessionSeconds, volumeCredentials } from './credentials';
import type { VendingDeps } from './deps';
import { audited, requireDataAccess } from './rules';

export interface VendInput {
  access?: DataAccess;
  durationSeconds?: number;
}

/** `credential_process` output (Version 1) and the volume's location. */
export interface VendedCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** ISO 8601. */
  Expiration: string;
  bucket: string;
  /** The volume's root inside the bucket, without a trailing `/`; `''` is the whole bucket. */
  prefix: string;
  region: string;
}

/** botocore's advisory refresh window. */
const SDK_RENEWAL_SECONDS = 15 * 60;

export function checkAccess(access: unknown): DataAccess | undefined {
  if (access === undefined || access === 'read' || access === 'write') return access;
  throw new ValidationFailed('access: must be "read" or "write".', 'access');
}

/**
 * Vends credentials for the volume. Errors: `VolumeNotFound` 404 (not a member), `VolumeNotActive` 409,
 * `MfaRequired` 403, `AccessExceedsMembership` 403, `ValidationFailed` 400 on `access`/`durationSeconds`,
 * `DurationExceedsRoleMaximum` 400, `SessionPolicyTooLarge` 400, `RoleRefused` 403, `StsUnavailable` 503.
 * Audited as `credentials.vend` for members, allowed or not.
 */
export async function vendCredentials(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  input: VendInput = {},
): Promise<VendedCredentials> {
  const asked = checkAccess(input.access);
  return audited(
    deps,
    caller,
    volumeId,
    'credentials.vend',
    ({ volume, member }) => ({
      access: asked ?? dataAccessOf(volume, member),
      durationSeconds: input.durationSeconds ?? DEFAULT_SESSION_SECONDS,
      cached: false,
    }),
    async (visible) => {
      const { volume, member } = visible;
      const access = asked ?? dataAccessOf(volume, member);
      requireDataAccess(caller, visible, access);
      const durationSeconds = sessionSeconds(volume, input.durationSeconds);
      const minRemainingSeconds = Math.min(SDK_RENEWAL_SECONDS, durationSeconds / 2);
      const { credentials, source } = await volumeCredentials(deps, caller, volume, { access, durationSeconds, minRemainingSeconds });
      countMetric('Vends');
      return {
        value: {
          Version: 1,
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: credentials.expiration.toISOString(),
          bucket: volume.bucket,
          prefix: volume.prefix,
          region: volume.region,
        },
        detail: { cached: source !== 'issued' },
      };
    },
  );
}
