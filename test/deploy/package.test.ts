/**
 * `serverless package` (osls + serverless-esbuild) runs offline and produces the CloudFormation the
 * product card asks for; the bundled handlers load and answer under Node 22, the Lambda runtime's version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessModel } from '../../local/serverless-model';
import { packagedService, TEMPLATE_FILE } from '../support/packaged-service';
import { capturingStdout } from '../support/quiet-logs';

let dir: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vg-package-'));
  // Built once per run, shared with test/deploy/aws-specs.test.ts.
  const out = await packagedService();
  template = JSON.parse(readFileSync(join(out, TEMPLATE_FILE), 'utf8'));
  // One zip per function (package.individually): the two read here, unzipped side by side.
  for (const fn of ['health', 'openapi']) execFileSync('unzip', ['-q', join(out, `${fn}.zip`), '-d', join(dir, 'bundle')]);
}, 300_000);

describe('serverless package', () => {
  it('builds every function of serverless.yml on the nodejs22.x runtime', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    expect(functions.length).toBe(loadServerlessModel('serverless.yml').functions.length);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it('puts the proxy behind a function URL in RESPONSE_STREAM mode', () => {
    const urls = resourcesOf('AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]![1].Properties.InvokeMode).toBe('RESPONSE_STREAM');
    expect(urls[0]![1].Properties.AuthType).toBe('NONE');
  });

  it('creates one HTTP API route per route in serverless.yml', () => {
    const declared = loadServerlessModel('serverless.yml').functions.flatMap((f) => f.routes.map((r) => `${r.method} ${r.path}`));
    const built = resourcesOf('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(built.sort()).toEqual(declared.sort());
  });

  it('makes tables on demand with point-in-time recovery, and the audit table expires by TTL', () => {
    const tables = resourcesOf('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);
    for (const [, table] of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    }
    expect(template.Resources.AuditTable?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('grants the functions no wildcard action and DynamoDB access only to our own tables', () => {
    const role = template.Resources.IamRoleLambdaExecution!;
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toMatch(/^\*$|:\*$/);
      if ([statement.Action].flat().some((a: string) => a.startsWith('dynamodb:'))) {
        expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
      }
    }
  });

  it('creates the KMS keys (RSA signing, HMAC) and grants the functions exactly kms:Sign/GetPublicKey and kms:GenerateMac on them', () => {
    const keys = Object.fromEntries(resourcesOf('AWS::KMS::Key'));
    expect(keys.GatewaySigningKey?.Properties).toMatchObject({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    expect(keys.AccessKeyMacKey?.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const statements = template.Resources.IamRoleLambdaExecution!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const kms = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kms).toContainEqual(
      expect.objectContaining({ Action: ['kms:Sign', 'kms:GetPublicKey'], Resource: [{ 'Fn::GetAtt': ['GatewaySigningKey', 'Arn'] }] }),
    );
    expect(kms).toContainEqual(
      expect.objectContaining({ Action: ['kms:GenerateMac'], Resource: [{ 'Fn::GetAtt': ['AccessKeyMacKey', 'Arn'] }] }),
    );
    // Beyond those, only GetPublicKey on a replaced signing key, which carries the stack's signing-key tag.
    const others = kms.filter((s: any) => !JSON.stringify(s.Resource).includes('Fn::GetAtt'));
    expect(others).toHaveLength(1);
    expect(others[0].Action).toEqual(['kms:GetPublicKey']);
    expect(Object.keys(others[0].Condition.StringEquals)).toEqual(['aws:ResourceTag/volume-gateway:signing-key']);
    // No secret in an environment variable: the keys are named by id.
    const environment = resourcesOf('AWS::Lambda::Function')[0]![1].Properties.Environment.Variables;
    expect(environment.GATEWAY_SIGNING_KEY_ID).toEqual({ Ref: 'GatewaySigningKey' });
    expect(environment.ACCESS_KEY_MAC_KEY_ID).toEqual({ Ref: 'AccessKeyMacKey' });
    expect(environment.ACCESS_KEY_MASTER_KEY).toBe('');
  });

  it("subscribes the shipper to the proxy's and the Node front's audit lines, and keeps its failed deliveries 14 days, replayed", () => {
    const subscribed = resourcesOf('AWS::Logs::SubscriptionFilter').map(([, r]) => r.Properties.LogGroupName.Ref);
    expect(subscribed).toEqual(
      expect.arrayContaining(['ProxyLogGroup', 'NodeProxyLogGroup', 'PresignLogGroup', 'VendCredentialsLogGroup']),
    );
    const [, invokeConfig] = resourcesOf('AWS::Lambda::EventInvokeConfig').find(([id]) => id.startsWith('AuditShipper'))!;
    expect(invokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['AuditShipperFailures', 'Arn'] });
    expect(template.Resources.AuditShipperFailures?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const replay = resourcesOf('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(replay).toContainEqual(
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': ['AuditShipperFailures', 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    const statements = template.Resources.IamRoleLambdaExecution!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['AuditShipperFailures', 'Arn'] } }),
    );
  });

  it('ships no serverless.yml and no YAML parser: the openapi function takes its routes from the build', () => {
    expect(existsSync(join(dir, 'bundle', 'serverless.yml'))).toBe(false);
    const openapi = readFileSync(join(dir, 'bundle', 'functions', 'openapi', 'handler.mjs'), 'utf8');
    expect(openapi).toContain('/volumes/{id}/credentials');
    expect(openapi).not.toContain('serverless.yml:');
  });

  it('bundles handlers that load and answer under Node 22', async () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.OIDC_ISSUER ??= 'https://issuer.example.org';
    process.env.OIDC_AUDIENCE ??= 'volume-gateway';
    process.env.VOLUMES_TABLE ??= 'volumes';
    process.env.AUDIT_TABLE ??= 'audit';
    process.env.ACCESS_KEYS_TABLE ??= 'access-keys';
    process.env.GATEWAY_PRINCIPAL_ARN ??= 'arn:aws:iam::123456789012:role/volume-gateway';
    const module = await import(pathToFileURL(join(dir, 'bundle', 'functions', 'health', 'handler.mjs')).href);
    const { result, lines } = await capturingStdout<{ statusCode: number; body: string; headers: Record<string, string> }>(() =>
      module.handler(
        {
          version: '2.0',
          routeKey: 'GET /health',
          rawPath: '/health',
          headers: {},
          requestContext: { requestId: 'r-1', http: { method: 'GET' } },
        },
        { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 },
      ),
    );
    // The bundle's own logger wrote its access line with the request id.
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ message: 'request served', requestId: 'r-1' }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
    expect(result.headers['x-request-id']).toBe('r-1');
  });
});
