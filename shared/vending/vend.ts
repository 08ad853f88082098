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
import { checkPrefix } from './prefix';
import { audited, requireDataAccess } from './rules';
import { narrowedPrefix } from './session-policy';

export interface VendInput {
  access?: DataAccess;
  durationSeconds?: number;
  /** Narrows the credentials to `root/prefix*`: relative to the volume's root, ending in `/` (see `prefix.ts`). */
  prefix?: string;
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
  /**
   * The volume's root inside the bucket, without a trailing `/`; `''` is the whole bucket. With a narrowed `prefix`
   * asked, the full narrowed prefix instead: root + prefix (e.g. `data/runs/42/`), what the credentials cover.
   */
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
 * `DurationExceedsRoleMaximum` 400, `ValidationFailed` 400 on `prefix` (see `prefix.ts`), `SessionPolicyTooLarge` 400,
 * `RoleRefused` 403, `StsUnavailable` 503.
 * Audited as `credentials.vend` for members, allowed or not.
 */
export async function vendCredentials(
  deps: VendingDeps,
  caller: Caller,
  volumeId: string,
  input: VendInput = {},
): Promise<VendedCredentials> {
  const asked = checkAccess(input.access);
  checkPrefix(undefined, input.prefix);
  return audited(
    deps,
    caller,
    volumeId,
    'credentials.vend',
    ({ volume, member }) => ({
      access: asked ?? dataAccessOf(volume, member),
      durationSeconds: input.durationSeconds ?? DEFAULT_SESSION_SECONDS,
      ...(input.prefix === undefined ? {} : { prefix: input.prefix.slice(0, 256) }),
      cached: false,
    }),
    async (visible) => {
      const { volume, member } = visible;
      const access = asked ?? dataAccessOf(volume, member);
      requireDataAccess(caller, visible, access);
      const durationSeconds = sessionSeconds(volume, input.durationSeconds);
      const prefix = checkPrefix(volume, input.prefix);
      const minRemainingSeconds = Math.min(SDK_RENEWAL_SECONDS, durationSeconds / 2);
      const { credentials, source } = await volumeCredentials(deps, caller, volume, {
        access,
        durationSeconds,
        minRemainingSeconds,
        ...(prefix === undefined ? {} : { prefix }),
      });
      countMetric('Vends');
      return {
        value: {
          Version: 1,
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: credentials.expiration.toISOString(),
          bucket: volume.bucket,
          prefix: prefix === undefined ? volume.prefix : narrowedPrefix(volume, prefix),
          region: volume.region,
        },
        detail: { cached: source !== 'issued' },
      };
    },
  );
}
