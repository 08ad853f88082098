/**
 * Access-key secrets derived with a KMS HMAC key (a fake GenerateMac here; the local KMS in test/e2e/access-keys):
 * new keys name their derivation and never need the master key; keys issued under the master key keep verifying
 * while it is configured and resolve as no key without it; the resolver derives once per cache entry, never per
 * request; a KMS failure leaves no key behind.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessKey } from '../../../shared/access-keys/operations';
import type { AccessKeyMac } from '../../../shared/access-keys/ports';
import { createAccessKeyResolver } from '../../../shared/access-keys/resolver';
import { deriveSecret } from '../../../shared/access-keys/secret';
import { issueSecret, secretOf } from '../../../shared/access-keys/secret-derivation';
import { DependencyUnavailable } from '../../../shared/errors';
import { keyCaller, keyWorld, MASTER } from './fakes';

const alice = keyCaller('alice');
const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-a444-555555555555';
const ID = 'VGAKAAAAAAAAAAAAAAAA';

/** GenerateMac as KMS computes it (HMAC-SHA-256 with a key it keeps), counting its calls. */
function fakeMac(secret = 'kms-held-key'): AccessKeyMac & { calls: string[]; failing?: boolean } {
  const mac = {
    calls: [] as string[],
    failing: false,
    async generateMac(keyId: string, message: string) {
      mac.calls.push(`${keyId} ${message}`);
      if (mac.failing)
        throw new DependencyUnavailable('KMS (access-key secrets) did not answer; try again shortly.', 'AccessKeySecretsUnavailable');
      return { mac: createHmac('sha256', secret).update(message).digest(), keyArn: KEY_ARN };
    },
  };
  return mac;
}

describe('deriving secrets with a KMS HMAC key', () => {
  it('gives a new key a 40-character secret from GenerateMac over id:salt, and names the key ARN as its derivation', async () => {
    const mac = fakeMac();
    const issued = await issueSecret({ mac, macKeyId: 'alias/access-keys', masterKey: MASTER }, ID, 'salt');
    expect(issued.derivation).toBe(`kms-hmac:${KEY_ARN}`);
    expect(issued.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(issued.secretAccessKey).toBe(
      createHmac('sha256', 'kms-held-key').update(`${ID}:salt`).digest().subarray(0, 30).toString('base64'),
    );
    expect(issued.secretAccessKey).not.toBe(deriveSecret(MASTER, ID, 'salt'));
    expect(mac.calls).toEqual([`alias/access-keys ${ID}:salt`]);
    // Verified later through the ARN the record names, whatever the configured key id is by then.
    const again = await secretOf({ mac }, { id: ID, salt: 'salt', derivation: issued.derivation });
    expect(again).toBe(issued.secretAccessKey);
    expect(mac.calls[1]).toBe(`${KEY_ARN} ${ID}:salt`);
  });

  it('falls back to the legacy master key only without a MAC key, and is disabled with neither', async () => {
    expect(await issueSecret({ masterKey: MASTER }, ID, 'salt')).toEqual({ secretAccessKey: deriveSecret(MASTER, ID, 'salt') });
    await expect(issueSecret({}, ID, 'salt')).rejects.toMatchObject({ status: 503, code: 'AccessKeysDisabled' });
  });

  it('derives a legacy key (no derivation) with the master key while it is configured, and none without it', async () => {
    const legacy = { id: ID, salt: 'salt' };
    expect(await secretOf({ masterKey: MASTER, mac: fakeMac() }, legacy)).toBe(deriveSecret(MASTER, ID, 'salt'));
    expect(await secretOf({ mac: fakeMac() }, legacy)).toBeUndefined();
    expect(await secretOf({ masterKey: MASTER }, { ...legacy, derivation: `kms-hmac:${KEY_ARN}` })).toBeUndefined();
    expect(await secretOf({ masterKey: MASTER, mac: fakeMac() }, { ...legacy, derivation: 'rot13' })).toBeUndefined();
  });
});

describe('keys created and resolved with a MAC key', () => {
  it('stores the derivation with the key, shows the secret once, and the resolver derives the same secret', async () => {
    const w = keyWorld({ masterKey: null });
    const mac = fakeMac();
    Object.assign(w.deps, { mac, macKeyId: 'alias/access-keys' });
    const created = await createAccessKey(w.deps, alice);
    const stored = w.store.keys.get(created.accessKeyId)!;
    expect(stored.derivation).toBe(`kms-hmac:${KEY_ARN}`);
    expect(JSON.stringify(stored)).not.toContain(created.secretAccessKey);
    const resolver = createAccessKeyResolver({ store: w.store, masterKey: undefined, mac, clock: w.clock });
    expect((await resolver.resolve(created.accessKeyId))?.secretAccessKey).toBe(created.secretAccessKey);
  });

  it('calls KMS once per cache entry, not once per proxied request', async () => {
    const w = keyWorld();
    const mac = fakeMac();
    Object.assign(w.deps, { mac, macKeyId: 'alias/access-keys' });
    const created = await createAccessKey(w.deps, alice);
    const resolver = createAccessKeyResolver({ store: w.store, masterKey: MASTER, mac, clock: w.clock });
    mac.calls.length = 0;
    for (let i = 0; i < 20; i++) await resolver.resolve(created.accessKeyId);
    expect(mac.calls).toHaveLength(1);
  });

  it('keeps resolving keys issued under the master key next to the new ones', async () => {
    const w = keyWorld();
    const legacy = await createAccessKey(w.deps, alice);
    const mac = fakeMac();
    Object.assign(w.deps, { mac, macKeyId: 'alias/access-keys' });
    const current = await createAccessKey(w.deps, alice);
    const resolver = createAccessKeyResolver({ store: w.store, masterKey: MASTER, mac, clock: w.clock });
    expect((await resolver.resolve(legacy.accessKeyId))?.secretAccessKey).toBe(legacy.secretAccessKey);
    expect((await resolver.resolve(current.accessKeyId))?.secretAccessKey).toBe(current.secretAccessKey);
    // Once the master key is withdrawn, only the old key stops.
    const withoutMaster = createAccessKeyResolver({ store: w.store, masterKey: undefined, mac, clock: w.clock });
    expect(await withoutMaster.resolve(legacy.accessKeyId)).toBeUndefined();
    expect((await withoutMaster.resolve(current.accessKeyId))?.secretAccessKey).toBe(current.secretAccessKey);
  });

  it('stores no key when KMS does not answer, and answers its 503', async () => {
    const w = keyWorld();
    const mac = fakeMac();
    mac.failing = true;
    Object.assign(w.deps, { mac, macKeyId: 'alias/access-keys' });
    await expect(createAccessKey(w.deps, alice)).rejects.toMatchObject({ status: 503, code: 'AccessKeySecretsUnavailable' });
    expect(w.store.keys.size).toBe(0);
  });
});
