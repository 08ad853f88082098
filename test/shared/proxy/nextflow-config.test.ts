import { describe, expect, it } from 'vitest';
import { nextflowConfig } from '../../../shared/proxy/nextflow-config';
import { vendingWorld, volumeWith } from '../vending/fakes';

describe('the Nextflow config of a volume', () => {
  it('is an aws block with path-style access, the Node front as endpoint, saying why, and placeholders for a gateway key, never a secret', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, { publicUrl: 'https://abc.lambda-url.eu-central-1.on.aws', nodeUrl: 'https://s3.example.org' });
    expect(answer.config).toBe(
      [
        '// volume-gateway: volume "shared-genomes" through the S3 proxy; in paths it is the bucket: s3://shared-genomes/…',
        "// The endpoint is the proxy's Node front: Nextflow uploads files whole up to its multipart threshold, and a",
        "// Lambda function URL refuses every request over about 4.5 MiB (Lambda's own 413, which S3 clients cannot parse).",
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
    expect(answer.proxyUrl).toBe('https://s3.example.org');
  });

  it('with only a function URL names it, and says in a comment and a note that writes over 4 MiB need the Node front or credential_process', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, { publicUrl: 'https://abc123.lambda-url.eu-central-1.on.aws' });
    expect(answer.proxyUrl).toBe('https://abc123.lambda-url.eu-central-1.on.aws');
    expect(answer.config).toContain("endpoint = 'https://abc123.lambda-url.eu-central-1.on.aws'");
    expect(answer.config).toMatch(/^\/\/ The endpoint is a Lambda function URL: writes over 4 MiB fail there with Lambda's 413\..*Node front.*credential_process/ms);
    expect(answer.notes.join(' ')).toMatch(/Writes over 4 MiB fail through a Lambda function URL.*413.*Node front.*credential_process/);
  });

  it('with a proxy URL of unknown front says writes over 4 MiB need the Node front if it is a function URL', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, { carol: 'read' });
    const answer = await nextflowConfig(w.repo, { subject: 'carol' }, volume.id, { publicUrl: 'https://s3.example.org' });
    expect(answer.config).toContain("endpoint = 'https://s3.example.org'");
    expect(answer.config).toMatch(/^\/\/ Writes over 4 MiB need the proxy's Node front: if this endpoint is the Lambda function URL/m);
    expect(answer.notes.join(' ')).toMatch(/Writes over 4 MiB/);
  });

  it('for a web-identity volume says to use the token as the access key id', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w, {}, { auth: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/web' }, requireMfa: true });
    const answer = await nextflowConfig(w.repo, { subject: 'alice' }, volume.id, {});
    expect(answer.config).toContain("accessKey = '<YOUR_TOKEN>'");
    expect(answer.config).toContain("secretKey = 'N/A'");
    expect(answer.proxyUrl).toBeNull();
    expect(answer.notes.join(' ')).toMatch(/MFA.*PROXY_PUBLIC_URL.*Writes over 4 MiB/s);
  });

  it('is VolumeNotFound for a non-member', async () => {
    const w = vendingWorld();
    const volume = await volumeWith(w);
    await expect(nextflowConfig(w.repo, { subject: 'mallory' }, volume.id, { publicUrl: 'https://p' })).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
  });
});
