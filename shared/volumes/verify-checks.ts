/**
 * What every kind of verification shares (`verify.ts`, `verify-gateway-oidc.ts`): checks as results, refusals told
 * apart from outages, and the data checks that follow obtaining credentials (list the prefix, then the write probe
 * of the volume's mode).
 */
import type { Caller, VolumeDeps } from './deps';
import type { VerificationCheck, Volume } from './model';
import { S3AccessDenied, type TemporaryCredentials } from './ports';

export type ProbeDeps = Pick<VolumeDeps, 'sts' | 's3' | 'ids' | 'settings' | 'gatewayTokens'>;

export const PROBE_SECONDS = 900;
export const refusal = (error: { code: string; message: string }) => `${error.code}: ${error.message.slice(0, 300)}`;
export const pass = (name: string, detail: string): VerificationCheck => ({ name, ok: true, detail });
export const fail = (name: string, detail: string): VerificationCheck => ({ name, ok: false, detail });

/** Runs `attempt`; a refusal of type `Refusal` comes back as the error, anything else propagates. */
export async function refusedBy<T, E extends Error>(
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
export async function dataChecks(
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

export const dataCheckNames = (volume: Volume) => [
  'list-prefix',
  volume.accessMode === 'read-only' ? 'read-only-refuses-write' : 'write-and-delete',
];
export const notRun = (names: string[], why: string) => names.map((name) => fail(name, `not run: ${why}`));
