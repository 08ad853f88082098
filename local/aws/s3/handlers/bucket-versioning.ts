/**
 * GetBucketVersioning, as far as clients depend on it: versioning cannot be enabled here, so every bucket
 * answers as never versioned (an empty VersioningConfiguration, as S3 answers). rclone asks before deleting.
 * PutBucketVersioning stays NotImplemented.
 */
import type { AwsResponse } from '../../types';
import type { BucketContext } from '../context';
import { xmlResponse } from '../respond';
import { xmlDocument } from '../xml';

export async function getBucketVersioning(_ctx: BucketContext): Promise<AwsResponse> {
  return xmlResponse(xmlDocument('VersioningConfiguration'));
}
