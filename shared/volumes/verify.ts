/**
 * Verification: prove what the owner's role really allows before the volume serves data. Peers take the
 * external id from the user and never check that the role requires it; we assume the role with it, without
 * it and with a wrong one, then list the prefix and try a write.
 *
 * Every check is reported, with a detail the owner can act on. A refusal by the customer's trust policy or
 * bucket policy is a result; STS or S3 not answering (DependencyUnavailable from an adapter) is not: it
 * propagates and nothing is recorded.
 */
import type { Caller, VolumeDeps } from './deps';
import { assumeWithGatewayToken, GATEWAY_OIDC_MAX_SESSION_SECONDS, type GatewayAssumeRequest } from './gateway-oidc';
import { auditEvent } from './guard';
import type { Verification, VerificationCheck, Volume } from './model';
import { AssumeRoleRefused, type AssumeRoleRequest, S3AccessDenied, type TemporaryCredentials } from './ports';
import { stsName, tagValue } from './sts-names';

type ProbeDeps = Pick<VolumeDeps, 'sts' | 's3' | 'ids' | 'settings' | 'gatewayTokens'>;

const PROBE_SECONDS = 900;
const refusal = (error: { code: string; message: string }) => `${error.code}: ${error.message.slice(0, 300)}`;
const pass = (name: string, detail: string): VerificationCheck => ({ name, ok: true, detail });
const fail = (name: string, detail: string): VerificationCheck => ({ name, ok: false, detail });

/** Runs `attempt`; a refusal of type `Refusal` comes back as the error, anything else propagates. */
async function refusedBy<T, E extends Error>(
  Refusal: new (...args: never[]) => E,
  attempt: () => Promise<T>,
): Promise<{ value: T } | { refused: E }> {
  try {
    return { value: await attempt() };
  } catch (error) {
    if (error instanceof Refusal) return { refused: error };
    throw error;
  }
}

/** The S3 listing prefix of a volume: `prefix/`, or `''` for the whole bucket (what the permissions policy allows). */
export const listingPrefix = (prefix: string) => (prefix === '' ? '' : `${prefix}/`);
const where = (volume: Volume, key = '') => `s3://${volume.bucket}/${listingPrefix(volume.prefix)}${key}`;

/** The checks that follow obtaining credentials: listing the prefix, then the write probe of the volume's mode. */
async function dataChecks(
  deps: ProbeDeps,
  caller: Caller,
  volume: Volume,
  credentials: TemporaryCredentials,
): Promise<VerificationCheck[]> {
  const { bucket, region } = volume;
  const signal = caller.signal;
  const checks: VerificationCheck[] = [];

  const listed = await refusedBy(S3AccessDenied, () =>
    deps.s3.listPrefix(credentials, { bucket, prefix: listingPrefix(volume.prefix), region }, signal),
  );
  checks.push(
    'refused' in listed
      ? fail(
          'list-prefix',
          `Listing ${where(volume)} was denied (${refusal(listed.refused)}). Attach the permissions policy returned in setup (the ` +
            `put-role-policy command): it allows s3:ListBucket on the bucket for this prefix.`,
        )
      : pass('list-prefix', `Listed ${where(volume)}.`),
  );

  const name = `.volume-gateway-probe-${deps.ids.nonce()}`;
  const target = { bucket, key: `${listingPrefix(volume.prefix)}${name}`, region };
  const object = where(volume, name);
  const put = await refusedBy(S3AccessDenied, () =>
    deps.s3.putObject(credentials, target, 'volume-gateway verification probe; safe to delete\n', signal),
  );
  const removed = async () => {
    const deleted = await refusedBy(S3AccessDenied, () => deps.s3.deleteObject(credentials, target, signal));
    return 'refused' in deleted ? deleted.refused : undefined;
  };

  if (volume.accessMode === 'read-only') {
    if ('refused' in put) {
      checks.push(pass('read-only-refuses-write', `Writing a probe object to ${object} was denied, as a read-only volume requires.`));
    } else {
      const notDeleted = await removed();
      const cleanup = notDeleted
        ? ` Deleting it was denied (${refusal(notDeleted)}); remove ${object} yourself.`
        : ' It was deleted again.';
      checks.push(
        fail(
          'read-only-refuses-write',
          `The role allows writes but the volume is read-only: a probe object was written to ${object}.${cleanup} Replace the role's ` +
            `policies with the read-only permissions policy returned in setup, or change the volume to read-write.`,
        ),
      );
    }
    return checks;
  }

  if ('refused' in put) {
    checks.push(
      fail(
        'write-and-delete',
        `Writing a probe object to ${object} was denied (${refusal(put.refused)}). Attach the read-write permissions policy returned ` +
          `in setup: it allows s3:PutObject and s3:DeleteObject under the prefix.`,
      ),
    );
  } else {
    const notDeleted = await removed();
    checks.push(
      notDeleted
        ? fail(
            'write-and-delete',
            `A probe object was written to ${object} but deleting it was denied (${refusal(notDeleted)}); remove it yourself and ` +
              `allow s3:DeleteObject under the prefix, as the permissions policy in setup does.`,
          )
        : pass('write-and-delete', `Wrote and deleted a probe object at ${object}.`),
    );
  }
  return checks;
}

const dataCheckNames = (volume: Volume) => [
  'list-prefix',
  volume.accessMode === 'read-only' ? 'read-only-refuses-write' : 'write-and-delete',
];
const notRun = (names: string[], why: string) => names.map((name) => fail(name, `not run: ${why}`));

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

const durationRefusal = (error: AssumeRoleRefused) => error.code === 'ValidationError' && /duration/i.test(error.message);

/**
 * A gateway-oidc volume: the role is assumable with a token the gateway mints for this volume, for 12 hours (no role
 * chaining), and refused with a token for another volume's subject and with a token for another audience: else any
 * volume of this deployment naming the role, or any token our issuer mints for another purpose, would reach the bucket.
 */
async function gatewayOidcChecks(deps: ProbeDeps, caller: Caller, volume: Volume): Promise<VerificationCheck[]> {
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
