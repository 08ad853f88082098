import { describe, expect, it } from 'vitest';
import { nextflowConfig } from '../../../shared/proxy/nextflow-config';
import { vendingWorld, volumeWith } from '../vending/fakes';

describe('the Nextflow config of a volume', () => {
  it(
    'is an aws block with path-style access, the Node front as endpoint, saying why, and placeholders for a gateway key, never a ' +
      'secret',
    async () => {
      const w = vendingWorld();
      const volume = await volumeWith(w, { carol: 'read' });
      const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, {
        publicUrl: 'https://abc.lambda-url.eu-central-1.on.aws',
        nodeUrl: 'https://s3.example.org',
      });
      expect(answer.config).toBe(
        [
          '// volume-gateway: volume "shared-genomes" through the S3 proxy; in paths it is the bucket: s3://shared-genomes/…',
          "// The endpoint is the proxy's Node front. A Lambda function URL cannot serve Nextflow: AWS renames the",
          '// Content-Length of its streamed answers, so HeadObject gives no object size, and it refuses requests over 4.5 MiB.',
          'aws {',
          "  accessKey = '<ACCESS_KEY_ID>'",
          "  secretKey = '<SECRET_ACCESS_KEY>'",
          "  region = 'eu-central-1'",
          '  client {',
          '    s3PathStyleAccess = true',
          "    endpoint = 'https://s3.example.org'",
          '  }',
          '}',
          "// workDir = 's3://shared-genomes/work'",
          '',
        ].join('\n'),
      );
      expect(answer.notes).toEqual([expect.stringContaining(`POST /access-keys {"volumes": ["${volume.id}"]}`)]);
      // A run's key that writes only its work directory: the scopes to create it with, workDir inside the writing one.
      expect(answer.notes[0]).toContain(
        `{"scopes": [{"volumeId": "${volume.id}", "access": "read"}, {"volumeId": "${volume.id}", "prefix": "work/", "access": "write"}]}`,
      );
      expect(answer.config).toContain(`// workDir = 's3://${volume.name}/work'`);
      expect(answer.proxyUrl).toBe('https://s3.example.org');
    },
  );

  it(
    'with only a function URL never names it (HeadObject carries no size there): a placeholder, and a note naming the Node front or ' +
      'credential_process',
    async () => {
      const w = vendingWorld();
      const volume = await volumeWith(w, { carol: 'read' });
      const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, {
        publicUrl: 'https://abc123.lambda-url.eu-central-1.on.aws',
      });
      expect(answer.proxyUrl).toBeNull();
      expect(answer.config).not.toContain('lambda-url');
      expect(answer.config).toContain("endpoint = '<the Node front URL of this deployment>'");
      expect(answer.config).toMatch(/^\/\/ This deployment's S3 proxy is a Lambda function URL, which cannot serve Nextflow/m);
      expect(answer.notes.join(' ')).toMatch(
        /Nextflow needs the proxy's Node front.*Content-Length.*HeadObject carries no object size.*credential_process/,
      );
    },
  );

  it('knows a function URL however its host is spelt (upper case, a trailing dot, a port, a path) and never names it', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    for (const publicUrl of [
      'https://ABC123.LAMBDA-URL.EU-CENTRAL-1.ON.AWS/',
      'https://abc123.lambda-url.eu-central-1.on.aws./',
      'https://abc123.lambda-url.eu-central-1.on.aws:443/x',
    ]) {
      const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, { publicUrl });
      expect(answer.proxyUrl, publicUrl).toBeNull();
      expect(answer.config.toLowerCase(), publicUrl).not.toContain('lambda-url');
    }
  });

  it('with a proxy URL of unknown front names it, saying it must be the Node front and not a function URL', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, { publicUrl: 'https://s3.example.org' });
    expect(answer.config).toContain("endpoint = 'https://s3.example.org'");
    expect(answer.config).toMatch(/^\/\/ The endpoint must be the proxy's Node front, not a Lambda function URL/m);
    expect(answer.notes.join(' ')).toMatch(/Nextflow needs the proxy's Node front/);
  });

  it('for a web-identity volume says to use the token as the access key id', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(
      w,
      {},
      { auth: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/web' }, requireMfa: true },
    );
    const answer = await nextflowConfig(w.repo, { subject: 'alice' }, volume.id, {});
    expect(answer.config).toContain("accessKey = '<YOUR_TOKEN>'");
    expect(answer.config).toContain("secretKey = 'N/A'");
    expect(answer.proxyUrl).toBeNull();
    expect(answer.notes.join(' ')).toMatch(/MFA.*PROXY_PUBLIC_URL.*Nextflow needs the proxy's Node front/s);
  });

  it('is VolumeNotFound for a non-member', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w);
    await expect(nextflowConfig(w.repo, { subject: 'mallory' }, volume.id, { publicUrl: 'https://p' })).rejects.toMatchObject({
      status: 404,
      code: 'VolumeNotFound',
    });
  });
});
