/**
 * `npm run deploy:console -- --stage prod [--region us-east-1] [--dry-run]`: after `serverless deploy`, puts the web
 * console where the stack's CloudFront distribution serves it from. It reads the stack's outputs (the aws cli's
 * `cloudformation describe-stacks`), builds the console, writes `config.json` from the ConsoleConfig output (the API,
 * issuer and client id of this very deployment), uploads with `aws s3 sync` (config.json and index.html never
 * cached) and invalidates the distribution. `--dry-run` writes the build and config.json and prints the commands.
 * `--outputs-file <json>` reads the outputs from a file (describe-stacks' `Stacks[0].Outputs`) instead of AWS.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildConsole } from '../console/build';
import type { ConsoleConfig } from '../console/src/config-shape';

const exec = promisify(execFile);

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
}

export interface ConsoleDeployment {
  bucket: string;
  distributionId: string;
  url: string;
  config: ConsoleConfig;
}

/** The outputs serverless.yml declares for the console, checked: a deployment without a client id cannot sign anyone in. */
export function consoleDeployment(outputs: StackOutput[]): ConsoleDeployment {
  const value = (key: string) => {
    const found = outputs.find((output) => output.OutputKey === key)?.OutputValue;
    if (!found) throw new Error(`The stack has no ${key} output: deploy this version of serverless.yml first.`);
    return found;
  };
  let config: ConsoleConfig;
  try {
    config = JSON.parse(value('ConsoleConfig')) as ConsoleConfig;
  } catch (error) {
    throw new Error(`The stack's ConsoleConfig output is not JSON (${(error as Error).message}).`);
  }
  if (!config.oidc.issuer)
    throw new Error('No OpenID provider for the console: deploy with --param="consoleOidcIssuer=…" (or oidcIssuer).');
  if (!config.oidc.clientId) {
    throw new Error('No client id for the console: register it at your OpenID provider, then deploy with --param="consoleClientId=…".');
  }
  if (!config.proxyUrl) delete config.proxyUrl;
  if (!config.nodeProxyUrl) delete config.nodeProxyUrl;
  return { bucket: value('ConsoleBucketName'), distributionId: value('ConsoleDistributionId'), url: value('ConsoleUrl'), config };
}

/** The aws cli commands that publish a build in `dir` (argument vectors, no shell). */
export function publishCommands(deployment: ConsoleDeployment, dir: string, region: string): string[][] {
  const target = `s3://${deployment.bucket}`;
  const common = ['--region', region];
  return [
    // The bundles first (a page loaded mid-deploy finds them), then the page and its settings, never cached.
    [
      's3',
      'sync',
      dir,
      target,
      '--delete',
      '--exclude',
      'index.html',
      '--exclude',
      'config.json',
      '--cache-control',
      'max-age=300',
      ...common,
    ],
    ['s3', 'cp', join(dir, 'index.html'), `${target}/index.html`, '--cache-control', 'no-cache', ...common],
    ['s3', 'cp', join(dir, 'config.json'), `${target}/config.json`, '--cache-control', 'no-store', ...common],
    ['cloudfront', 'create-invalidation', '--distribution-id', deployment.distributionId, '--paths', '/*'],
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'dev' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
      'dry-run': { type: 'boolean', default: false },
      'outputs-file': { type: 'string' },
      outdir: { type: 'string', default: 'dist/console' },
    },
  });
  const region = values.region!;
  const outputs: StackOutput[] = values['outputs-file']
    ? JSON.parse(readFileSync(values['outputs-file'], 'utf8'))
    : JSON.parse(
        (
          await exec('aws', [
            'cloudformation',
            'describe-stacks',
            '--stack-name',
            `volume-gateway-${values.stage}`,
            '--region',
            region,
            '--query',
            'Stacks[0].Outputs',
            '--output',
            'json',
          ])
        ).stdout,
      );
  const deployment = consoleDeployment(outputs);
  const { outdir } = await buildConsole({ outdir: values.outdir! });
  writeFileSync(join(outdir, 'config.json'), `${JSON.stringify(deployment.config, null, 2)}\n`);
  for (const command of publishCommands(deployment, outdir, region)) {
    process.stdout.write(`aws ${command.join(' ')}\n`);
    if (!values['dry-run']) await exec('aws', command, { maxBuffer: 16 * 1024 * 1024 });
  }
  process.stdout.write(`${values['dry-run'] ? 'would publish' : 'published'} the console: ${deployment.url}/\n`);
}

if (process.argv[1]?.endsWith('deploy-console.ts')) {
  main().catch((error: Error) => {
    process.stderr.write(`deploy:console: ${error.message}\n`);
    process.exit(1);
  });
}
