/**
 * `npm run --silent token -- --sub alice [--email a@example.org] [--groups a,b] [--amr mfa] [--ttl 3600] [--aud X]`
 *
 * Prints a token from the running local stack's dev issuer on stdout, and nothing else, so
 * `TOKEN=$(npm run --silent token -- --sub alice)` works. Issuer, audience and signing key are the running stack's:
 * `<LOCAL_DATA_DIR or .local>/stack.json` (written by `npm start` while it runs) and the key beside it, checked
 * against the keys the issuer publishes. Without a running stack there, or with a key the issuer does not publish,
 * it prints no token and exits 1 saying what to start or set (a token it made up would be refused with 401
 * UnknownSigningKey). Bad arguments exit 2 with a message on stderr.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOrCreateSigningKey, signingKeyPath, signToken } from './oidc/token';
import { findRunningStack, NoRunningStack } from './running-stack';

const USAGE =
  'usage: npm run --silent token -- --sub <subject> [--email <address>] [--groups a,b] [--amr pwd,mfa] [--ttl <seconds>] [--aud ' +
  '<audience>]';

class UsageError extends Error {}

interface Request {
  sub: string;
  email?: string;
  groups?: string[];
  amr?: string[];
  ttlSeconds: number;
  audience?: string;
}

const commaList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

function parseRequest(argv: string[]): Request {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        sub: { type: 'string' },
        email: { type: 'string' },
        groups: { type: 'string' },
        amr: { type: 'string' },
        ttl: { type: 'string' },
        aud: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.sub?.trim()) throw new UsageError('--sub <subject> is required');
  const ttl = values.ttl ?? '3600';
  if (!/^\d+$/.test(ttl) || Number(ttl) <= 0) throw new UsageError(`--ttl must be a positive whole number of seconds (got "${ttl}")`);
  if (values.aud !== undefined && !values.aud.trim()) throw new UsageError('--aud must not be empty');
  return {
    sub: values.sub.trim(),
    ...(values.email !== undefined ? { email: values.email } : {}),
    ...(values.groups !== undefined ? { groups: commaList(values.groups) } : {}),
    ...(values.amr !== undefined ? { amr: commaList(values.amr) } : {}),
    ttlSeconds: Number(ttl),
    ...(values.aud !== undefined ? { audience: values.aud.trim() } : {}),
  };
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let request: Request;
  try {
    request = parseRequest(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const { dataDir, info, kids } = await findRunningStack(env);
  const keyFile = signingKeyPath(dataDir);
  // Never make a key here: the issuer would not publish it, and every token signed with it would be refused.
  if (!existsSync(keyFile))
    throw new NoRunningStack(
      `${keyFile} does not exist, so ${dataDir} is not the data directory of the stack at ${info.issuer}: set LOCAL_DATA_DIR to the ` +
        `directory its npm start used.`,
    );
  const key = await loadOrCreateSigningKey(dataDir);
  if (!kids.includes(key.kid)) {
    throw new NoRunningStack(
      `the issuer at ${info.issuer} does not publish the key in ${keyFile}: set LOCAL_DATA_DIR to the data directory of the running ` +
        `stack (the one its npm start used), or restart it with npm start.`,
    );
  }
  const { issuer, audience } = info;
  const { ttlSeconds, audience: audienceOverride, ...claims } = request;
  const token = signToken({
    privateKey: key.privateKey,
    kid: key.kid,
    issuer,
    audience: audienceOverride ?? audience,
    ttlSeconds,
    now: new Date(),
    ...claims,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // NoRunningStack says what to start or set; anything else is unexpected, and its message is all there is.
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
