/**
 * `npm start`: the whole service on 127.0.0.1 with no AWS account and no network.
 * Ports: API_PORT (3000), PROXY_PORT (3001), AWS_PORT (4566), OIDC_PORT (3002), NODE_PROXY_PORT (3003), CONSOLE_PORT (3004).
 * Data: LOCAL_DATA_DIR (.local).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { keepServing } from '../containers/node-proxy/keep-serving';
import { createLogger } from '../shared/log';
import { functionUrlModel } from './function-url-model';
import { DEFAULT_PORTS, startStack } from './stack';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    console.error(`${name} must be a port number from 0 to 65535 (got "${value}")`);
    process.exit(2);
  }
  return parsed;
}

const dataDir = process.env.LOCAL_DATA_DIR || '.local';
const log = createLogger({ component: 'local-stack' }, { level: (process.env.LOG_LEVEL as 'info') || 'info' });
keepServing(log);

try {
  const stack = await startStack({
    dataDir,
    ports: {
      api: port('API_PORT', DEFAULT_PORTS.api),
      proxy: port('PROXY_PORT', DEFAULT_PORTS.proxy),
      aws: port('AWS_PORT', DEFAULT_PORTS.aws),
      oidc: port('OIDC_PORT', DEFAULT_PORTS.oidc),
      nodeProxy: port('NODE_PROXY_PORT', DEFAULT_PORTS.nodeProxy),
      console: port('CONSOLE_PORT', DEFAULT_PORTS.console),
    },
    console: true,
    log,
    // The function URL's switches (docs/function-url.md, "Local model"); a misspelt one stops the start here.
    functionUrl: functionUrlModel(process.env.FUNCTION_URL_MODEL),
  });
  const { info } = stack;
  process.stderr.write(
    [
      '',
      'volume-gateway is running locally:',
      `  Web console     ${info.consoleUrl}        (open it in a browser and sign in on the local issuer's form)`,
      `  HTTP API        ${info.apiUrl}        (try: curl ${info.apiUrl}/health)`,
      `  S3 proxy (Node) ${info.nodeProxyUrl}   (the container front: the endpoint for S3 clients, any size)`,
      `  S3 proxy        ${info.proxyUrl}   (the Lambda function URL, modelled as AWS runs it: no Content-Length on answers, requests ` +
        `up to ~4.5 MiB; docs/function-url.md)`,
      `  AWS endpoint    ${info.awsEndpoint}   (DynamoDB, S3, IAM, STS, KMS: /usr/bin/aws --endpoint-url ${info.awsEndpoint})`,
      `  OIDC issuer     ${info.issuer}        (a token: npm run --silent token -- --sub alice)`,
      `  details         ${join(dataDir, 'stack.json')}`,
      `Ctrl-C stops it; data stays in ${dataDir}`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await stack.close();
    rmSync(join(dataDir, 'stack.json'), { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    console.error(
      `A port is already in use (${e.message}). Is another npm start running? Set API_PORT, PROXY_PORT, AWS_PORT, OIDC_PORT or ` +
        `NODE_PROXY_PORT or CONSOLE_PORT to move.`,
    );
  } else {
    console.error(`The local stack could not start: ${e.message}`);
  }
  process.exit(1);
}
