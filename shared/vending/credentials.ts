/**
 * Credentials for one member's access to one volume, through the cache: AssumeRole with the volume's external
 * id for `role` volumes, AssumeRoleWithWebIdentity with the caller's own token for `web-identity` volumes and with
 * a token the gateway mints for the volume (`sub` = `volume:<id>`) for `gateway-oidc` volumes, each narrowed by the
 * session policy of the access. The caller's subject goes where CloudTrail shows it: the role
 * session name, the SourceIdentity (role volumes; kept through any further chaining) and the `Owner` tag.
 *
 * Durations: 900 s (STS's minimum) to 3,600 s for role volumes, because the gateway assumes them with its own
 * role credentials and AWS caps role chaining at one hour; 900 s to 43,200 s for web-identity and gateway-oidc
 * volumes (no chaining: no caller credentials), whose role's own maximum STS enforces. 3,600 s when not asked.
 *
 * STS's refusals become answers the caller can act on; the volume is never changed by them.
 */
import { type AppError, Forbidden, ValidationFailed } from '../errors';
import { countMetric } from '../metrics';
import type { Caller } from '../volumes/deps';
import { assumeWithGatewayToken } from '../volumes/gateway-oidc';
import type { DataAccess, Volume } from '../volumes/model';
import { AssumeRoleRefused, type TemporaryCredentials } from '../volumes/ports';
import { sessionsRevokedAt } from '../volumes/revocations';
import { stsName, tagValue } from '../volumes/sts-names';
import type { CachedCredentials } from './credential-cache';
import type { VendingDeps } from './deps';
import { sessionPolicy } from './session-policy';

export const STS_MIN_SECONDS = 900;
export const DEFAULT_SESSION_SECONDS = 3600;
export const ROLE_CHAINING_MAX_SECONDS = 3600;
export const WEB_IDENTITY_MAX_SECONDS = 43_200;

const durationFailed = (message: string, code?: string, options?: ErrorOptions) =>
  new ValidationFailed(`durationSeconds: ${message}`, 'durationSeconds', code, options);

/** The session duration for the volume: `asked` when allowed, 3,600 s when absent; else a ValidationFailed naming `durationSeconds`. */
export function sessionSeconds(volume: Pick<Volume, 'auth'>, asked: number | undefined): number {
  if (asked === undefined) return DEFAULT_SESSION_SECONDS;
  if (typeof asked !== 'number' || !Number.isInteger(asked)) throw durationFailed('must be a whole number of seconds.');
  if (asked < STS_MIN_SECONDS)
    throw durationFailed(`must be at least ${STS_MIN_SECONDS} (15 minutes), the shortest session STS grants (got ${asked}).`);
  if (volume.auth.type === 'role' && asked > ROLE_CHAINING_MAX_SECONDS) {
    throw durationFailed(
      `must be at most ${ROLE_CHAINING_MAX_SECONDS} (one hour) for this volume (got ${asked}): the gateway assumes the volume's role ` +
        `with its own role credentials, and AWS caps such role chaining at one hour. Ask again before Expiration; ` +
        `credential_process clients do that by themselves.`,
    );
  }
  if (asked > WEB_IDENTITY_MAX_SECONDS)
    throw durationFailed(`must be at most ${WEB_IDENTITY_MAX_SECONDS} (12 hours), the longest session STS grants (got ${asked}).`);
  return asked;
}

/** What STS's refusal means for the caller; the refusal stays as `cause`, so the log names STS's answer and request id. */
function refusal(error: AssumeRoleRefused, volume: Volume, caller: Caller, durationSeconds: number): AppError {
  const options = { cause: error.cause ?? error };
  if (error.code === 'PackedPolicyTooLarge') {
    return new ValidationFailed(
      "STS found this volume's session policy and tags too large once packed (PackedPolicyTooLarge). A volume's admin can register " +
        'the data again with a shorter prefix.',
      undefined,
      'SessionPolicyTooLarge',
      options,
    );
  }
  const webIdentity = volume.auth.type === 'web-identity';
  const longSessions = webIdentity || volume.auth.type === 'gateway-oidc';
  if (longSessions && error.code === 'ValidationError' && (/duration/i.test(error.message) || durationSeconds > DEFAULT_SESSION_SECONDS)) {
    return durationFailed(
      `${durationSeconds} s is longer than the volume's role allows (its maximum session duration). Ask for less ` +
        `(${DEFAULT_SESSION_SECONDS} always works), or ask the volume's admin to raise the role's MaxSessionDuration.`,
      'DurationExceedsRoleMaximum',
      options,
    );
  }
  const whom = webIdentity ? 'your token' : 'the gateway';
  const owner =
    webIdentity && caller.subject !== volume.ownerSubject ? " The trust policy returned at setup admits the owner's token only." : '';
  return new Forbidden(
    `The volume's role refused ${whom} (${error.code}); ask the volume's admin to run verify: the role's trust policy or permissions ` +
      `may have changed since it was verified.${owner}`,
    'RoleRefused',
    options,
  );
}

function assume(
  deps: Pick<VendingDeps, 'sts' | 'gatewayTokens'>,
  caller: Caller,
  volume: Volume,
  policy: string,
  durationSeconds: number,
  signal: AbortSignal,
): Promise<TemporaryCredentials> {
  const name = stsName(caller.subject);
  if (volume.auth.type === 'role') {
    return deps.sts.assumeRole({
      roleArn: volume.auth.roleArn,
      sessionName: name,
      externalId: volume.externalId,
      durationSeconds,
      sourceIdentity: name,
      tags: { Owner: tagValue(caller.subject), VolumeId: volume.id },
      policy,
      region: volume.region,
      signal,
    });
  }
  if (volume.auth.type === 'gateway-oidc') {
    // The token names the volume, not the caller: every member is served; the caller is in the session's name, source and tags.
    return assumeWithGatewayToken(deps, {
      roleArn: volume.auth.roleArn,
      volumeId: volume.id,
      sessionName: name,
      durationSeconds,
      sourceIdentity: name,
      tags: { Owner: tagValue(caller.subject), VolumeId: volume.id },
      policy,
      region: volume.region,
      signal,
    });
  }
  return deps.sts.assumeRoleWithWebIdentity({
    roleArn: volume.auth.roleArn,
    sessionName: name,
    webIdentityToken: caller.token,
    durationSeconds,
    policy,
    region: volume.region,
    signal,
  });
}

export interface CredentialRequest {
  access: DataAccess;
  durationSeconds: number;
  /** Remaining life wanted at least (see the cache); the margin alone when absent. */
  minRemainingSeconds?: number;
  /**
   * Write sessions may also list the bucket's multipart uploads (`sessionPolicy`'s option): the proxy's sessions
   * only, whose cache is their own, since the cache's key does not tell the two policies apart.
   */
  listUploads?: boolean;
  /** Narrows the session to `root/prefix*` (relative to the volume's root, ending in `/`, already checked): its own cache entry. */
  prefix?: string;
}

/**
 * Credentials for `access` to the volume, from the cache or STS. The caller's rights must have been checked
 * (see rules.ts). Throws `SessionPolicyTooLarge` before any call when the policy cannot fit.
 */
export async function volumeCredentials(
  deps: Pick<VendingDeps, 'sts' | 'cache' | 'gatewayTokens'>,
  caller: Caller,
  volume: Volume,
  request: CredentialRequest,
): Promise<CachedCredentials> {
  const { access, durationSeconds } = request;
  const policy = sessionPolicy(volume, access, {
    listUploads: request.listUploads === true,
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
  });
  const key = {
    volumeId: volume.id,
    volumeVersion: volume.version,
    volumeStatus: volume.status,
    subject: caller.subject,
    access,
    durationSeconds,
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
  };
  const found = await deps.cache.get(
    key,
    async (signal) => {
      try {
        return await assume(deps, caller, volume, policy, durationSeconds, signal);
      } catch (error) {
        throw error instanceof AssumeRoleRefused ? refusal(error, volume, caller, durationSeconds) : error;
      }
    },
    {
      ...(caller.signal ? { signal: caller.signal } : {}),
      ...(request.minRemainingSeconds ? { minRemainingMs: request.minRemainingSeconds * 1000 } : {}),
      // Sessions issued before the volume's revocation (its record, or this process's notice) are never served.
      notBefore: sessionsRevokedAt(volume),
    },
  );
  // A call another request had in flight saved an STS call as a stored entry does.
  countMetric(found.source === 'issued' ? 'CredentialCacheMisses' : 'CredentialCacheHits');
  return found;
}
