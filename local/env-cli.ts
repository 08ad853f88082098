/**
 * `npm run --silent local-env -- [--customer N]`: prints shell `export` lines for the running local
 * stack (from its stack.json), so `eval "$(npm run --silent local-env -- --customer 1)"` makes the
 * AWS CLI act as that customer account's admin. N counts from 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackInfo } from './stack';

function fail(message: string, code = 2): never {
  process.stderr.write(`local-env: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
let customer = 1;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--customer' && /^\d+$/.test(args[i + 1] ?? '')) customer = Number(args[++i]);
  else fail(`unknown argument "${args[i]}". Usage: npm run --silent local-env -- [--customer N]`);
}

const file = join(process.env.LOCAL_DATA_DIR || '.local', 'stack.json');
let info: StackInfo;
try {
  info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
} catch {
  fail(`${file} not found: start the stack first with npm start`, 1);
}
const account = info.customers[customer - 1];
if (!account) fail(`there is no customer ${customer}; the stack has ${info.customers.length}`);

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const exports: Record<string, string> = {
  AWS_ACCESS_KEY_ID: account.accessKeyId,
  AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
  AWS_DEFAULT_REGION: info.region,
  AWS_ENDPOINT: info.awsEndpoint,
  VG_API: info.apiUrl,
  VG_PROXY: info.proxyUrl,
  VG_NODE_PROXY: info.nodeProxyUrl,
  GATEWAY_PRINCIPAL_ARN: info.gatewayPrincipalArn,
  CUSTOMER_ACCOUNT_ID: account.accountId,
};
process.stdout.write('unset AWS_SESSION_TOKEN AWS_PROFILE\n');
for (const [name, value] of Object.entries(exports)) process.stdout.write(`export ${name}=${quote(value)}\n`);
