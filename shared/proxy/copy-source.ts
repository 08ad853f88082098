/**
 * `x-amz-copy-source` names `volume/key` (URL-encoded, optionally `/`-led, optionally `?versionId=`). The caller
 * must be able to read that volume, exactly as if they read the object themselves; it is then rewritten to the
 * real `bucket/prefix/key`.
 *
 * The copy is signed with the DESTINATION volume's credentials, whose session policy reaches the destination's
 * root only, and S3 needs the signer to read the source. So a copy works when the source object lies inside the
 * destination's root in the same bucket (a copy within one volume, or from a volume nested inside a whole-bucket
 * or parent-prefix destination). Any other cross-volume copy (another prefix, another bucket, another role) could
 * only be refused by S3; the proxy says so itself, before anything is sent, with `NotImplemented` and what to do.
 */
import type { Logger } from '../log';
import { uriEncode } from '../sigv4/encoding';
import type { Caller } from '../volumes/deps';
import type { Principal } from './authenticate';
import { notImplemented, S3Refusal } from './errors';
import { realKey, rootOf } from './keys';
import type { Operation } from './operations';
import { decodeOnce } from './request-target';
import { findVisible, type OpenVolume, refusalOf, scopeFor, type VolumeAccessDeps } from './volume-access';

export interface CopySource {
  volumeName: string;
  key: string;
  versionId?: string;
}

const invalidCopySource = () =>
  new S3Refusal(
    400,
    'InvalidArgument',
    'Copy Source must mention the source bucket and key: sourcebucket/sourcekey (here: the source volume and the key inside it).',
    {
      ArgumentName: 'x-amz-copy-source',
    },
  );

export function parseCopySource(header: string): CopySource {
  const question = header.indexOf('?');
  const path = (question < 0 ? header : header.slice(0, question)).replace(/^\//, '');
  const query = question < 0 ? '' : header.slice(question + 1);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalidCopySource();
  let versionId: string | undefined;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const [name, value = ''] = part.split('=', 2) as [string, string?];
    if (name !== 'versionId') throw invalidCopySource();
    versionId = decodeOnce(value);
  }
  return {
    volumeName: decodeOnce(path.slice(0, slash)),
    key: decodeOnce(path.slice(slash + 1)),
    ...(versionId === undefined ? {} : { versionId }),
  };
}

const sourceRefused = (source: CopySource, why: string) =>
  new S3Refusal(403, 'AccessDenied', `You may not read the copy source "${source.volumeName}/${source.key.slice(0, 200)}"${why}.`);

/** The real `x-amz-copy-source` for a copy into `destination`, once the caller is known to be able to read the source. */
export async function rewriteCopySource(
  deps: VolumeAccessDeps,
  principal: Principal,
  caller: Caller,
  header: string,
  destination: OpenVolume,
  operation: Operation,
  log: Logger,
): Promise<{ header: string; source: CopySource }> {
  const source = parseCopySource(header);
  const visible = await findVisible(deps, principal, source.volumeName);
  // Not a volume the caller sees: refused the same whether it exists or not.
  if (!visible) throw sourceRefused(source, '');
  const refusal = refusalOf(principal, caller, visible, 'read');
  if (refusal) {
    await deps.audit.record(
      {
        caller,
        volumeId: visible.volume.id,
        operation,
        outcome: 'denied',
        detail: { copySourceOf: destination.volume.name, key: source.key, reason: refusal.code },
      },
      log,
    );
    throw sourceRefused(source, `: ${refusal.message}`);
  }
  // A scoped key reads the source only inside one of its scopes there (AccessDenied otherwise).
  scopeFor(principal, visible.volume.id, source.key, 'read', 'read');
  const real = realKey(visible.volume, source.key);
  const dest = destination.volume;
  if (visible.volume.bucket !== dest.bucket || !real.startsWith(rootOf(dest))) {
    throw notImplemented(
      `copying from volume "${source.volumeName}" into volume "${dest.name}": a server-side copy is signed with the destination ` +
        `volume's credentials, which can read only the destination's own data. Download and upload instead (for example aws s3 cp ` +
        `to a local file, then from it)`,
    );
  }
  const version = source.versionId === undefined ? '' : `?versionId=${uriEncode(source.versionId)}`;
  return { header: `/${dest.bucket}/${uriEncode(real, true)}${version}`, source };
}
