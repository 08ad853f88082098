/**
 * `npm run --silent local-env -- [--customer N]`: prints shell `export` lines for the running local
 * stack (from its stack.json in `LOCAL_DATA_DIR`, else `.local`), so `eval "$(npm run --silent local-env -- --customer 1)"`
 * makes the AWS CLI act as that customer account's admin. N counts from 1. Without a running stack there it
 * prints nothing on stdout and exits 1 saying what to start or set; bad arguments exit 2.
 */
import { findRunningStack, NoRunningStack } from './running-stack';

function fail(message: string, code: number): never {
  process.stderr.write(`local-env: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
let customer = 1;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--customer' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 1) customer = Number(args[++i]);
  else fail(`unknown argument "${args[i]}". Usage: npm run --silent local-env -- [--customer N]`, 2);
}

let info;
try {
  ({ info } = await findRunningStack(process.env));
} catch (error) {
  fail(error instanceof NoRunningStack ? error.message : `could not read the local stack: ${(error as Error).message}`, 1);
}
const account = info.customers?.[customer - 1];
if (!account) fail(`there is no customer ${customer}; the stack has ${info.customers?.length ?? 0}`, 2);

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
