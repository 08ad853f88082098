/**
 * The web console at AWS, as the packaged template deploys it: a private bucket that only the stack's CloudFront
 * distribution reads (origin access control), the security headers local/console-server.ts sets too, the API's CORS
 * admitting the console's origin, and config.json written from the ConsoleConfig output by scripts/deploy-console.ts.
 * No AWS account here: the template is checked as CloudFormation would read it, intrinsics resolved with sample values.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleDeployment, publishCommands, type StackOutput } from '../../scripts/deploy-console';
import { packagedService, TEMPLATE_FILE } from '../support/packaged-service';

const exec = promisify(execFile);
// A CloudFormation template is untyped JSON.
type Json = any;
let template: Json;

const SAMPLE: Record<string, string> = {
  HttpApi: 'abc123',
  'AWS::Region': 'eu-west-1',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::Partition': 'aws',
  'AWS::AccountId': '111122223333',
  ConsoleDistribution: 'E2EXAMPLE',
  ConsoleBucket: 'volume-gateway-ci-consolebucket-1x2y3z',
  'ConsoleDistribution.DomainName': 'd111111abcdef8.cloudfront.net',
  'ConsoleBucket.Arn': 'arn:aws:s3:::volume-gateway-ci-consolebucket-1x2y3z',
};

/** Fn::Join, Ref and Fn::GetAtt over the sample values: what CloudFormation would make of the value. */
function resolve(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve);
  if ('Ref' in value) return SAMPLE[value.Ref] ?? `<Ref ${value.Ref}>`;
  if ('Fn::GetAtt' in value) return SAMPLE[value['Fn::GetAtt'].join('.')] ?? `<GetAtt ${value['Fn::GetAtt'].join('.')}>`;
  if ('Fn::Join' in value) return resolve(value['Fn::Join'][1]).join(value['Fn::Join'][0]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}

beforeAll(async () => {
  template = JSON.parse(readFileSync(join(await packagedService(), TEMPLATE_FILE), 'utf8'));
}, 300_000);

describe('the console hosting in the packaged template', () => {
  it('keeps the bucket private: all public access blocked, objects readable only by this stack’s distribution, TLS only', () => {
    const bucket = template.Resources.ConsoleBucket;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const statements = resolve(template.Resources.ConsoleBucketPolicy.Properties.PolicyDocument.Statement);
    const allows = statements.filter((s: Json) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudFrontReadsTheConsole',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `${SAMPLE['ConsoleBucket.Arn']}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E2EXAMPLE' } },
      },
    ]);
    expect(statements.find((s: Json) => s.Sid === 'TlsOnly')).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('serves through CloudFront with origin access control, https only, security headers on every path, page and settings uncached', () => {
    const config = template.Resources.ConsoleDistribution.Properties.DistributionConfig;
    const origin = config.Origins[0];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['ConsoleOriginAccessControl', 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(template.Resources.ConsoleOriginAccessControl.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    for (const behavior of behaviors) {
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: 'ConsoleResponseHeaders' });
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
    const caching = Object.fromEntries(config.CacheBehaviors.map((b: Json) => [b.PathPattern, b.CachePolicyId]));
    // AWS's managed CachingDisabled policy.
    expect(caching).toEqual({
      '/config.json': '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      '/index.html': '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    });
    const headers = resolve(template.Resources.ConsoleResponseHeaders.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig);
    const csp: string = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' https:\/\/abc123\.execute-api\.eu-west-1\.amazonaws\.com .*https:\/\/\*\.amazonaws\.com;/);
    expect(headers.StrictTransportSecurity.Override).toBe(true);
  });

  it('lets the console’s origin call the API (CORS) in every function', () => {
    const functions = Object.values<Json>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      const origins = resolve(fn.Properties.Environment.Variables.CORS_ALLOWED_ORIGINS).split(',').filter(Boolean);
      expect(origins).toContain('https://d111111abcdef8.cloudfront.net');
    }
  });

  it('writes config.json from the ConsoleConfig output, naming this deployment’s API', () => {
    const config = JSON.parse(resolve(template.Outputs.ConsoleConfig.Value));
    expect(config).toEqual({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      // Packaged without consoleOidcIssuer or consoleClientId: deploy:console refuses until they are given.
      oidc: { issuer: '', clientId: '', scope: 'openid email groups' },
      proxyUrl: '',
      nodeProxyUrl: '',
    });
  });
});

describe('npm run deploy:console', () => {
  const outputs = (config: Json): StackOutput[] => [
    { OutputKey: 'ConsoleConfig', OutputValue: JSON.stringify(config) },
    { OutputKey: 'ConsoleBucketName', OutputValue: 'console-bucket' },
    { OutputKey: 'ConsoleDistributionId', OutputValue: 'E2EXAMPLE' },
    { OutputKey: 'ConsoleUrl', OutputValue: 'https://d111111abcdef8.cloudfront.net' },
  ];
  const deployed = {
    apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
    oidc: { issuer: 'https://login.lab.example', clientId: 'console-client', scope: 'openid email groups' },
    proxyUrl: '',
    nodeProxyUrl: 'https://s3.lab.example',
  };

  it('refuses a deployment without the console’s client id or issuer, saying which param to set', () => {
    expect(() => consoleDeployment(outputs({ ...deployed, oidc: { ...deployed.oidc, clientId: '' } }))).toThrow(/consoleClientId/);
    expect(() => consoleDeployment(outputs({ ...deployed, oidc: { ...deployed.oidc, issuer: '' } }))).toThrow(/consoleOidcIssuer/);
    expect(() => consoleDeployment(outputs(deployed).slice(1))).toThrow(/no ConsoleConfig output/);
  });

  it('builds the console, writes config.json and names the upload and invalidation commands (dry run)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-deploy-console-'));
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify(outputs(deployed)));
    const { stdout } = await exec(
      'node_modules/.bin/tsx',
      [
        'scripts/deploy-console.ts',
        '--dry-run',
        '--outputs-file',
        join(dir, 'outputs.json'),
        '--outdir',
        join(dir, 'out'),
        '--region',
        'eu-west-1',
      ],
      { timeout: 60_000 },
    );
    expect(JSON.parse(readFileSync(join(dir, 'out', 'config.json'), 'utf8'))).toEqual({
      apiUrl: deployed.apiUrl,
      oidc: deployed.oidc,
      nodeProxyUrl: 'https://s3.lab.example',
    });
    expect(readFileSync(join(dir, 'out', 'index.html'), 'utf8')).toContain('/app.js');
    const commands = publishCommands(consoleDeployment(outputs(deployed)), join(dir, 'out'), 'eu-west-1').map((c) => `aws ${c.join(' ')}`);
    expect(stdout.trim().split('\n')).toEqual([...commands, 'would publish the console: https://d111111abcdef8.cloudfront.net/']);
    expect(commands.join('\n')).toMatch(/s3 cp \S+config\.json s3:\/\/console-bucket\/config\.json --cache-control no-store/);
    expect(commands.at(-1)).toBe('aws cloudfront create-invalidation --distribution-id E2EXAMPLE --paths /*');
  });
});
