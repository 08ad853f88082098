/**
 * Wiring for the routes that probe or assume customers' roles (volume verify, and the vending routes over it),
 * once per cold start: the table ports of `volume-store.ts` plus the STS and S3 adapters, with the clients kept
 * so a warm Lambda reuses them. The routes that only read and write our tables use `volume-store.ts` alone.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createS3ObjectProbe } from '../adapters/s3-object-probe';
import { createStsCredentialIssuer } from '../adapters/sts-credential-issuer';
import type { Config } from '../config';
import type { VolumeDeps } from '../volumes/service';
import { buildVolumeStoreDeps, type VolumeHandlerDeps, volumeStoreDefaults } from './volume-store';

export type { VolumeHandlerDeps } from './volume-store';

/** The volume ports over `dynamo` (one client per wiring: the proxy's shares it with its access-key resolver). */
export function buildVolumeDeps(config: Config, dynamo?: DynamoDBClient): VolumeDeps {
  const probes = { sts: createStsCredentialIssuer({}), s3: createS3ObjectProbe({ forcePathStyle: config.s3ForcePathStyle }) };
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
  const probes = { sts: createStsCredentialIssuer({}), s3: createS3ObjectProbe({ forcePathStyle: config.s3ForcePathStyle }) };
  cached = { ...base, volumes: { ...base.volumes, ...probes } };
  return cached;
}
