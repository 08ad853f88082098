/**
 * A client left at virtual-hosted-style addressing names the volume in the Host (`alice-genomes.localhost:3003`,
 * the S3 default of htslib, GDAL and s3cmd), and the proxy, which takes path-style requests only, reads the key's
 * first segment as the volume (NoSuchBucket) or a listing as one of the service (NotImplemented). When the Host's
 * first label names a volume the caller can see, the refusal keeps its code and status and says what to set.
 * Only refusals are looked at, so a path-style request is never taken for anything else.
 */
import type { Principal } from './authenticate';
import { S3Refusal } from './errors';
import { findVisible, type VolumeAccessDeps } from './volume-access';

const HOW =
  'The proxy takes path-style requests only ({endpoint}/{volume}/{key}): set aws cli/boto3 `addressing_style = path`, ' +
  'htslib HTS_S3_ADDRESS_STYLE=path, GDAL AWS_VIRTUAL_HOSTING=FALSE, rclone force_path_style = true, s3cmd host_bucket without %(bucket)s.';

/** `error`, or the same refusal explaining path-style addressing when the Host names a volume `principal` can see. */
export async function withPathStyleHint(
  deps: VolumeAccessDeps,
  principal: Principal,
  host: string | undefined,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof S3Refusal) || !(error.s3Code === 'NoSuchBucket' || error.s3Code === 'NotImplemented')) return error;
  const dot = (host ?? '').indexOf('.');
  if (dot <= 0) return error;
  const label = host!.slice(0, dot).toLowerCase();
  if (!(await findVisible(deps, principal, label))) return error;
  return new S3Refusal(
    error.status,
    error.s3Code,
    `${error.message} This request names volume "${label}" in its Host (virtual-hosted style). ${HOW}`,
    error.extra,
  );
}
