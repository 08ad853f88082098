import { describe, expect, it } from 'vitest';
import { createForwardingCredentials, forwardingCredentials } from '../../../shared/proxy/forwarding-credentials';
import { sessionPolicy } from '../../../shared/vending/session-policy';
import { vendingWorld, volumeWith } from '../vending/fakes';
import { caller } from '../volumes/fakes';

describe('the proxy’s sessions', () => {
  it('come from the vending cache: one STS call for many requests, with the caller in the session name', async () => {
    const w = vendingWorld();
    const v = await volumeWith(w);
    const a = await forwardingCredentials(w.deps, caller('alice'), v, 'write');
    const b = await forwardingCredentials(w.deps, caller('alice'), v, 'write');
    expect(a).toEqual(b);
    expect(w.sts.calls).toHaveLength(1);
    expect(w.sts.calls[0]).toMatchObject({ sessionName: 'alice', durationSeconds: 3600 });
    expect(w.sts.calls[0]!.policy).toContain('ProxyListUploads');
  });

  it('ask STS for the session policy with the multipart listing, with no wrapper around the issuer', async () => {
    const w = vendingWorld();
    const v = await volumeWith(w);
    await forwardingCredentials(w.deps, caller('alice'), v, 'write');
    expect(w.sts.calls[0]!.policy).toBe(sessionPolicy(v, 'write', { listUploads: true }));
  });

  it('need only the STS port and the proxy’s own cache, not the whole vending bag', async () => {
    const w = vendingWorld();
    const v = await volumeWith(w);
    const credentials = createForwardingCredentials({ sts: w.deps.sts, cache: w.deps.cache });
    expect(await credentials(caller('alice'), v, 'read')).toEqual(await forwardingCredentials(w.deps, caller('alice'), v, 'read'));
    expect(w.sts.calls).toHaveLength(1);
    expect(w.sts.calls[0]!.policy).toBe(sessionPolicy(v, 'read', { listUploads: true }));
  });
});
