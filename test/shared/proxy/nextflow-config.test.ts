import { describe, expect, it } from 'vitest';
import { nextflowConfig } from '../../../shared/proxy/nextflow-config';
import { vendingWorld, volumeWith } from '../vending/fakes';

describe('the Nextflow config of a volume', () => {
  it('is an aws block with path-style access, the proxy endpoint and placeholders for a gateway key, never a secret', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, 'https://proxy.example.org');
    expect(answer.config).toBe(
      [
        '// volume-gateway: volume "shared-genomes" through the S3 proxy; in paths it is the bucket: s3://shared-genomes/…',
        'aws {',
        "  accessKey = '<ACCESS_KEY_ID>'",
        "  secretKey = '<SECRET_ACCESS_KEY>'",
        "  region = 'eu-central-1'",
        '  client {',
        '    s3PathStyleAccess = true',
        "    endpoint = 'https://proxy.example.org'",
        '  }',
        '}',
        "// workDir = 's3://shared-genomes/work'",
        '',
      ].join('\n'),
    );
    expect(answer.notes[0]).toContain(`POST /access-keys {"volumes": ["${volume.id}"]}`);
    expect(answer.proxyUrl).toBe('https://proxy.example.org');
  });

  it('for a web-identity volume says to use the token as the access key id', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, {}, { auth: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/web' }, requireMfa: true });
    const answer = await nextflowConfig(w.repo, { subject: 'alice' }, volume.id, undefined);
    expect(answer.config).toContain("accessKey = '<YOUR_TOKEN>'");
    expect(answer.config).toContain("secretKey = 'N/A'");
    expect(answer.proxyUrl).toBeNull();
    expect(answer.notes.join(' ')).toMatch(/MFA.*PROXY_PUBLIC_URL/s);
  });

  it('is VolumeNotFound for a non-member', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w);
    await expect(nextflowConfig(w.repo, { subject: 'mallory' }, volume.id, 'https://p')).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
  });
});
