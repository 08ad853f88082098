import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { createLogger } from '../../../shared/log';
import { buildProxyDeps } from '../../../shared/wiring/proxy';

// Counts the DynamoDB clients the wiring makes; they are the SDK's own otherwise.
const made = vi.hoisted(() => ({ dynamo: 0 }));
vi.mock('@aws-sdk/client-dynamodb', async (importOriginal) => {
  const sdk = await importOriginal<typeof import('@aws-sdk/client-dynamodb')>();
  class DynamoDBClient extends sdk.DynamoDBClient {
    constructor(...args: ConstructorParameters<typeof sdk.DynamoDBClient>) {
      super(...args);
      made.dynamo += 1;
    }
  }
  return { ...sdk, DynamoDBClient };
});

const env = (accessKeysTable: string) => ({
  AWS_REGION: 'us-east-1',
  AUTH_MODE: 'oidc',
  OIDC_ISSUER: 'https://issuer.invalid',
  OIDC_AUDIENCE: 'unused',
  VOLUMES_TABLE: 'volumes',
  AUDIT_TABLE: 'audit',
  ACCESS_KEYS_TABLE: accessKeysTable,
  GATEWAY_PRINCIPAL_ARN: 'arn:aws:iam::123456789012:role/unused',
});

describe('the proxy’s wiring', () => {
  it('builds its own access-key resolver from the configuration it is given, not a process-wide one built by the first caller', () => {
    const logger = createLogger({}, { write: () => undefined });
    const first = buildProxyDeps(loadConfig(env('keys-a')), {}, logger);
    const second = buildProxyDeps(loadConfig(env('keys-b')), {}, logger);
    expect(second.accessKeys).not.toBe(first.accessKeys);
  });

  it('makes one DynamoDB client, which the volume repository, the audit log and the access-key resolver share', () => {
    const before = made.dynamo;
    buildProxyDeps(loadConfig(env('keys')), {}, createLogger({}, { write: () => undefined }));
    expect(made.dynamo - before).toBe(1);
  });
});
