/**
 * Wiring for the routes that probe or assume customers' roles (volume verify, and the vending routes over it),
 * once per cold start: the table ports of `volume-store.ts` plus the STS and S3 adapters, with the clients kept
 * so a warm Lambda reuses them. The routes that only read and write our tables use `volume-store.ts` alone.
 *
 * The S3 probe (and with it the S3 client, a quarter of a bundle) is imported at its first call: only verify calls
 * it, and the proxy, which wires these deps for their STS issuer and repository, never does. In a packaged function
 * the import is a chunk of its own (`splitting`, serverless.yml), so the proxy's cold start does not parse the S3
 * client, and verify's parses it at its first probe.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3ObjectProbeOptions } from '../adapters/s3-object-probe';
import { createStsCredentialIssuer } from '../adapters/sts-credential-issuer';
import type { Config } from '../config';
import type { ObjectProbe } from '../volumes/ports';
import type { VolumeDeps } from '../volumes/service';
import { onFirstUse } from './lazy';
import { buildVolumeStoreDeps, type VolumeHandlerDeps, volumeStoreDefaults } from './volume-store';

export type { VolumeHandlerDeps } from './volume-store';

/** The S3 object probe, its module (and the S3 client) imported at its first call. */
export const lazyS3ObjectProbe = (options: S3ObjectProbeOptions): ObjectProbe =>
  onFirstUse(
    () => import('../adapters/s3-object-probe').then(({ createS3ObjectProbe }) => createS3ObjectProbe(options)),
    ['listPrefix', 'putObject', 'deleteObject'],
  );

/** The volume ports over `dynamo` (one client per wiring: the proxy's shares it with its access-key resolver). */
export function buildVolumeDeps(config: Config, dynamo?: DynamoDBClient): VolumeDeps {
  const probes = { sts: createStsCredentialIssuer({}), s3: lazyS3ObjectProbe({ forcePathStyle: config.s3ForcePathStyle }) };
  return buildVolumeStoreDeps(config, probes, dynamo);
}

let cached: VolumeHandlerDeps | undefined;

/**
 * The store routes' wiring with the probes added: the same repository and 5 s lookup, so where several functions
 * share a process (`npm start`) a write through any of them is seen at once by all.
 */
export function volumeDefaults(): VolumeHandlerDeps {
  if (cached) return cached;
  const base = volumeStoreDefaults();
  const config = base.config as Config;
  const probes = { sts: createStsCredentialIssuer({}), s3: lazyS3ObjectProbe({ forcePathStyle: config.s3ForcePathStyle }) };
  cached = { ...base, volumes: { ...base.volumes, ...probes } };
  return cached;
}
