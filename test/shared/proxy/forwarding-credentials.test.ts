import { describe, expect, it } from 'vitest';
import { forwardingCredentials, proxySessionPolicy, withProxySessionPolicy } from '../../../shared/proxy/forwarding-credentials';
import { sessionPolicy } from '../../../shared/vending/session-policy';
import { permissionsPolicy } from '../../../shared/volumes/policies';
import { caller } from '../volumes/fakes';
import { vendingWorld, volumeWith } from '../vending/fakes';

const volume = { bucket: 'lab-genomes', prefix: 'runs/2025', region: 'eu-central-1' };
describe('the proxy’s sessions', () => {
  it('write sessions may also list the bucket’s multipart uploads (the proxy confines that listing to the root itself)', () => {
    const policy = JSON.parse(proxySessionPolicy(sessionPolicy(volume, 'write'))!);
    expect(policy.Statement.at(-1)).toEqual({ Sid: 'ProxyListUploads', Effect: 'Allow', Action: ['s3:ListBucketMultipartUploads'], Resource: ['arn:aws:s3:::lab-genomes'] });
    expect(policy.Statement.slice(0, -1)).toEqual(JSON.parse(sessionPolicy(volume, 'write')).Statement);
  });

  it('read sessions are vending’s, tag reading included (what the aws cli’s multipart copy asks first)', () => {
    expect(proxySessionPolicy(sessionPolicy(volume, 'read'))).toBe(sessionPolicy(volume, 'read'));
    expect(JSON.parse(sessionPolicy(volume, 'read')).Statement[1]).toEqual({ Sid: 'VolumeObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging'], Resource: ['arn:aws:s3:::lab-genomes/runs/2025/*'] });
  });

  it('never grants more than the role’s permissions policy', () => {
    const role = permissionsPolicy({ ...volume, accessMode: 'read-write' });
    const grants = (statements: Array<{ Action: string[]; Resource?: string[] }>) => statements.flatMap((s) => s.Action.flatMap((a) => (s.Resource ?? []).map((r) => `${a} ${r}`)));
    const roleGrants = new Set(grants(role.Statement));
    for (const access of ['read', 'write'] as const) {
      for (const grant of grants(JSON.parse(proxySessionPolicy(sessionPolicy(volume, access))!).Statement)) expect(roleGrants).toContain(grant);
    }
  });

  it('a policy that would no longer fit STS’s 2,048 characters with it is left as it was', () => {
    const long = { ...volume, bucket: 'b'.repeat(63), prefix: 'p'.repeat(495) };
    const base = sessionPolicy(long, 'write');
    expect(base.length).toBeLessThanOrEqual(2048);
    expect(proxySessionPolicy(base)).toBe(base);
  });

  it('come from the vending cache: one STS call for many requests, with the caller in the session name', async () => {
    const w = vendingWorld();
    const v = await volumeWith(w);
    w.deps.sts = withProxySessionPolicy(w.sts);
    const a = await forwardingCredentials(w.deps, caller('alice'), v, 'write');
    const b = await forwardingCredentials(w.deps, caller('alice'), v, 'write');
    expect(a).toEqual(b);
    expect(w.sts.calls).toHaveLength(1);
    expect(w.sts.calls[0]).toMatchObject({ sessionName: 'alice', durationSeconds: 3600 });
    expect(w.sts.calls[0]!.policy).toContain('ProxyListUploads');
  });
});
