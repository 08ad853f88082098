/**
 * `npm run --silent token -- --sub alice [--email a@example.org] [--groups a,b] [--amr mfa] [--ttl 3600] [--aud X]`
 *
 * Prints a token from the local dev issuer on stdout, and nothing else, so `TOKEN=$(npm run --silent token -- --sub alice)`
 * works. Issuer and audience come from `<LOCAL_DATA_DIR or .local>/stack.json`, written by `npm start`;
 * without one, the defaults `http://127.0.0.1:${OIDC_PORT:-3002}` and `volume-gateway-local` apply.
 * Bad arguments exit 2 with a message on stderr.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateSigningKey, signToken } from './oidc/token';

const USAGE = 'usage: npm run --silent token -- --sub <subject> [--email <address>] [--groups a,b] [--amr pwd,mfa] [--ttl <seconds>] [--aud <audience>]';
const DEFAULT_AUDIENCE = 'volume-gateway-local';

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
  value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);

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

/** Issuer and audience of the running local stack, or the defaults `npm start` would use. */
async function readStack(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ issuer: string; audience: string | string[] }> {
  const file = resolve(dataDir, 'stack.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { issuer: `http://127.0.0.1:${env.OIDC_PORT?.trim() || '3002'}`, audience: DEFAULT_AUDIENCE };
  }
  let stack: { issuer?: unknown; audience?: unknown };
  try {
    stack = JSON.parse(text) as typeof stack;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const audienceOk = typeof stack.audience === 'string' || (Array.isArray(stack.audience) && stack.audience.every((a) => typeof a === 'string'));
  if (typeof stack.issuer !== 'string' || !audienceOk) throw new Error(`${file} has no string "issuer" and "audience"`);
  return { issuer: stack.issuer, audience: stack.audience as string | string[] };
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
  const dataDir = resolve(env.LOCAL_DATA_DIR?.trim() || '.local');
  const { issuer, audience } = await readStack(dataDir, env);
  const key = await loadOrCreateSigningKey(dataDir);
  const { ttlSeconds, audience: audienceOverride, ...claims } = request;
  process.stdout.write(
    `${signToken({ privateKey: key.privateKey, kid: key.kid, issuer, audience: audienceOverride ?? audience, ttlSeconds, now: new Date(), ...claims })}\n`,
  );
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
