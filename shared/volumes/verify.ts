/**
 * Verification: prove what the owner's role really allows before the volume serves data. Peers take the
 * external id from the user and never check that the role requires it; we assume the role with it, without
 * it and with a wrong one, then list the prefix and try a write. gateway-oidc volumes: `verify-gateway-oidc.ts`.
 *
 * Every check is reported, with a detail the owner can act on. A refusal by the customer's trust policy or
 * bucket policy is a result; STS or S3 not answering (DependencyUnavailable from an adapter) is not: it
 * propagates and nothing is recorded.
 */
import type { Caller, VolumeDeps } from './deps';
import { auditEvent } from './guard';
import type { Verification, VerificationCheck, Volume } from './model';
import { AssumeRoleRefused, type AssumeRoleRequest } from './ports';
import { stsName, tagValue } from './sts-names';
import { dataCheckNames, dataChecks, fail, notRun, PROBE_SECONDS, type ProbeDeps, pass, refusal, refusedBy } from './verify-checks';
import { gatewayOidcChecks } from './verify-gateway-oidc';

export { listingPrefix } from './verify-checks';

async function roleChecks(deps: ProbeDeps, caller: Caller, volume: Volume): Promise<VerificationCheck[]> {
  const sessionName = stsName(caller.subject);
  const base: AssumeRoleRequest = {
    roleArn: volume.auth.roleArn,
    sessionName,
    durationSeconds: deps.settings.probeSessionSeconds ?? PROBE_SECONDS,
    sourceIdentity: sessionName,
    tags: { Owner: tagValue(caller.subject) },
    region: volume.region,
    ...(caller.signal ? { signal: caller.signal } : {}),
  };
  const role = volume.auth.roleArn;

  const assumed = await refusedBy(AssumeRoleRefused, () => deps.sts.assumeRole({ ...base, externalId: volume.externalId }));
  if ('refused' in assumed) {
    return [
      fail(
        'assume-role',
        `STS refused to let the gateway assume ${role} with this volume's external id (${refusal(assumed.refused)}). Apply the trust ` +
          `policy returned in setup (the update-assume-role-policy command): it names the gateway's principal, allows ` +
          `sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession, and requires the external id.`,
      ),
      ...notRun(
        ['external-id-required', 'wrong-external-id-refused', ...dataCheckNames(volume)],
        'the gateway could not assume the role (see assume-role).',
      ),
    ];
  }
  const checks = [pass('assume-role', `The gateway assumed ${role} with this volume's external id.`)];

  const without = await refusedBy(AssumeRoleRefused, () => deps.sts.assumeRole(base));
  checks.push(
    'refused' in without
      ? pass('external-id-required', 'STS refused the role to the gateway without an external id, as it should.')
      : fail(
          'external-id-required',
          `The role can be assumed WITHOUT an external id: a confused-deputy risk. Anyone who registers ${role} as a volume of their ` +
            `own in this deployment would reach your bucket through the gateway. Apply the trust policy returned in setup: its ` +
            `condition "StringEquals": {"sts:ExternalId": …} requires this volume's external id.`,
        ),
  );

  let wrongId = deps.ids.externalId();
  while (wrongId === volume.externalId) wrongId = deps.ids.externalId();
  const wrong = await refusedBy(AssumeRoleRefused, () => deps.sts.assumeRole({ ...base, externalId: wrongId }));
  checks.push(
    'refused' in wrong
      ? pass('wrong-external-id-refused', 'STS refused the role to the gateway with a wrong external id, as it should.')
      : fail(
          'wrong-external-id-refused',
          `The role can be assumed with a WRONG external id: a confused-deputy risk. Another volume of this deployment naming ${role} ` +
            `would reach your bucket. The trust policy must require exactly this volume's external id with StringEquals (no ` +
            `wildcards, no other ids), as the one returned in setup does.`,
        ),
  );

  return [...checks, ...(await dataChecks(deps, caller, volume, assumed.value))];
}

async function webIdentityChecks(deps: ProbeDeps, caller: Caller, volume: Volume): Promise<VerificationCheck[]> {
  const role = volume.auth.roleArn;
  const assumed = await refusedBy(AssumeRoleRefused, () =>
    deps.sts.assumeRoleWithWebIdentity({
      roleArn: role,
      sessionName: stsName(caller.subject),
      webIdentityToken: caller.token,
      durationSeconds: deps.settings.probeSessionSeconds ?? PROBE_SECONDS,
      region: volume.region,
      ...(caller.signal ? { signal: caller.signal } : {}),
    }),
  );
  if ('refused' in assumed) {
    const owner =
      caller.subject === volume.ownerSubject ? '' : " The trust policy in setup admits the owner's token only: ask the owner to verify.";
    return [
      fail(
        'assume-role-with-web-identity',
        `STS refused your token for ${role} (${refusal(assumed.refused)}). Register the gateway's OpenID Connect provider in the ` +
          `role's account and apply the trust policy returned in setup (the create-open-id-connect-provider and ` +
          `update-assume-role-policy commands).${owner}`,
      ),
      ...notRun(dataCheckNames(volume), 'the role could not be assumed with your token (see assume-role-with-web-identity).'),
    ];
  }
  return [
    pass('assume-role-with-web-identity', `STS accepted your token for ${role}.`),
    ...(await dataChecks(deps, caller, volume, assumed.value)),
  ];
}

/** Runs every check of the volume's auth type, in order; refusals are results, outages propagate. */
export function runChecks(deps: ProbeDeps, caller: Caller, volume: Volume): Promise<VerificationCheck[]> {
  if (volume.auth.type === 'gateway-oidc') return gatewayOidcChecks(deps, caller, volume);
  return volume.auth.type === 'role' ? roleChecks(deps, caller, volume) : webIdentityChecks(deps, caller, volume);
}

/**
 * Verifies the volume and records the result: `active` when every check passed, else `failed`, stored on the
 * volume (optimistically: a concurrent change surfaces as `ConcurrentModification`) and in its audit trail.
 */
export async function verifyVolume(deps: VolumeDeps, caller: Caller, volume: Volume): Promise<Verification> {
  const checks = await runChecks(deps, caller, volume);
  const at = deps.clock.now().toISOString();
  const status = checks.every((c) => c.ok) ? 'active' : 'failed';
  const verification: Verification = { at, status, checks };
  await deps.repo.update(
    { ...volume, status, lastVerification: verification, updatedAt: at, version: volume.version + 1 },
    volume.version,
    {
      audit: auditEvent(deps, caller, volume.id, 'volume.verify', status === 'active' ? 'succeeded' : 'failed', {
        checks: checks.map(({ name, ok }) => ({ name, ok })),
      }),
    },
  );
  return verification;
}
