/**
 * Wiring for the volume routes that read and write only our tables (every volume, member and audit route but
 * verify): the DynamoDB adapters behind the domain's ports, and no STS or S3 client. This module imports neither
 * SDK client, so a function packaged from it (`package.individually`) bundles neither: about 150 KB less to parse
 * at each cold start. The verify route, which probes the customer's role through STS and S3, is wired by
 * `volumes.ts` over this one.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { createDynamoVolumeRepository } from '../adapters/dynamodb/volume-repository';
import type { Config } from '../config';
import { httpDefaults } from '../http/defaults';
import type { HttpDeps } from '../http/route';
import type { VolumeDeps } from '../volumes/service';
import { createVolumeLookup, invalidating } from '../volumes/volume-lookup';
import { gatewayIssuerWiring, gatewayTokenMinter } from './gateway-issuer';
import { randomIds, systemClock } from './ids';
import { notWired } from './lazy';

export interface VolumeHandlerDeps extends HttpDeps {
  volumes: VolumeDeps;
}

/**
 * Who customers' web-identity trust policies name: our issuer and EVERY audience the API accepts (each OIDC_AUDIENCE,
 * each Cognito client id: the CLI's, the web console's), as AWS IAM spells the provider. Naming only the first made
 * STS refuse, on a web-identity volume, a console user's token the API had accepted.
 */
function oidcSettings(config: Config): VolumeDeps['settings']['oidc'] {
  const { auth } = config;
  if (auth.mode === 'cognito') {
    return {
      issuer: `https://cognito-idp.${config.region}.amazonaws.com/${auth.userPoolId}`,
      audiences: [...new Set(auth.clientId)],
      thumbprints: config.oidcThumbprints,
    };
  }
  return { issuer: auth.issuer, audiences: [...new Set(auth.audience)], thumbprints: config.oidcThumbprints };
}

/** The STS and S3 ports of a function that never probes a customer's role: only `verify` (volumes.ts) does. */
export const unwiredProbes: Pick<VolumeDeps, 'sts' | 's3'> = {
  sts: { assumeRole: notWired('sts'), assumeRoleWithWebIdentity: notWired('sts') },
  s3: { listPrefix: notWired('s3'), putObject: notWired('s3'), deleteObject: notWired('s3') },
};

/** The volume ports over `dynamo`, with the STS and S3 ports given (`unwiredProbes` where no route calls them). */
export function buildVolumeStoreDeps(
  config: Config,
  probes: Pick<VolumeDeps, 'sts' | 's3'> = unwiredProbes,
  dynamo = new DynamoDBClient({ region: config.region }),
): VolumeDeps {
  const stored = createDynamoVolumeRepository({
    client: dynamo,
    tableName: config.tables.volumes,
    audit: { tableName: config.tables.audit, retentionDays: config.auditRetentionDays },
  });
  // The hot paths' 5 s cache; writes through this container's repository make it forget what they changed.
  const lookup = createVolumeLookup({ repo: stored, clock: systemClock });
  const issuer = gatewayIssuerWiring();
  return {
    repo: invalidating(stored, lookup),
    lookup,
    audit: createDynamoAuditLog({
      client: dynamo,
      tableName: config.tables.audit,
      retentionDays: config.auditRetentionDays,
      clock: systemClock,
    }),
    ...probes,
    clock: systemClock,
    ids: randomIds,
    settings: {
      gatewayPrincipalArn: config.gatewayPrincipalArn,
      oidc: oidcSettings(config),
      ...(issuer ? { gatewayIssuer: issuer.settings } : {}),
    },
    // gateway-oidc volumes' tokens: the KMS client is imported at the first one (only the STS-calling routes mint).
    ...(issuer ? { gatewayTokens: gatewayTokenMinter(issuer) } : {}),
  };
}

let cached: VolumeHandlerDeps | undefined;

/** The wiring of the volume, member and audit routes but verify: no STS, no S3. */
export function volumeStoreDefaults(): VolumeHandlerDeps {
  if (cached) return cached;
  const http = httpDefaults();
  cached = { ...http, volumes: buildVolumeStoreDeps(http.config as Config) };
  return cached;
}
