/**
 * Wiring for the access-key routes and the resolver the proxy's wiring builds, once per cold start: the DynamoDB
 * adapters behind the domain's ports, kept by their first caller so a warm Lambda reuses them. Nothing is built
 * at import; the proxy's resolver (and its cache) is the proxy wiring's own (`shared/wiring/proxy.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AccessKeyDeps } from '../access-keys/deps';
import { randomAccessKeyIds } from '../access-keys/ids';
import type { AccessKeyMac } from '../access-keys/ports';
import { type CachingAccessKeyResolver, createAccessKeyResolver } from '../access-keys/resolver';
import { createDynamoAccessKeyStore } from '../adapters/dynamodb/access-key-store';
import { createDynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { createDynamoVolumeRepository } from '../adapters/dynamodb/volume-repository';
import type { Config } from '../config';
import { httpDefaults } from '../http/defaults';
import type { HttpDeps } from '../http/route';
import { systemClock } from './ids';

export interface AccessKeyHandlerDeps extends HttpDeps {
  accessKeys: AccessKeyDeps;
}

export function buildAccessKeyDeps(config: Config, dynamo = new DynamoDBClient({ region: config.region })): AccessKeyDeps {
  return {
    store: createDynamoAccessKeyStore({
      client: dynamo,
      tableName: config.tables.accessKeys,
      clock: systemClock,
      audit: { tableName: config.tables.audit, retentionDays: config.auditRetentionDays },
    }),
    repo: createDynamoVolumeRepository({ client: dynamo, tableName: config.tables.volumes }),
    audit: createDynamoAuditLog({
      client: dynamo,
      tableName: config.tables.audit,
      retentionDays: config.auditRetentionDays,
      clock: systemClock,
    }),
    clock: systemClock,
    ids: randomAccessKeyIds,
    ...(config.accessKeyMasterKey ? { masterKey: config.accessKeyMasterKey } : {}),
    ...(config.kms.accessKeyMacKeyId ? { mac: lazyKmsMac(config.region), macKeyId: config.kms.accessKeyMacKeyId } : {}),
  };
}

/** KMS GenerateMac, its module and the KMS client imported at the first derivation: no cold start parses them. */
export function lazyKmsMac(region: string): AccessKeyMac {
  let mac: Promise<AccessKeyMac> | undefined;
  return {
    async generateMac(keyId, message) {
      mac ??= Promise.all([import('@aws-sdk/client-kms'), import('../adapters/kms-access-key-mac')]).then(
        ([{ KMSClient }, { kmsAccessKeyMac }]) => kmsAccessKeyMac(new KMSClient({ region })),
        (error: unknown) => {
          mac = undefined;
          throw error;
        },
      );
      return (await mac).generateMac(keyId, message);
    },
  };
}

let cachedHandlers: AccessKeyHandlerDeps | undefined;

export function accessKeyDefaults(): AccessKeyHandlerDeps {
  if (cachedHandlers) return cachedHandlers;
  const http = httpDefaults();
  cachedHandlers = { ...http, accessKeys: buildAccessKeyDeps(http.config as Config) };
  return cachedHandlers;
}

/** A resolver over the access-keys table, deriving with KMS and/or the legacy master key; its cache is the caller's to keep. */
export function buildAccessKeyResolver(
  config: Pick<Config, 'region' | 'tables' | 'accessKeyMasterKey'> & { kms?: Config['kms'] },
  options: { client?: DynamoDBClient; ttlMs?: number; maxEntries?: number } = {},
): CachingAccessKeyResolver {
  const client = options.client ?? new DynamoDBClient({ region: config.region });
  return createAccessKeyResolver({
    store: createDynamoAccessKeyStore({ client, tableName: config.tables.accessKeys, clock: systemClock }),
    masterKey: config.accessKeyMasterKey,
    ...(config.kms?.accessKeyMacKeyId ? { mac: lazyKmsMac(config.region) } : {}),
    clock: systemClock,
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  });
}
