/** The KMS key references the service is configured with: ids, ARNs or aliases, never key material. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config';

const BASE = {
  AWS_REGION: 'us-east-1',
  OIDC_ISSUER: 'https://issuer.example.org',
  OIDC_AUDIENCE: 'volume-gateway',
  VOLUMES_TABLE: 'volumes',
  AUDIT_TABLE: 'audit',
  ACCESS_KEYS_TABLE: 'access-keys',
  GATEWAY_PRINCIPAL_ARN: 'arn:aws:iam::123456789012:role/volume-gateway',
};

describe('the KMS keys of the configuration', () => {
  it('reads the signing key, the previous one and the MAC key as ids, key ARNs or aliases', () => {
    const config = loadConfig({
      ...BASE,
      GATEWAY_SIGNING_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab',
      GATEWAY_PREVIOUS_SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ac',
      ACCESS_KEY_MAC_KEY_ID: 'alias/volume-gateway-access-keys',
    });
    expect(config.kms).toEqual({
      signingKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      previousSigningKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ac',
      accessKeyMacKeyId: 'alias/volume-gateway-access-keys',
    });
    expect(loadConfig(BASE).kms).toEqual({});
  });

  it('refuses anything else, naming the variable (a secret pasted in by mistake is not a key id)', () => {
    expect(() => loadConfig({ ...BASE, ACCESS_KEY_MAC_KEY_ID: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, GATEWAY_SIGNING_KEY_ID: 'not a key' })).toThrow(/^Configuration error: GATEWAY_SIGNING_KEY_ID/);
  });
});
