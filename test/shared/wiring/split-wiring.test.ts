/**
 * The wirings split so that a function's bundle carries only the clients its routes call (volume-store,
 * credential-vending): where functions share a process (`npm start`) they still share one table view and one
 * credential cache, and a port a wiring leaves out answers a call with the service's 500, never a crash.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DependencyMisconfigured } from '../../../shared/errors';
import { credentialDefaults } from '../../../shared/wiring/credential-vending';
import { vendingDefaults } from '../../../shared/wiring/vending';
import { volumeStoreDefaults } from '../../../shared/wiring/volume-store';
import { volumeDefaults } from '../../../shared/wiring/volumes';

const ENV = {
  AWS_REGION: 'eu-west-1',
  AUTH_MODE: 'oidc',
  OIDC_ISSUER: 'https://issuer.example.org',
  OIDC_AUDIENCE: 'volume-gateway',
  VOLUMES_TABLE: 'volumes',
  AUDIT_TABLE: 'audit',
  ACCESS_KEYS_TABLE: 'access-keys',
  GATEWAY_PRINCIPAL_ARN: 'arn:aws:iam::123456789012:role/gateway',
};

beforeAll(() => {
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
});
afterAll(() => vi.unstubAllEnvs());

describe('the split wirings', () => {
  it('share the volume repository and lookup between the store routes, verify and the data routes', () => {
    const store = volumeStoreDefaults().volumes;
    for (const volumes of [volumeDefaults().volumes, credentialDefaults().vending, vendingDefaults().vending]) {
      expect(volumes.repo).toBe(store.repo);
      expect(volumes.lookup).toBe(store.lookup);
    }
  });

  it('share one credential cache and one STS issuer between the credential route and the URL routes', () => {
    expect(vendingDefaults().vending.cache).toBe(credentialDefaults().vending.cache);
    expect(vendingDefaults().vending.sts).toBe(credentialDefaults().vending.sts);
  });

  it('answer a call to a port they leave out with the service-misconfigured 500', async () => {
    const store = volumeStoreDefaults().volumes;
    const credentials = credentialDefaults().vending;
    const calls = [
      () => store.sts.assumeRole({} as never),
      () => store.s3.listPrefix({} as never, { bucket: 'b', prefix: 'p/', region: 'eu-west-1' }),
      () => credentials.signer.presign({} as never),
      () => credentials.multipart.create({} as never, { bucket: 'b', key: 'k', region: 'eu-west-1' } as never),
    ];
    for (const call of calls) {
      const refused = await call().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DependencyMisconfigured);
      expect(refused).toMatchObject({ status: 500, code: 'ServiceMisconfigured' });
    }
  });
});
