/**
 * Verification of a gateway-oidc volume (issue 14): the role is assumable with the token the gateway mints for this
 * volume, for 12 hours, and refused with a token for another volume's subject or another audience.
 */
import type { Caller } from './deps';
import { assumeWithGatewayToken, GATEWAY_OIDC_MAX_SESSION_SECONDS, type GatewayAssumeRequest } from './gateway-oidc';
import type { VerificationCheck, Volume } from './model';
import { AssumeRoleRefused } from './ports';
import { stsName, tagValue } from './sts-names';
import { dataCheckNames, dataChecks, fail, notRun, PROBE_SECONDS, type ProbeDeps, pass, refusal, refusedBy } from './verify-checks';

const durationRefusal = (error: AssumeRoleRefused) => error.code === 'ValidationError' && /duration/i.test(error.message);

/**
 * A gateway-oidc volume: the role is assumable with a token the gateway mints for this volume, for 12 hours (no role
 * chaining), and refused with a token for another volume's subject and with a token for another audience: else any
 * volume of this deployment naming the role, or any token our issuer mints for another purpose, would reach the bucket.
 */
export async function gatewayOidcChecks(deps: ProbeDeps, caller: Caller, volume: Volume): Promise<VerificationCheck[]> {
  const role = volume.auth.roleArn;
  const sessionName = stsName(caller.subject);
  const base: GatewayAssumeRequest = {
    roleArn: role,
    volumeId: volume.id,
    sessionName,
    durationSeconds: deps.settings.probeSessionSeconds ?? PROBE_SECONDS,
    sourceIdentity: sessionName,
    tags: { Owner: tagValue(caller.subject), VolumeId: volume.id },
    region: volume.region,
    signal: caller.signal,
  };
  const attempt = (request: GatewayAssumeRequest) => refusedBy(AssumeRoleRefused, () => assumeWithGatewayToken(deps, request));
  const checks: VerificationCheck[] = [];

  let assumed = await attempt({ ...base, durationSeconds: GATEWAY_OIDC_MAX_SESSION_SECONDS });
  if ('refused' in assumed && durationRefusal(assumed.refused)) {
    checks.push(
      fail(
        'max-session-duration',
        `STS refused a ${GATEWAY_OIDC_MAX_SESSION_SECONDS} s session of ${role} (${refusal(assumed.refused)}). Run the update-role ` +
          `command returned in setup (--max-session-duration ${GATEWAY_OIDC_MAX_SESSION_SECONDS}): members ask for up to 12 hours.`,
      ),
    );
    assumed = await attempt(base);
  } else if (!('refused' in assumed)) {
    checks.push(pass('max-session-duration', `The role grants ${GATEWAY_OIDC_MAX_SESSION_SECONDS} s (12-hour) sessions.`));
  }
  if ('refused' in assumed) {
    return [
      fail(
        'assume-role-with-gateway-token',
        `STS refused the gateway's token for this volume on ${role} (${refusal(assumed.refused)}). Register the gateway's issuer as ` +
          `an OpenID Connect provider of the role's account and apply the trust policy returned in setup (the ` +
          `create-open-id-connect-provider and update-assume-role-policy commands): it names the provider, allows ` +
          `sts:AssumeRoleWithWebIdentity, sts:SetSourceIdentity and sts:TagSession, and requires this volume's subject and our audience.`,
      ),
      ...checks,
      ...notRun(
        [
          ...(checks.length === 0 ? ['max-session-duration'] : []),
          'other-volume-token-refused',
          'other-audience-refused',
          ...dataCheckNames(volume),
        ],
        'the role could not be assumed with the gateway token for this volume (see assume-role-with-gateway-token).',
      ),
    ];
  }
  checks.unshift(pass('assume-role-with-gateway-token', `STS accepted the gateway's token for this volume on ${role}.`));

  const other = await attempt({ ...base, volumeId: `${volume.id}-other-${deps.ids.nonce()}` });
  checks.push(
    'refused' in other
      ? pass('other-volume-token-refused', "STS refused the gateway's token for another volume's subject, as it should.")
      : fail(
          'other-volume-token-refused',
          `The role accepts the gateway's token for ANOTHER volume: any volume of this deployment naming ${role} would reach your ` +
            `bucket. Apply the trust policy returned in setup: its condition requires exactly the subject volume:${volume.id}.`,
        ),
  );
  const audience = await attempt({ ...base, audience: `volume-gateway-verify-${deps.ids.nonce()}` });
  checks.push(
    'refused' in audience
      ? pass('other-audience-refused', "STS refused the gateway's token for another audience, as it should.")
      : fail(
          'other-audience-refused',
          `The role accepts the gateway's tokens for ANY audience. Apply the trust policy returned in setup: its condition requires ` +
            `the audience the gateway names for STS.`,
        ),
  );
  return [...checks, ...(await dataChecks(deps, caller, volume, assumed.value))];
}
