/** Who may use which volume through the proxy, decided before anything reaches S3. */
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayKey } from '../../../shared/proxy/ports';
import { bodyText, type ClientRequest, KEY_ID, type ProxyWorld, proxyWorld, SECRET } from './world';

let w: ProxyWorld;
afterEach(() => w?.cleanup());

const CAROL = { accessKeyId: 'VGAKCAROLCAROLCAROL2', secretAccessKey: 'carol-secret-0123456789abcdef0123456' };

async function withCarol(members = { carol: 'read' as const }, overrides = {}) {
  w = await proxyWorld(members, overrides);
  w.keys.set(CAROL.accessKeyId, { ...CAROL, subject: 'carol', expiresAt: new Date('2030-01-01'), authMethods: ['pwd'] });
}

const codeOf = async (response: Awaited<ReturnType<ProxyWorld['send']>>) => /<Code>([^<]+)<\/Code>/.exec(await bodyText(response))?.[1];

describe('a read member', () => {
  it('reads and lists', async () => {
    await withCarol();
    await w.send({ method: 'PUT', path: '/shared-genomes/shared.txt', body: 'for carol' });
    expect(await bodyText(await w.send({ path: '/shared-genomes/shared.txt', as: CAROL }))).toBe('for carol');
    expect((await w.send({ path: '/shared-genomes', query: { 'list-type': '2' }, as: CAROL })).status).toBe(200);
  });

  it('gets AccessDenied on every write, before anything is forwarded, and the refusal is audited', async () => {
    await withCarol();
    const writes: ClientRequest[] = [
      { method: 'PUT', path: '/shared-genomes/x.txt', body: 'x' },
      { method: 'DELETE', path: '/shared-genomes/x.txt' },
      { method: 'POST', path: '/shared-genomes/x.txt', query: { uploads: '' } },
      { method: 'PUT', path: '/shared-genomes/y.txt', headers: { 'x-amz-copy-source': '/shared-genomes/x.txt' } },
      { method: 'POST', path: '/shared-genomes', query: { delete: '' }, body: '<Delete><Object><Key>x.txt</Key></Object></Delete>' },
    ];
    for (const write of writes) {
      const response = await w.send({ ...write, as: CAROL });
      expect({ write: `${write.method} ${write.path}`, status: response.status, code: await codeOf(response) }).toEqual({
        write: `${write.method} ${write.path}`,
        status: 403,
        code: 'AccessDenied',
      });
    }
    expect(w.sent).toEqual([]);
    const denied = w.audit.events.filter((e) => e.subject === 'carol' && e.outcome === 'denied');
    expect(denied.map((e) => e.action)).toEqual([
      'proxy.PutObject',
      'proxy.DeleteObject',
      'proxy.CreateMultipartUpload',
      'proxy.CopyObject',
      'proxy.DeleteObjects',
    ]);
    expect(denied[0]!.detail).toMatchObject({ reason: 'AccessExceedsMembership', key: 'x.txt', via: 'gateway-key' });
  });
});

describe('volumes the caller may not see', () => {
  it('answer NoSuchBucket, the same as a volume that does not exist, and nothing is audited', async () => {
    await withCarol({} as never);
    for (const path of ['/shared-genomes/x', '/no-such-volume/x', '/NOT_A_NAME/x']) {
      const response = await w.send({ path, as: CAROL });
      expect({ path, status: response.status, code: await codeOf(response) }).toEqual({ path, status: 404, code: 'NoSuchBucket' });
    }
    expect(w.audit.events.filter((e) => e.subject === 'carol')).toEqual([]);
  });

  it('include those a gateway key is not limited to', async () => {
    await withCarol();
    w.keys.set(KEY_ID, {
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      subject: 'alice',
      volumeIds: ['vol-other'],
      expiresAt: new Date('2030-01-01'),
      authMethods: [],
    });
    const response = await w.send({ path: '/shared-genomes/x' });
    expect(response.status).toBe(404);
    expect(await codeOf(response)).toBe('NoSuchBucket');
  });
});

describe('volume rules', () => {
  it('a pending volume serves nothing: AccessDenied saying to verify it', async () => {
    await withCarol(undefined, { status: 'pending' });
    const response = await w.send({ path: '/shared-genomes/x' });
    expect(response.status).toBe(403);
    expect(await bodyText(response)).toMatch(/verify it first/);
  });

  it('requireMfa is honoured from the gateway key’s recorded authentication methods', async () => {
    await withCarol(undefined, { requireMfa: true });
    expect(await bodyText(await w.send({ path: '/shared-genomes/x' }))).toMatch(/multi-factor/);
    w.keys.set(KEY_ID, {
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      subject: 'alice',
      expiresAt: new Date('2030-01-01'),
      authMethods: ['pwd', 'mfa'],
    });
    expect((await w.send({ method: 'PUT', path: '/shared-genomes/x', body: 'x' })).status).toBe(200);
  });

  it('a web-identity volume needs the caller’s own token, which a gateway key does not carry', async () => {
    await withCarol(undefined, { auth: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/web' }, externalId: undefined });
    const response = await w.send({ path: '/shared-genomes/x' });
    expect(response.status).toBe(403);
    expect(await bodyText(response)).toMatch(/use your token as the access key id/);
  });
});

describe('ListBuckets', () => {
  it('lists the volumes the caller may use, by name, and no others', async () => {
    await withCarol();
    const text = await bodyText(await w.send({ path: '/' }));
    expect(text).toMatch(
      new RegExp(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListAllMyBucketsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/.source +
          /<Owner><ID>[0-9a-f]{64}<\/ID><DisplayName>alice<\/DisplayName><\/Owner>/.source +
          /<Buckets><Bucket><Name>shared-genomes<\/Name><CreationDate>/.source,
      ),
    );
    expect(text).not.toMatch(/lab-genomes/);
    w.keys.set(KEY_ID, {
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      subject: 'alice',
      volumeIds: ['vol-other'],
      expiresAt: new Date('2030-01-01'),
      authMethods: [],
    });
    expect(await bodyText(await w.send({ path: '/' }))).toMatch(/<Buckets><\/Buckets>/);
  });
});

describe('bucket questions answered from the volume', () => {
  it('CreateBucket of a volume the caller uses is BucketAlreadyOwnedByYou (rclone goes on); of any other name NotImplemented', async () => {
    await withCarol();
    const owned = await w.send({ method: 'PUT', path: '/shared-genomes', as: CAROL });
    expect([owned.status, await codeOf(owned)]).toEqual([409, 'BucketAlreadyOwnedByYou']);
    const other = await w.send({ method: 'PUT', path: '/brand-new-bucket' });
    expect([other.status, await codeOf(other)]).toEqual([501, 'NotImplemented']);
    expect(await bodyText(other)).toMatch(/POST \/volumes/);
    expect(w.sent).toEqual([]);
  });

  it('HeadBucket is 200 for a usable volume and GetBucketLocation names its region; S3 is not asked', async () => {
    await withCarol();
    expect((await w.send({ method: 'HEAD', path: '/shared-genomes' })).status).toBe(200);
    expect(await bodyText(await w.send({ path: '/shared-genomes', query: { location: '' } }))).toMatch(
      /<LocationConstraint xmlns="[^"]+">eu-central-1<\/LocationConstraint>$/,
    );
    expect(w.sent).toEqual([]);
  });
});

describe('a key with scopes', () => {
  const VOLUME = 'shared-genomes';
  async function scoped(scopes: NonNullable<GatewayKey['scopes']>) {
    w = await proxyWorld({ carol: 'write' }, { accessMode: 'read-write' });
    w.keys.set(CAROL.accessKeyId, {
      ...CAROL,
      subject: 'carol',
      expiresAt: new Date('2030-01-01'),
      authMethods: ['pwd'],
      volumeIds: [w.volume.id],
      scopes: scopes.map((scope) => ({ ...scope, volumeId: w.volume.id })),
    });
    return { as: CAROL };
  }
  const policies = () => w.sts.calls.map((call) => JSON.parse(call.policy!) as { Statement: Array<{ Resource: string[] }> });

  it('writes inside its prefix with a session narrowed to it; AccessDenied outside, for a parent listing, without a prefix', async () => {
    const { as } = await scoped([{ volumeId: '', prefix: 'work/' }]);
    expect((await w.send({ as, method: 'PUT', path: `/${VOLUME}/work/a.txt`, body: 'x' })).status).toBe(200);
    expect(policies().at(-1)!.Statement[1]!.Resource).toEqual([`arn:aws:s3:::${w.volume.bucket}/${w.volume.prefix}/work/*`]);
    expect((await w.send({ as, path: `/${VOLUME}`, query: { 'list-type': '2', prefix: 'work/' } })).status).toBe(200);
    const outside: ClientRequest[] = [
      { as, method: 'PUT', path: `/${VOLUME}/results/a.txt`, body: 'x' },
      { as, path: `/${VOLUME}/other.txt` },
      { as, path: `/${VOLUME}`, query: { 'list-type': '2', prefix: 'wor' } },
      { as, path: `/${VOLUME}`, query: { 'list-type': '2' } },
    ];
    for (const request of outside) {
      const response = await w.send(request);
      expect({ request: request.path, status: response.status, code: await codeOf(response) }).toEqual({
        request: request.path,
        status: 403,
        code: 'AccessDenied',
      });
    }
    expect(w.audit.events.filter((e) => e.outcome === 'denied')).toHaveLength(4);
  });

  it('refuses writes where its scope reads, and adds scopes up: read everywhere, write in work/', async () => {
    const { as } = await scoped([
      { volumeId: '', access: 'read' },
      { volumeId: '', prefix: 'work/', access: 'write' },
    ]);
    expect((await w.send({ as, method: 'PUT', path: `/${VOLUME}/work/a.txt`, body: 'x' })).status).toBe(200);
    expect((await w.send({ as, path: `/${VOLUME}/work/a.txt` })).status).toBe(200);
    expect((await w.send({ as, path: `/${VOLUME}`, query: { 'list-type': '2' } })).status).toBe(200);
    const refused = await w.send({ as, method: 'PUT', path: `/${VOLUME}/b.txt`, body: 'x' });
    expect([refused.status, await codeOf(refused)]).toEqual([403, 'AccessDenied']);
  });
});

describe('a gateway key resolved before the volume’s sessions were revoked in another container', () => {
  it('is read from the store again once the proxy sees the revocation on the volume, and refused if it is gone', async () => {
    await withCarol();
    const now = w.clock.now().getTime();
    const carol = w.keys.get(CAROL.accessKeyId)!;
    w.keys.set(CAROL.accessKeyId, { ...carol, resolvedAt: new Date(now - 60_000) });
    const volume = (await w.repo.get(w.volume.id))!;
    await w.repo.update(
      { ...volume, sessionsRevokedAt: new Date(now - 30_000).toISOString(), version: volume.version + 1 },
      volume.version,
    );
    const reads: Array<string | undefined> = [];
    const get = w.keys.get.bind(w.keys);
    w.keys.get = (id: string) => (reads.push(id), get(id));
    expect((await w.send({ as: CAROL, path: '/shared-genomes/', query: { 'list-type': '2' } })).status).toBe(200);
    expect(reads).toEqual([CAROL.accessKeyId, CAROL.accessKeyId]);

    // Deleted in the store meanwhile: the second read finds nothing, and the request is refused.
    let n = 0;
    w.keys.get = (id: string) => (++n === 1 ? get(id) : undefined);
    const refused = await w.send({ as: CAROL, path: '/shared-genomes/', query: { 'list-type': '2' } });
    expect([refused.status, await codeOf(refused)]).toEqual([403, 'InvalidAccessKeyId']);
  });
});
